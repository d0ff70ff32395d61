import { describe, expect, it } from "vitest";
import { PropertiesError, parseProperties } from "../../../src/config/properties.js";
import { KAFKA_SAMPLES } from "./kafka-samples.js";

const entries = (text: string): [string, string][] => [...parseProperties(text)];

describe("parseProperties: java.util.Properties.load rules", () => {
  // [case, input text, expected entries in order]
  const cases: [string, string, [string, string][]][] = [
    ["empty input", "", []],
    ["only blank lines", "\n\n  \n\t\f\n", []],
    ["key=value", "a=b", [["a", "b"]]],
    ["key:value", "a:b", [["a", "b"]]],
    ["whitespace around '='", "a   =   b", [["a", "b"]]],
    ["whitespace around ':'", "a\t:\tb", [["a", "b"]]],
    ["whitespace separator", "key value", [["key", "value"]]],
    ["tab separator", "key\tvalue", [["key", "value"]]],
    ["form feed separator", "key\fvalue", [["key", "value"]]],
    ["several whitespace chars separate", "key    value", [["key", "value"]]],
    ["value after whitespace separator keeps later '='", "a b = c", [["a", "b = c"]]],
    ["only one separator is skipped", "a = = b", [["a", "= b"]]],
    ["'==' keeps the second '='", "a==b", [["a", "=b"]]],
    ["':=' keeps the '='", "a:=b", [["a", "=b"]]],
    ["whitespace then ':' separator, value keeps '='", "a := b", [["a", "= b"]]],
    ["key= has an empty value", "key=", [["key", ""]]],
    ["key alone has an empty value", "key", [["key", ""]]],
    ["key with trailing whitespace has an empty value", "key   ", [["key", ""]]],
    ["empty key", "=value", [["", "value"]]],
    ["empty key with ':'", ":value", [["", "value"]]],
    ["leading whitespace is skipped", "   \t\fa=b", [["a", "b"]]],
    ["trailing whitespace of a value is kept", "a=b  \t", [["a", "b  \t"]]],
    ["value keeps inner '=' and ':'", "url=http://h:80/p?q=1", [["url", "http://h:80/p?q=1"]]],
    ["escaped ':' in key", "key\\:with\\:colons = v", [["key:with:colons", "v"]]],
    ["escaped '=' in key", "a\\=b=c", [["a=b", "c"]]],
    ["escaped space in key", "a\\ b c", [["a b", "c"]]],
    ["escaped '#' starts a key, not a comment", "\\#notcomment=1", [["#notcomment", "1"]]],
    ["escaped '!' starts a key, not a comment", "\\!x=1", [["!x", "1"]]],
    ["escaped backslash before separator", "a\\\\=b", [["a\\", "b"]]],
    ["'#' comment", "# comment\na=b", [["a", "b"]]],
    ["'!' comment", "! comment\na=b", [["a", "b"]]],
    ["indented comments", "   # c1\n\t! c2\n\f#c3\na=b", [["a", "b"]]],
    ["comment at EOF without newline", "a=b\n# last", [["a", "b"]]],
    ["'#' mid-line is data", "a=b # not a comment", [["a", "b # not a comment"]]],
    ["'#' inside a key is data", "a#b=c", [["a#b", "c"]]],
    ["'!' mid-line is data", "a=hello!", [["a", "hello!"]]],
    ["a comment's trailing backslash does not continue it", "# c \\\na=b", [["a", "b"]]],
    ["continuation drops the next line's leading whitespace", "a=b\\\n   c", [["a", "bc"]]],
    ["whitespace before the backslash is kept", "a=b \\\n    c", [["a", "b c"]]],
    ["continuation drops tabs and form feeds too", "a=x\\\n\t\f y", [["a", "xy"]]],
    ["several continuations", "a=1,\\\n  2,\\\n  3", [["a", "1,2,3"]]],
    ["continuation inside the key", "ke\\\n   y=v", [["key", "v"]]],
    ["continuation before the separator", "key\\\n  =v", [["key", "v"]]],
    ["comment-looking continuation line is data", "a=b\\\n  # c", [["a", "b# c"]]],
    ["'!'-looking continuation line is data", "a=b\\\n!c", [["a", "b!c"]]],
    [
      "continuation into an empty line ends the logical line",
      "a=b\\\n\nc=d",
      [
        ["a", "b"],
        ["c", "d"],
      ],
    ],
    [
      "continuation into a whitespace-only line ends the logical line",
      "a=b\\\n   \nc=d",
      [
        ["a", "b"],
        ["c", "d"],
      ],
    ],
    [
      "even trailing backslashes are an escaped backslash, not a continuation",
      "a=b\\\\\nc=d",
      [
        ["a", "b\\"],
        ["c", "d"],
      ],
    ],
    ["odd trailing backslashes continue", "a=b\\\\\\\n  c", [["a", "b\\c"]]],
    ["trailing backslash at EOF is dropped", "a=b\\", [["a", "b"]]],
    ["trailing backslash then newline at EOF is dropped", "a=b\\\n", [["a", "b"]]],
    ["continuation into whitespace at EOF", "a=b\\\n   ", [["a", "b"]]],
    ["even backslashes at EOF are kept", "a=b\\\\", [["a", "b\\"]]],
    ["a lone backslash at EOF is an empty key", "\\", [["", ""]]],
    // JDK 9+ checks "nothing collected yet", so after a line holding only "\" a '#' line is a comment.
    ["comment after a backslash-only line", "\\\n#x=1\na=b", [["a", "b"]]],
    ["\\t \\n \\r \\f escapes", "a=\\t\\n\\r\\f", [["a", "\t\n\r\f"]]],
    ["backslash before another char yields that char", "a=\\b\\q\\\"\\'", [["a", "bq\"'"]]],
    ["escaped backslash", "path=c:\\\\temp\\\\new", [["path", "c:\\temp\\new"]]],
    ["escaped separators in value", "a=x\\=y\\:z", [["a", "x=y:z"]]],
    ["escaped leading space in value is kept", "a=\\  b", [["a", "  b"]]],
    ["unicode escapes", "a=\\u0041\\u00e9\\u00E9", [["a", "Aéé"]]],
    ["unicode escape in key", "\\u006bey=v", [["key", "v"]]],
    ["unicode escape for a separator is data", "a\\u003db=c", [["a=b", "c"]]],
    ["surrogate pair escapes", "a=\\uD83D\\uDE00", [["a", "😀"]]],
    ["unicode escape split by a continuation", "a=\\u00\\\n    41", [["a", "A"]]],
    ["raw non-ASCII text", "ключ=значение ✓", [["ключ", "значение ✓"]]],
    [
      "CRLF line terminators",
      "# c\r\na=1\r\nb=2\r\n",
      [
        ["a", "1"],
        ["b", "2"],
      ],
    ],
    [
      "CR line terminators",
      "a=1\rb=2\r",
      [
        ["a", "1"],
        ["b", "2"],
      ],
    ],
    [
      "mixed line terminators",
      "a=1\nb=2\r\nc=3\rd=4",
      [
        ["a", "1"],
        ["b", "2"],
        ["c", "3"],
        ["d", "4"],
      ],
    ],
    [
      "continuation with CRLF",
      "a=b\\\r\n  c\r\nd=e",
      [
        ["a", "bc"],
        ["d", "e"],
      ],
    ],
    ["continuation with CR", "a=b\\\r  c", [["a", "bc"]]],
    [
      "continuation with CR then an empty CR line",
      "a=b\\\r\rc=d",
      [
        ["a", "b"],
        ["c", "d"],
      ],
    ],
    ["a later duplicate key overrides", "a=1\na=2", [["a", "2"]]],
    [
      "insertion order is kept",
      "b=1\na=2\n10=3\n2=4",
      [
        ["b", "1"],
        ["a", "2"],
        ["10", "3"],
        ["2", "4"],
      ],
    ],
    ["__proto__ is an ordinary key", "__proto__=x", [["__proto__", "x"]]],
  ];

  it.each(cases)("%s", (_name, text, expected) => {
    expect(entries(text)).toEqual(expected);
  });
});

