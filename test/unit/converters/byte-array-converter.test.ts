import { describe, expect, it } from "vitest";
import { DataError, Schemas } from "../../../src/api/schema.js";
import { ByteArrayConverter } from "../../../src/converters/byte-array-converter.js";

const TOPIC = "topic";
const SAMPLE = Buffer.from("sample bytes");

describe("ByteArrayConverter", () => {
  const c = new ByteArrayConverter();
  c.configure({}, false);

  it("passes bytes through without copying", () => {
    expect(c.fromConnectData(TOPIC, Schemas.BYTES, SAMPLE)).toBe(SAMPLE);
    expect(c.fromConnectData(TOPIC, null, SAMPLE)).toBe(SAMPLE);
  });

  it("accepts a Uint8Array view", () => {
    const backing = new Uint8Array([9, 1, 2, 3, 9]);
    const out = c.fromConnectData(TOPIC, Schemas.OPTIONAL_BYTES, backing.subarray(1, 4));
    expect([...(out as Buffer)]).toEqual([1, 2, 3]);
  });

  it("reads bytes with an optional bytes schema", () => {
    expect(c.toConnectData(TOPIC, SAMPLE)).toEqual({ schema: Schemas.OPTIONAL_BYTES, value: SAMPLE });
    expect(c.toConnectData(TOPIC, null)).toEqual({ schema: Schemas.OPTIONAL_BYTES, value: null });
  });

  it("passes null through", () => {
    expect(c.fromConnectData(TOPIC, Schemas.OPTIONAL_BYTES, null)).toBeNull();
  });

  it.each([
    [Schemas.INT32, SAMPLE, "Invalid schema type for ByteArrayConverter: INT32"],
    [null, "a string", "ByteArrayConverter is not compatible with objects of type string"],
    [Schemas.BYTES, [1, 2], "ByteArrayConverter is not compatible with objects of type Array"],
  ])("rejects schema %o with value %o", (schema, value, message) => {
    expect(() => c.fromConnectData(TOPIC, schema, value)).toThrow(DataError);
    expect(() => c.fromConnectData(TOPIC, schema, value)).toThrow(message);
  });

  it("is a header converter too", () => {
    expect(c.fromConnectHeader(TOPIC, "h", null, SAMPLE)).toBe(SAMPLE);
    expect(c.toConnectHeader(TOPIC, "h", SAMPLE).value).toBe(SAMPLE);
  });
});
