/** The plugins that ship with Ferry. */
import { datagenSourcePlugin } from "../connectors/datagen/index.js";
import { fileStreamSinkPlugin, fileStreamSourcePlugin } from "../connectors/file/index.js";
import { httpSinkPlugin } from "../connectors/http-sink/index.js";
import { httpSourcePlugin } from "../connectors/http-source/index.js";
import { postgresSinkPlugin, postgresSourcePlugin } from "../connectors/postgres/index.js";
import { redisStreamsSinkPlugin, redisStreamsSourcePlugin } from "../connectors/redis-streams/index.js";
import { verifiableSinkPlugin, verifiableSourcePlugin } from "../connectors/verifiable/index.js";
import { converterPlugins } from "../converters/index.js";
import { predicatePlugins, transformationPlugins } from "../transforms/index.js";
import { PluginRegistry } from "./registry.js";

export function builtinPlugins(): PluginRegistry {
  return new PluginRegistry()
    .addAll([
      fileStreamSourcePlugin,
      fileStreamSinkPlugin,
      datagenSourcePlugin,
      httpSourcePlugin,
      httpSinkPlugin,
      postgresSourcePlugin,
      postgresSinkPlugin,
      redisStreamsSourcePlugin,
      redisStreamsSinkPlugin,
      verifiableSourcePlugin,
      verifiableSinkPlugin,
    ])
    .addAll(converterPlugins)
    .addAll(transformationPlugins)
    .addAll(predicatePlugins);
}
