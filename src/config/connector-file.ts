/**
 * Connector config files given on the standalone command line, in the three shapes Kafka's
 * ConnectStandalone.parseConnectorConfigurationFile accepts (reference §5):
 *   1. a JSON object of string→string that includes "name";
 *   2. a JSON CreateConnectorRequest {"name", "config", "initial_state"?}; unknown fields are ignored;
 *   3. a Java properties file that includes name.
 * Kafka tries 1, then 2, then 3; a JSON object is shape 2 exactly when its "config" is an object, because that
 * is when shape 1 fails. Unlike Kafka, invalid JSON is an error rather than a fallback to properties (see
 * looksLikeJson).
 */
import { z } from "zod";
import { javaTrim } from "../data/java-text.js";
import {
  ConfigFileError,
  configMapSchema,
  configValueSchema,
  describeBadEntries,
  describeJsonKind,
  type Fail,
  isJsonObject,
  looksLikeJson,
  parseJsonText,
  parsePropertiesText,
  readConfigText,
} from "./config-file.js";

export const INITIAL_STATES = ["RUNNING", "PAUSED", "STOPPED"] as const;
export type InitialState = (typeof INITIAL_STATES)[number];

export interface ConnectorFile {
  /** trimmed; config.name holds the same value */
  name: string;
  config: Record<string, string>;
  /** only from a CreateConnectorRequest that sets it */
  initialState?: InitialState;
}

export class ConnectorFileError extends ConfigFileError {
  override name = "ConnectorFileError";
  constructor(path: string, problem: string, options?: ErrorOptions) {
    super("connector config file", path, problem, options);
  }
}

const isInitialState = (s: string): s is InitialState => (INITIAL_STATES as readonly string[]).includes(s);

/** Kafka's CreateConnectorRequest.InitialState.forValue upper-cases, so any case is accepted. */
const initialStateSchema = z
  .string({
    error: (issue) => `"initial_state" must be a string, but it has ${describeJsonKind(issue.input)}`,
  })
  .refine((s) => isInitialState(s.toUpperCase()), {
    error: (issue) =>
      `"initial_state" must be one of ${INITIAL_STATES.join(", ")} (in any case), not ${JSON.stringify(issue.input)}`,
  })
  .transform((s) => s.toUpperCase() as InitialState);

const createConnectorRequestSchema = z.object({
  // optional here so that a missing name gets the same message as in the other shapes
  name: configValueSchema.optional(),
  config: configMapSchema,
  // Jackson maps a JSON null to "not given"
  initial_state: initialStateSchema.nullish(),
});

/** Java's Character.isISOControl. */
const isIsoControl = (code: number): boolean => code <= 0x1f || (code >= 0x7f && code <= 0x9f);

/**
 * Trims the name (Kafka's REST create trims it, and ConfigDef trims STRING values) and applies ConnectorConfig's
 * NonEmptyStringWithoutControlChars check.
 */
function checkName(raw: string, fail: Fail): string {
  const name = javaTrim(raw);
  if (name === "") fail('"name" must not be empty');
  const controls = [...name].map((c) => c.charCodeAt(0)).filter(isIsoControl);
  if (controls.length > 0) {
    const listed = controls.map((c) => `U+${c.toString(16).toUpperCase().padStart(4, "0")}`).join(", ");
    fail(`"name" must not contain control characters, but it has ${listed}`);
  }
  return name;
}

function fromConfigMap(config: Record<string, string>, fail: Fail): ConnectorFile {
  const raw = Object.hasOwn(config, "name") ? config.name : undefined;
  if (raw === undefined) fail('missing the mandatory "name" configuration');
  const name = checkName(raw, fail);
  return { name, config: { ...config, name } };
}

function fromCreateConnectorRequest(json: unknown, fail: Fail): ConnectorFile {
  const parsed = createConnectorRequestSchema.safeParse(json);
  if (!parsed.success) {
    const configIssues = parsed.error.issues.filter((i) => i.path[0] === "config");
    const problems = parsed.error.issues
      .filter((i) => i.path[0] !== "config")
      .map((i) => (i.path[0] === "name" ? `"name" must be a string, but it has ${i.message}` : i.message));
    if (configIssues.length > 0) {
      const entries = describeBadEntries(configIssues.map((i) => ({ ...i, path: i.path.slice(1) })));
      problems.push(`"config" must be an object of strings; ${entries}`);
    }
    fail(problems.join("; "));
  }
  const { name: raw, config, initial_state: initialState } = parsed.data;
  if (raw === undefined) fail('missing the mandatory "name" field');
  // Kafka compares before any trimming
  if (Object.hasOwn(config, "name") && config.name !== raw) {
    fail(
      `"config" has "name": ${JSON.stringify(config.name)}, which does not match "name": ${JSON.stringify(raw)}`,
    );
  }
  const name = checkName(raw, fail);
  return {
    name,
    config: { ...config, name },
    ...(initialState ? { initialState } : {}),
  };
}

/** Reads a standalone connector config file; every problem is a ConnectorFileError naming the file. */
export async function loadConnectorFile(path: string): Promise<ConnectorFile> {
  const fail: Fail = (problem, cause) => {
    throw new ConnectorFileError(path, problem, cause === undefined ? undefined : { cause });
  };
  const text = await readConfigText(path, fail);

  if (!looksLikeJson(path, text))
    return fromConfigMap(Object.fromEntries(parsePropertiesText(text, path, fail)), fail);

  const json = parseJsonText(text, fail);
  if (!isJsonObject(json)) return fail(`must be a JSON object, but it holds ${describeJsonKind(json)}`);
  if (Object.hasOwn(json, "config") && isJsonObject(json.config))
    return fromCreateConnectorRequest(json, fail);

  const parsed = configMapSchema.safeParse(json);
  if (!parsed.success) {
    return fail(
      `a connector config must map every key to a string; ${describeBadEntries(parsed.error.issues)}`,
    );
  }
  return fromConfigMap(parsed.data, fail);
}
