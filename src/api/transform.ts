import type { ConfigDef } from "./config-def.js";
import type { ConnectRecord } from "./records.js";

/**
 * A single message transform (Kafka's Transformation). Returns the changed record, the same record, or
 * null to drop it. Works on SourceRecord and SinkRecord alike: spread the input to keep its extra fields.
 */
export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  configure(config: Readonly<Record<string, string>>): void;
  apply(record: R): R | null;
  config(): ConfigDef;
  close?(): void;
}

/** A condition on a record (Kafka's Predicate). */
export interface Predicate<R extends ConnectRecord = ConnectRecord> {
  configure(config: Readonly<Record<string, string>>): void;
  test(record: R): boolean;
  config(): ConfigDef;
  close?(): void;
}

export interface TransformationPlugin {
  readonly type: "transformation";
  readonly className: string;
  readonly aliases?: readonly string[];
  readonly version: string;
  create(): Transformation;
}

export interface PredicatePlugin {
  readonly type: "predicate";
  readonly className: string;
  readonly aliases?: readonly string[];
  readonly version: string;
  create(): Predicate;
}
