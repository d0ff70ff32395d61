/** Single message transforms and predicates: the ones Apache Kafka ships, and the chain that runs them. */
export {
  buildTransformChain,
  type TransformChain,
  type TransformStage,
  transformConfigDef,
  validateTransformConfig,
} from "./chain.js";
export {
  pluginLookup,
  predicatePlugins,
  type TransformPluginLookup,
  transformationPlugins,
} from "./registry.js";
export { ConfigError } from "./util.js";
