import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigFileError } from "../../../src/config/config-file.js";
import {
  type ConnectorFile,
  ConnectorFileError,
  loadConnectorFile,
} from "../../../src/config/connector-file.js";
import { KAFKA_SAMPLES } from "./kafka-samples.js";

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ferry-connector-file-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `content` to a fresh file named `name` (each in its own subdirectory) and returns its path. */
async function file(name: string, content: string | Uint8Array): Promise<string> {
  const sub = join(dir, String(++counter));
  await mkdir(sub);
  const path = join(sub, name);
  await writeFile(path, content);
  return path;
}

async function loadError(path: string): Promise<ConnectorFileError> {
  const error = await loadConnectorFile(path).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorFileError);
  expect(error).toBeInstanceOf(ConfigFileError);
  return error as ConnectorFileError;
}

const FILE_SOURCE_CONFIG = {
  name: "local-file-source",
  "connector.class": "FileStreamSource",
  "tasks.max": "1",
  file: "test.txt",
  topic: "connect-test",
};

describe("loadConnectorFile: accepted shapes", () => {
  // [case, file name, content, expected result]
  const cases: [string, string, string | Uint8Array, ConnectorFile][] = [
    [
      "Kafka's connect-file-source.properties",
      "connect-file-source.properties",
      KAFKA_SAMPLES["connect-file-source.properties"],
      { name: "local-file-source", config: FILE_SOURCE_CONFIG },
    ],
    [
      "Kafka's connect-file-sink.properties",
      "connect-file-sink.properties",
      KAFKA_SAMPLES["connect-file-sink.properties"],
      {
        name: "local-file-sink",
        config: {
          name: "local-file-sink",
          "connector.class": "FileStreamSink",
          "tasks.max": "1",
          file: "test.sink.txt",
          topics: "connect-test",
        },
      },
    ],
    [
      "properties with CRLF, continuation and escapes",
      "c.properties",
      "name = crlf\r\ntopics = a,\\\r\n    b\r\nkey\\:x : \\u00e9\r\n",
      { name: "crlf", config: { name: "crlf", topics: "a,b", "key:x": "é" } },
    ],
    [
      "properties with any extension",
      "connector.conf",
      "name=n\nconnector.class=X",
      { name: "n", config: { name: "n", "connector.class": "X" } },
    ],
    [
      "flat JSON object",
      "source.json",
      JSON.stringify(FILE_SOURCE_CONFIG),
      { name: "local-file-source", config: FILE_SOURCE_CONFIG },
    ],
    [
      "flat JSON: numbers and booleans become their JSON text, as Jackson does",
      "n.json",
      '{"name":"n","tasks.max":1,"d":1.50,"big":12345678901234567890,"exp":-1E+3,"zero":0,"on":true,"off":false}',
      {
        name: "n",
        config: {
          name: "n",
          "tasks.max": "1",
          d: "1.50",
          big: "12345678901234567890",
          exp: "-1E+3",
          zero: "0",
          on: "true",
          off: "false",
        },
      },
    ],
    [
      'flat JSON whose "config" is a string stays flat',
      "f.json",
      '{"name":"n","config":"x"}',
      { name: "n", config: { name: "n", config: "x" } },
    ],
    [
      "flat JSON detected by '{' without a .json name",
      "flat.properties",
      '  \n\t{"name": "n", "a": "b"}\n',
      { name: "n", config: { name: "n", a: "b" } },
    ],
    [
      "flat JSON: a duplicate key keeps the last value",
      "d.json",
      '{"name":"n","a":"1","a":"2"}',
      { name: "n", config: { name: "n", a: "2" } },
    ],
    [
      "CreateConnectorRequest without initial_state; name is added to config",
      "r.json",
      '{"name":"r","config":{"connector.class":"FileStreamSink","tasks.max":2,"topics":"t"}}',
      {
        name: "r",
        config: {
          "connector.class": "FileStreamSink",
          "tasks.max": "2",
          topics: "t",
          name: "r",
        },
      },
    ],
    [
      "CreateConnectorRequest with a matching config.name",
      "r.json",
      '{"name":"r","config":{"name":"r","a":"b"}}',
      { name: "r", config: { name: "r", a: "b" } },
    ],
    [
      "CreateConnectorRequest with initial_state STOPPED",
      "r.json",
      '{"name":"r","config":{},"initial_state":"STOPPED"}',
      { name: "r", config: { name: "r" }, initialState: "STOPPED" },
    ],
    [
      "initial_state is case-insensitive (paused)",
      "r.json",
      '{"name":"r","config":{},"initial_state":"paused"}',
      { name: "r", config: { name: "r" }, initialState: "PAUSED" },
    ],
    [
      "initial_state is case-insensitive (Running)",
      "r.json",
      '{"name":"r","config":{},"initial_state":"Running"}',
      { name: "r", config: { name: "r" }, initialState: "RUNNING" },
    ],
    [
      "initial_state null means not given",
      "r.json",
      '{"name":"r","config":{},"initial_state":null}',
      { name: "r", config: { name: "r" } },
    ],
    [
      "CreateConnectorRequest ignores unknown fields, nested ones included",
      "r.json",
      '{"name":"r","config":{"a":"b"},"tasks":[{"connector":"r","task":0}],"type":"sink","extra":{"x":[1]}}',
      { name: "r", config: { a: "b", name: "r" } },
    ],
    [
      "properties name is trimmed, config.name too",
      "t.properties",
      "name=  spaced  \n",
      { name: "spaced", config: { name: "spaced" } },
    ],
    [
      "trimming removes control characters at the ends, as Java's trim",
      "t.json",
      '{"name":"\\u0001 x\\n"}',
      { name: "x", config: { name: "x" } },
    ],
    [
      "CreateConnectorRequest name is trimmed",
      "t.json",
      '{"name":" r ","config":{"name":" r "}}',
      { name: "r", config: { name: "r" } },
    ],
    [
      "UTF-8 byte order mark before properties",
      "bom.properties",
      "\uFEFFname=bom\n",
      { name: "bom", config: { name: "bom" } },
    ],
    [
      "UTF-8 byte order mark before JSON",
      "bom.json",
      '\uFEFF{"name":"bom"}',
      { name: "bom", config: { name: "bom" } },
    ],
    ["UTF-8 text", "u.properties", "name=ünïcödé ✓\n", { name: "ünïcödé ✓", config: { name: "ünïcödé ✓" } }],
    [
      "bytes that are not UTF-8 are read as ISO-8859-1, like Java's Properties.load(InputStream)",
      "latin1.properties",
      Buffer.from("name=caf\xe9\n", "latin1"),
      { name: "café", config: { name: "café" } },
    ],
  ];

  it.each(cases)("%s", async (_case, name, content, expected) => {
    const path = await file(name, content);
    await expect(loadConnectorFile(path)).resolves.toEqual(expected);
  });

  it("omits initialState unless the file sets it", async () => {
    const path = await file("x.properties", "name=x");
    expect(Object.keys(await loadConnectorFile(path))).toEqual(["name", "config"]);
  });
});

