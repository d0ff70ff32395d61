export { httpSinkPlugin } from "./http-sink.js";
