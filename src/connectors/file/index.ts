export { fileStreamSinkPlugin } from "./file-stream-sink.js";
export { fileStreamSourcePlugin } from "./file-stream-source.js";