describe("loadConnectorFile: errors name the file and the problem", () => {
  // [case, file name, content, problem after "connector config file <path>: "]
  const cases: [string, string, string, string][] = [
    [
      "invalid JSON: trailing comma",
      "bad.json",
      '{"name": "x",}',
      "invalid JSON: expected a double-quoted property name at line 1, column 14",
    ],
    [
      "invalid JSON: position on a later line",
      "bad.json",
      '{\n  "name": "x"\n  "tasks.max": "1"\n}',
      "invalid JSON: expected ',' or '}' after property value at line 3, column 3",
    ],
    [
      "invalid JSON without a .json name",
      "bad.properties",
      "{ name=x }",
      "invalid JSON: expected a double-quoted property name at line 1, column 3",
    ],
    [
      "invalid JSON: unterminated string",
      "bad.json",
      '{"name": "x',
      "invalid JSON: unterminated string at line 1, column 10",
    ],
    [
      "invalid JSON: content after the object",
      "bad.json",
      '{"name": "x"} {}',
      "invalid JSON: unexpected content after the JSON value at line 1, column 15",
    ],
    ["empty .json file", "empty.json", "", "invalid JSON: unexpected end of input at line 1, column 1"],
    ["JSON array", "a.json", '[{"name":"x"}]', "must be a JSON object, but it holds an array value"],
    ["JSON string", "s.json", '"name=x"', "must be a JSON object, but it holds a string value"],
    [
      "flat JSON with an object value",
      "f.json",
      '{"name":"x","tasks.max":{"value":1}}',
      'a connector config must map every key to a string; key "tasks.max" has an object value',
    ],
    [
      "flat JSON with an array value",
      "f.json",
      '{"name":"x","topics":["a","b"]}',
      'a connector config must map every key to a string; key "topics" has an array value',
    ],
    [
      "flat JSON with a null value",
      "f.json",
      '{"name":"x","file":null}',
      'a connector config must map every key to a string; key "file" has a null value',
    ],
    [
      "flat JSON: every bad key is listed",
      "f.json",
      '{"name":"x","a":[],"b":{},"c":"ok"}',
      'a connector config must map every key to a string; key "a" has an array value; key "b" has an object value',
    ],
    [
      "flat JSON without name",
      "f.json",
      '{"connector.class":"X"}',
      'missing the mandatory "name" configuration',
    ],
    ["empty flat JSON object", "f.json", "{}", 'missing the mandatory "name" configuration'],
    [
      "properties without name",
      "p.properties",
      "connector.class=X\n#name=commented\n",
      'missing the mandatory "name" configuration',
    ],
    ["empty properties file", "p.properties", "", 'missing the mandatory "name" configuration'],
    ["properties with an empty name", "p.properties", "name=\n", '"name" must not be empty'],
    ["properties with a blank name", "p.properties", "name=   \\t\n", '"name" must not be empty'],
    [
      "properties name with a control character",
      "p.properties",
      "name=a\\u0007b\n",
      '"name" must not contain control characters, but it has U+0007',
    ],
    [
      "JSON name with C1 control characters and DEL",
      "f.json",
      '{"name":"a\\u0085b\\u007fc\\u009f"}',
      '"name" must not contain control characters, but it has U+0085, U+007F, U+009F',
    ],
    [
      "properties with a malformed \\u escape",
      "p.properties",
      "name=x\nfile=\\u00zz\n",
      "line 2: Malformed \\uxxxx encoding.",
    ],
    [
      "CreateConnectorRequest config with an object value",
      "r.json",
      '{"name":"x","config":{"tasks.max":{"v":1}}}',
      '"config" must be an object of strings; key "tasks.max" has an object value',
    ],
    [
      "CreateConnectorRequest config with an array and a null value",
      "r.json",
      '{"name":"x","config":{"a":[1],"b":null}}',
      '"config" must be an object of strings; key "a" has an array value; key "b" has a null value',
    ],
    [
      "CreateConnectorRequest without name",
      "r.json",
      '{"config":{"name":"x"}}',
      'missing the mandatory "name" field',
    ],
    [
      "CreateConnectorRequest with an object name",
      "r.json",
      '{"name":{"first":"x"},"config":{}}',
      '"name" must be a string, but it has an object value',
    ],
    [
      "CreateConnectorRequest with a null name",
      "r.json",
      '{"name":null,"config":{}}',
      '"name" must be a string, but it has a null value',
    ],
    [
      "CreateConnectorRequest with an empty name",
      "r.json",
      '{"name":"","config":{}}',
      '"name" must not be empty',
    ],
    [
      "CreateConnectorRequest whose config.name differs",
      "r.json",
      '{"name":"a","config":{"name":"b"}}',
      '"config" has "name": "b", which does not match "name": "a"',
    ],
    [
      "CreateConnectorRequest whose config.name differs only in spaces",
      "r.json",
      '{"name":"a","config":{"name":" a"}}',
      '"config" has "name": " a", which does not match "name": "a"',
    ],
    [
      "unknown initial_state",
      "r.json",
      '{"name":"a","config":{},"initial_state":"started"}',
      '"initial_state" must be one of RUNNING, PAUSED, STOPPED (in any case), not "started"',
    ],
    [
      "non-string initial_state",
      "r.json",
      '{"name":"a","config":{},"initial_state":1}',
      '"initial_state" must be a string, but it has a number value',
    ],
    [
      "several CreateConnectorRequest problems at once",
      "r.json",
      '{"name":[],"config":{"k":{}},"initial_state":"nope"}',
      '"name" must be a string, but it has an array value; "initial_state" must be one of RUNNING, PAUSED, STOPPED (in any case), not "nope"; "config" must be an object of strings; key "k" has an object value',
    ],
  ];

  it.each(cases)("%s", async (_case, name, content, problem) => {
    const path = await file(name, content);
    const error = await loadError(path);
    expect(error.message).toBe(`connector config file ${path}: ${problem}`);
    expect(error.path).toBe(path);
    expect(error.problem).toBe(problem);
    expect(error.name).toBe("ConnectorFileError");
  });

  it("a missing file", async () => {
    const path = join(dir, "does-not-exist.properties");
    const error = await loadError(path);
    expect(error.message).toBe(`connector config file ${path}: file not found`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe("ENOENT");
  });

  it("a directory", async () => {
    const path = join(dir, "a-directory.json");
    await mkdir(path);
    expect((await loadError(path)).message).toBe(`connector config file ${path}: is a directory, not a file`);
  });

  // a file the system refuses to open, for root too (which file permissions would not stop): a path
  // through a regular file
  it("a file that cannot be opened", async () => {
    const parent = await file("a-file.properties", "name=x");
    const path = join(parent, "below.properties");
    const error = await loadError(path);
    expect(error.message).toBe(
      `connector config file ${path}: cannot read file: ENOTDIR: not a directory, open '${path}'`,
    );
    expect((error.cause as NodeJS.ErrnoException).code).toBe("ENOTDIR");
  });

  it("keeps the underlying error as the cause", async () => {
    const path = await file("bad.json", "{");
    const error = await loadError(path);
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).name).toBe("JsonSyntaxError");
  });
});
