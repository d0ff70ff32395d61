/** Filter: drops every record; meant to be used with a predicate (Kafka's Filter). */
import { ConfigDef } from "../api/config-def.js";
import type { Transformation } from "../api/transform.js";
import { transformationPlugin } from "./util.js";

const CONFIG_DEF = new ConfigDef();

export class Filter implements Transformation {
  config(): ConfigDef {
    return CONFIG_DEF;
  }

  configure(): void {}

  apply(): null {
    return null;
  }

  close(): void {}
}

export const filterPlugin = transformationPlugin("Filter", () => new Filter());
