import { defineConfig } from "vitest/config";

// Two projects: unit tests, and integration tests on the shared Kafka and Redis (each file uses its own
// topics, group ids and ports). Two workers at a time fits the 2-core machines CI runs on.
export default defineConfig({
  test: {
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        test: {
          name: "unit",
          root: "test/unit",
          include: ["**/*.test.ts"],
          // a timeout catches a hang, it does not measure: vitest's 5 s default failed the CPU-bound cases
          // (20,000 seeded JSON inputs: 3.5 s at load average 25, 9.7 s at 30 beside test:busy's burners)
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          root: "test/integration",
          include: ["**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks",
        },
      },
      {
        test: {
          name: "cluster",
          root: "test/cluster",
          include: ["**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: "forks",
        },
      },
    ],
  },
});
