export { postgresSinkPlugin } from "./postgres-sink.js";
export { postgresSourcePlugin } from "./postgres-source.js";
