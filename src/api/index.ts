export * from "./config-def.js";
export * from "./connector.js";
export * from "./converter.js";
export * from "./errors.js";
export * from "./records.js";
export * from "./schema.js";
export * from "./transform.js";
