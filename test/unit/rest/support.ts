/** A Herder for REST-layer unit tests: the methods a test gives, and a loud failure for any other call. */
import type { Herder } from "../../../src/herder/herder.js";

export function herderWith(methods: Partial<Herder>): Herder {
  return new Proxy(methods as Herder, {
    get(target, key) {
      if (key in target) return target[key as keyof Herder];
      // optional methods are absent, as on a herder that lacks them
      if (key === "clusterScaling" || key === "then") return undefined;
      return () => {
        throw new Error(`the test did not expect Herder.${String(key)}`);
      };
    },
  });
}
