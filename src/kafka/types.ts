/**
 * Ferry's Kafka client port: the operations the rest of Ferry uses, and nothing else. Code outside
 * src/kafka names only these types; kafkajs stays behind this folder (decision "kafka-client-port").
 *
 * The client objects that src/kafka/client.ts hands out are kafkajs's own, which satisfy these interfaces
 * structurally (the compiler checks it there): no wrapper sits on the hot paths, so behaviour is kafkajs's
 * unchanged. Another client would be adapted to these interfaces inside this folder. Names and shapes follow
 * kafkajs where its shape is simply "what Kafka has" (offsets as decimal strings, headers as a map), so the
 * callers did not have to change with the port.
 */

/** Record headers: a repeated key carries an array (legal in Kafka). */
export interface RecordHeaders {
  [key: string]: Buffer | string | (Buffer | string)[] | undefined;
}

/** A record to produce. `timestamp` is epoch milliseconds as a decimal string. */
export interface ProduceMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  partition?: number;
  headers?: RecordHeaders;
  timestamp?: string;
}

export interface TopicMessages {
  topic: string;
  messages: ProduceMessage[];
}

export interface ProduceRequest {
  topic: string;
  messages: ProduceMessage[];
  acks?: number;
  timeout?: number;
}

export interface ProduceBatchRequest {
  acks?: number;
  timeout?: number;
  topicMessages?: TopicMessages[];
}

/** What the broker answered for one topic-partition of a produce request (offsets as decimal strings). */
export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  offset?: string;
  timestamp?: string;
  baseOffset?: string;
  logAppendTime?: string;
  logStartOffset?: string;
}

/** A fetched record; `offset` and `timestamp` are decimal strings. */
export interface FetchedMessage {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  attributes: number;
  offset: string;
  headers?: RecordHeaders;
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

export interface TopicOffsets {
  topic: string;
  partitions: PartitionOffset[];
}

/** Sends records; a producer, or a producer's open transaction. */
export interface KafkaSender {
  send(request: ProduceRequest): Promise<RecordMetadata[]>;
  sendBatch(batch: ProduceBatchRequest): Promise<RecordMetadata[]>;
}

/** One open transaction of a transactional producer (exactly-once sources). */
export interface KafkaTransaction extends KafkaSender {
  /** adds a consumer group's offsets to the transaction */
  sendOffsets(offsets: { consumerGroupId: string; topics: TopicOffsets[] }): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  isActive(): boolean;
}

export interface KafkaProducer extends KafkaSender {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** opens a transaction (a transactional producer; the first one also fences older producers of its id) */
  transaction(): Promise<KafkaTransaction>;
}

export interface ProducerOptions {
  idempotent?: boolean;
  transactionalId?: string;
  transactionTimeout?: number;
  maxInFlightRequests?: number;
  allowAutoTopicCreation?: boolean;
  retry?: RetryOptions;
}

export interface RetryOptions {
  retries?: number;
  initialRetryTime?: number;
  maxRetryTime?: number;
}

export interface ConsumerOptions {
  groupId: string;
  sessionTimeout?: number;
  rebalanceTimeout?: number;
  heartbeatInterval?: number;
  maxBytesPerPartition?: number;
  minBytes?: number;
  maxBytes?: number;
  maxWaitTimeInMs?: number;
  allowAutoTopicCreation?: boolean;
  readUncommitted?: boolean;
  retry?: RetryOptions & {
    /** whether the client restarts the consumer after a crash with this error */
    restartOnFailure?: (err: Error) => Promise<boolean>;
  };
}

/** A fetched batch of one topic-partition. */
export interface FetchedBatch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: FetchedMessage[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  /** the batch's last offset, also when its records were all filtered (transaction markers, aborted) */
  lastOffset(): string;
}

export interface EachBatchPayload {
  batch: FetchedBatch;
  /** marks an offset as processed: the next fetch of the partition starts after it */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
  commitOffsetsIfNecessary(offsets?: { topics: TopicOffsets[] }): Promise<void>;
}

export interface ConsumerRunOptions {
  autoCommit?: boolean;
  autoCommitInterval?: number | null;
  autoCommitThreshold?: number | null;
  eachBatchAutoResolve?: boolean;
  partitionsConsumedConcurrently?: number;
  eachBatch?: (payload: EachBatchPayload) => Promise<void>;
  eachMessage?: (payload: EachMessagePayload) => Promise<void>;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: FetchedMessage;
  heartbeat(): Promise<void>;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/** An instrumentation event of a consumer. */
export interface KafkaEvent<T> {
  id: string;
  type: string;
  timestamp: number;
  payload: T;
}

export interface GroupJoinPayload {
  duration: number;
  groupId: string;
  isLeader: boolean;
  leaderId: string;
  memberId: string;
  /** topic → partitions assigned to this member */
  memberAssignment: { [topic: string]: number[] };
}

export interface CrashPayload {
  error: Error;
  groupId: string;
  /** whether the client restarts the consumer itself */
  restart: boolean;
}

export interface BatchProcessedPayload {
  topic: string;
  partition: number;
  highWatermark: string;
  firstOffset: string;
  lastOffset: string;
  batchSize: number;
  duration: number;
}

export interface FetchPayload {
  numberOfBatches: number;
  duration: number;
  nodeId: number;
}

export interface RebalancingPayload {
  groupId: string;
  memberId: string;
}

/** The consumer events Ferry listens to, by name (`consumer.events.CRASH`). */
export interface ConsumerEventNames {
  readonly GROUP_JOIN: "consumer.group_join";
  readonly CRASH: "consumer.crash";
  readonly END_BATCH_PROCESS: "consumer.end_batch_process";
  readonly FETCH: "consumer.fetch";
  readonly REBALANCING: "consumer.rebalancing";
}

/** Removes the listener it was returned for. */
export type RemoveListener = () => void;

/** A member of a consumer group (group consume, and the state-topic readers). */
export interface KafkaConsumer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: (string | RegExp)[]; fromBeginning?: boolean }): Promise<void>;
  run(options?: ConsumerRunOptions): Promise<void>;
  stop(): Promise<void>;
  commitOffsets(offsets: TopicPartitionOffset[]): Promise<void>;
  seek(offset: TopicPartitionOffset): void;
  pause(topics: { topic: string; partitions?: number[] }[]): void;
  resume(topics: { topic: string; partitions?: number[] }[]): void;
  readonly events: ConsumerEventNames;
  on(event: "consumer.group_join", listener: (e: KafkaEvent<GroupJoinPayload>) => void): RemoveListener;
  on(event: "consumer.crash", listener: (e: KafkaEvent<CrashPayload>) => void): RemoveListener;
  on(
    event: "consumer.end_batch_process",
    listener: (e: KafkaEvent<BatchProcessedPayload>) => void,
  ): RemoveListener;
  on(event: "consumer.fetch", listener: (e: KafkaEvent<FetchPayload>) => void): RemoveListener;
  on(event: "consumer.rebalancing", listener: (e: KafkaEvent<RebalancingPayload>) => void): RemoveListener;
}

