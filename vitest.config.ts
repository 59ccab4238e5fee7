// vitest configuration: runtime tests start real processes, so they run in forked workers
// with generous hang guards (a guard, never a benchmark) and at most two files at once on 2 cores.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
