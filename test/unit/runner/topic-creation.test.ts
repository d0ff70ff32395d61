import { describe, expect, it } from "vitest";
import { groupFor, topicCreationGroups } from "../../../src/runner/topic-creation.js";

describe("topic creation groups", () => {
  it("is off unless the default replication factor and partitions are set", () => {
    expect(topicCreationGroups({})).toBeNull();
    expect(() => topicCreationGroups({ "topic.creation.default.partitions": "3" })).toThrow(
      /topic\.creation\.default\.replication\.factor/,
    );
  });

  it("picks the first matching group in order, exclude wins, else default; whole-name matches", () => {
    const groups = topicCreationGroups({
      "topic.creation.default.replication.factor": "1",
      "topic.creation.default.partitions": "5",
      "topic.creation.groups": "inorder, compacted",
      "topic.creation.inorder.include": "status, orders.*",
      "topic.creation.inorder.exclude": "orders-internal",
      "topic.creation.inorder.partitions": "1",
      "topic.creation.compacted.include": "orders.*",
      "topic.creation.compacted.cleanup.policy": "compact",
    });
    expect(groups).not.toBeNull();
    const g = groups ?? [];
    expect(groupFor(g, "status")?.name).toBe("inorder");
    expect(groupFor(g, "status-2")?.name).toBe("default");
    expect(groupFor(g, "orders-eu")?.partitions).toBe(1);
    expect(groupFor(g, "orders-internal")?.name).toBe("compacted");
    expect(groupFor(g, "orders-internal")?.configs).toEqual({ "cleanup.policy": "compact" });
    expect(groupFor(g, "orders-internal")?.partitions).toBe(5);
  });

  it("rejects a regex that does not compile, naming the key", () => {
    expect(() =>
      topicCreationGroups({
        "topic.creation.default.replication.factor": "1",
        "topic.creation.default.partitions": "1",
        "topic.creation.groups": "g",
        "topic.creation.g.include": "(",
      }),
    ).toThrow(/topic\.creation\.g\.include/);
  });
});
