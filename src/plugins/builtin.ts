/** The plugins that ship with Ferry. */
import { fileStreamSinkPlugin, fileStreamSourcePlugin } from "../connectors/file/index.js";
import { converterPlugins } from "../converters/index.js";
import { predicatePlugins, transformationPlugins } from "../transforms/index.js";
import { PluginRegistry } from "./registry.js";

export function builtinPlugins(): PluginRegistry {
  return new PluginRegistry()
    .addAll([fileStreamSourcePlugin, fileStreamSinkPlugin])
    .addAll(converterPlugins)
    .addAll(transformationPlugins)
    .addAll(predicatePlugins);
}
