export { verifiableSinkPlugin } from "./verifiable-sink.js";
export { verifiableSourcePlugin } from "./verifiable-source.js";
