/**
 * Every plugin this worker can run, found by Kafka's rules: a fully qualified class name, its simple name,
 * or (for connectors) the simple name without the `Connector` suffix.
 */
import type { ConnectorPlugin } from "../api/connector.js";
import type { ConverterPlugin } from "../api/converter.js";
import type { PredicatePlugin, TransformationPlugin } from "../api/transform.js";

export type AnyPlugin = ConnectorPlugin | TransformationPlugin | PredicatePlugin | ConverterPlugin;
export type PluginType = AnyPlugin["type"];

export interface PluginInfo {
  class: string;
  type: PluginType;
  version?: string;
}

function simpleName(className: string): string {
  return className.slice(className.lastIndexOf(".") + 1);
}

function aliasesOf(p: AnyPlugin): string[] {
  const names = new Set<string>([p.className, simpleName(p.className), ...(p.aliases ?? [])]);
  if (p.type === "source" || p.type === "sink") {
    for (const n of [...names]) if (n.endsWith("Connector")) names.add(n.slice(0, -"Connector".length));
  }
  return [...names];
}

export class PluginRegistry {
  private readonly byName = new Map<string, AnyPlugin[]>();
  private readonly all: AnyPlugin[] = [];

  add(plugin: AnyPlugin): this {
    this.all.push(plugin);
    for (const n of aliasesOf(plugin)) {
      const list = this.byName.get(n) ?? [];
      list.push(plugin);
      this.byName.set(n, list);
    }
    return this;
  }

  addAll(plugins: Iterable<AnyPlugin>): this {
    for (const p of plugins) this.add(p);
    return this;
  }

  private find<T extends AnyPlugin>(name: string, accept: (p: AnyPlugin) => p is T): T | undefined {
    // An exact class name wins over an alias shared by plugins of different kinds.
    const candidates = (this.byName.get(name.trim()) ?? []).filter(accept);
    return candidates.find((p) => p.className === name.trim()) ?? candidates[0];
  }

  connector(name: string): ConnectorPlugin | undefined {
    return this.find(name, (p): p is ConnectorPlugin => p.type === "source" || p.type === "sink");
  }

  transformation(name: string): TransformationPlugin | undefined {
    return this.find(name, (p): p is TransformationPlugin => p.type === "transformation");
  }

  predicate(name: string): PredicatePlugin | undefined {
    return this.find(name, (p): p is PredicatePlugin => p.type === "predicate");
  }

  converter(name: string): ConverterPlugin | undefined {
    return this.find(
      name,
      (p): p is ConverterPlugin => p.type === "converter" || p.type === "header_converter",
    );
  }

  /** Any plugin by name, for /connector-plugins/{plugin}/config. */
  any(name: string): AnyPlugin | undefined {
    const list = this.byName.get(name.trim());
    return list?.find((p) => p.className === name.trim()) ?? list?.[0];
  }

  list(connectorsOnly: boolean): PluginInfo[] {
    return this.all
      .filter((p) => !connectorsOnly || p.type === "source" || p.type === "sink")
      .map((p) => ({
        class: p.className,
        type: p.type,
        ...(p.version === "undefined" ? {} : { version: p.version }),
      }))
      .sort((a, b) => a.class.localeCompare(b.class));
  }
}