describe("parseProperties: malformed \\uxxxx escapes", () => {
  // [case, input text, line reported]
  const cases: [string, string, number][] = [
    ["non-hex digit", "a=\\u00G1", 1],
    ["too short at end of value", "\n\nbad=\\u12", 3],
    ["too short before more text is still checked as 4 chars", "a=\\u12 x", 1],
    ["in a key", "x=1\n\\uXYZW=1", 2],
    ["on a continuation line", "a=1\nb=x\\\n  \\uzzzz", 3],
    ["after CRLF lines", "a=1\r\nb=2\r\nc=\\u", 3],
    ["after CR lines", "a=1\rb=\\u004", 2],
    ["after a comment", "# \\u not checked in comments\nk=\\u+123", 2],
  ];

  it.each(cases)("%s", (_name, text, line) => {
    let error: unknown;
    try {
      parseProperties(text, "/etc/f.properties");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropertiesError);
    const pe = error as PropertiesError;
    expect(pe.line).toBe(line);
    expect(pe.source).toBe("/etc/f.properties");
    expect(pe.reason).toBe("Malformed \\uxxxx encoding.");
    expect(pe.message).toBe(`/etc/f.properties:${line}: Malformed \\uxxxx encoding.`);
  });

  it("labels text without a source", () => {
    expect(() => parseProperties("a=\\uq")).toThrow("<input>:1: Malformed \\uxxxx encoding.");
  });
});

describe("parseProperties: Kafka's sample files", () => {
  it.each([
    [
      "connect-standalone.properties",
      {
        "bootstrap.servers": "localhost:9092",
        "key.converter": "org.apache.kafka.connect.json.JsonConverter",
        "value.converter": "org.apache.kafka.connect.json.JsonConverter",
        "key.converter.schemas.enable": "true",
        "value.converter.schemas.enable": "true",
        "offset.storage.file.filename": "/tmp/connect.offsets",
        "offset.flush.interval.ms": "10000",
      },
    ],
    [
      "connect-file-source.properties",
      {
        name: "local-file-source",
        "connector.class": "FileStreamSource",
        "tasks.max": "1",
        file: "test.txt",
        topic: "connect-test",
      },
    ],
    [
      "connect-file-sink.properties",
      {
        name: "local-file-sink",
        "connector.class": "FileStreamSink",
        "tasks.max": "1",
        file: "test.sink.txt",
        topics: "connect-test",
      },
    ],
  ] as const)("%s", (file, expected) => {
    const parsed = parseProperties(KAFKA_SAMPLES[file], file);
    expect(Object.fromEntries(parsed)).toEqual(expected);
    // key order as written
    expect([...parsed.keys()]).toEqual(Object.keys(expected));
  });
});
