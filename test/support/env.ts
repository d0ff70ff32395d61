/** Where the shared test services are (started by deploy/local/services via npm test). */
export const KAFKA_BOOTSTRAP = process.env.KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
export const PG_URL = process.env.PG_URL ?? "postgres://ferry:ferry@127.0.0.1:55432/ferry";

/** A short random suffix so that tests sharing one broker never share topics or groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
