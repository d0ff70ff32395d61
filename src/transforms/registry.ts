/** The built-in transforms and predicates, and a name lookup over any set of them. */
import type { PredicatePlugin, TransformationPlugin } from "../api/transform.js";
import { castPlugins } from "./cast.js";
import { dropHeadersPlugin } from "./drop-headers.js";
import { extractFieldPlugins } from "./extract-field.js";
import { filterPlugin } from "./filter.js";
import { flattenPlugins } from "./flatten.js";
import { headerFromPlugins } from "./header-from.js";
import { hoistFieldPlugins } from "./hoist-field.js";
import { insertFieldPlugins } from "./insert-field.js";
import { insertHeaderPlugin } from "./insert-header.js";
import { maskFieldPlugins } from "./mask-field.js";
import { hasHeaderKeyPlugin } from "./predicates/has-header-key.js";
import { recordIsTombstonePlugin } from "./predicates/record-is-tombstone.js";
import { topicNameMatchesPlugin } from "./predicates/topic-name-matches.js";
import { regexRouterPlugin } from "./regex-router.js";
import { replaceFieldPlugins } from "./replace-field.js";
import { setSchemaMetadataPlugins } from "./set-schema-metadata.js";
import { timestampConverterPlugins } from "./timestamp-converter.js";
import { timestampRouterPlugin } from "./timestamp-router.js";
import { valueToKeyPlugin } from "./value-to-key.js";

/** Every transform that ships with Apache Kafka, under Kafka's class names and short aliases. */
export const transformationPlugins: TransformationPlugin[] = [
  ...castPlugins,
  dropHeadersPlugin,
  ...extractFieldPlugins,
  filterPlugin,
  ...flattenPlugins,
  ...headerFromPlugins,
  ...hoistFieldPlugins,
  ...insertFieldPlugins,
  insertHeaderPlugin,
  ...maskFieldPlugins,
  regexRouterPlugin,
  ...replaceFieldPlugins,
  ...setSchemaMetadataPlugins,
  ...timestampConverterPlugins,
  timestampRouterPlugin,
  valueToKeyPlugin,
];

/** Every predicate that ships with Apache Kafka. */
export const predicatePlugins: PredicatePlugin[] = [
  hasHeaderKeyPlugin,
  recordIsTombstonePlugin,
  topicNameMatchesPlugin,
];

/** How the chain finds plugins by name (a class name or an alias); the worker's plugin registry fits. */
export interface TransformPluginLookup {
  transformation(name: string): TransformationPlugin | undefined;
  predicate(name: string): PredicatePlugin | undefined;
}

/** A lookup over the given plugins by class name and aliases (the built-ins by default). */
export function pluginLookup(
  transformations: readonly TransformationPlugin[] = transformationPlugins,
  predicates: readonly PredicatePlugin[] = predicatePlugins,
): TransformPluginLookup {
  const t = new Map<string, TransformationPlugin>();
  const p = new Map<string, PredicatePlugin>();
  for (const plugin of transformations)
    for (const n of [plugin.className, ...(plugin.aliases ?? [])]) t.set(n, plugin);
  for (const plugin of predicates)
    for (const n of [plugin.className, ...(plugin.aliases ?? [])]) p.set(n, plugin);
  return {
    transformation: (name) => t.get(name.trim()),
    predicate: (name) => p.get(name.trim()),
  };
}
