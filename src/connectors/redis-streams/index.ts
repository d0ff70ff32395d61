export { redisStreamsSinkPlugin } from "./redis-streams-sink.js";
export { redisStreamsSourcePlugin } from "./redis-streams-source.js";