export interface TopicConfigEntry {
  name: string;
  value: string;
}

export interface NewTopic {
  topic: string;
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: TopicConfigEntry[];
}

export interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

/** A topic-partition's offsets from ListOffsets (read-committed: `high` is the last stable offset). */
export interface PartitionOffsets {
  partition: number;
  offset: string;
  high: string;
  low: string;
}

/** Kafka's config resource type for a topic (DescribeConfigs). */
export const TOPIC_CONFIG_RESOURCE = 2;

export interface ConfigsQuery {
  resources: { type: number; name: string; configNames?: string[] }[];
  includeSynonyms: boolean;
}

export interface ConfigsDescription {
  resources: {
    configEntries: { configName: string; configValue: string; isDefault: boolean }[];
    errorCode: number;
    errorMessage: string;
    resourceName: string;
  }[];
}

export interface GroupMember {
  clientHost: string;
  clientId: string;
  memberId: string;
}

export type GroupState =
  | "Unknown"
  | "PreparingRebalance"
  | "CompletingRebalance"
  | "Stable"
  | "Dead"
  | "Empty";

export interface GroupDescription {
  groupId: string;
  members: GroupMember[];
  protocol: string;
  protocolType: string;
  state: GroupState;
}

export interface DeleteGroupResult {
  groupId: string;
  errorCode?: number;
  error?: Error;
}

export interface GroupPartitionOffset {
  partition: number;
  offset: string;
  metadata: string | null;
}

/** Topics, offsets, groups and configs. */
export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  describeCluster(): Promise<{
    brokers: { nodeId: number; host: string; port: number }[];
    controller: number | null;
    clusterId: string;
  }>;
  listTopics(): Promise<string[]>;
  createTopics(options: { topics: NewTopic[]; waitForLeaders?: boolean; timeout?: number }): Promise<boolean>;
  deleteTopics(options: { topics: string[]; timeout?: number }): Promise<void>;
  fetchTopicMetadata(options?: { topics: string[] }): Promise<{
    topics: { name: string; partitions: PartitionMetadata[] }[];
  }>;
  describeConfigs(query: ConfigsQuery): Promise<ConfigsDescription>;
  fetchTopicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** a group's committed offsets, per topic */
  fetchOffsets(options: {
    groupId: string;
    topics?: string[];
  }): Promise<{ topic: string; partitions: GroupPartitionOffset[] }[]>;
  /** commits offsets for a group with no members */
  setOffsets(options: { groupId: string; topic: string; partitions: PartitionOffset[] }): Promise<void>;
  describeGroups(groupIds: string[]): Promise<{ groups: GroupDescription[] }>;
  deleteGroups(groupIds: string[]): Promise<DeleteGroupResult[]>;
}

/** A connection to one Kafka cluster: it makes producers, consumers and admins. */
export interface KafkaClient {
  producer(options?: ProducerOptions): KafkaProducer;
  consumer(options: ConsumerOptions): KafkaConsumer;
  admin(): KafkaAdmin;
}
