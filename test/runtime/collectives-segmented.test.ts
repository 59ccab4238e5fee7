// Segmented (pipelined) bcast and reduce for large buffers (runtime/collectives/pipeline.ts), forced with
// tsrun --coll, and the same large buffers under the default table (binomial trees), at np = 1, 2, 3, 4, 5, 7, 8, against the sequential
// oracle of programs/coll-segmented.ts; the whole collective suite once with the pipelines forced.
import { describe, expect, it } from "vitest";
import { NPS, runProgram } from "./programs/coll-run.ts";

const FORCED = "bcast=pipeline,reduce=pipeline";

describe.each([
  ["forced", FORCED],
  ["default table", undefined],
] as const)("large bcast and reduce, %s", (_name, coll) => {
  it.each(NPS)(
    "np=%i: matches the oracle at every root",
    async (np) => {
      const { summary, output } = await runProgram("coll-segmented.ts", np, coll);
      expect(summary, output).not.toBeNull();
      expect(summary!.failures, output).toEqual([]);
      expect(summary!.checks).toBeGreaterThanOrEqual(np * np);
    },
    120_000,
  );
});

describe("every collective with the pipelines forced (small buffers: one segment; value mode: binomial)", () => {
  it.each([3, 4])(
    "np=%i: every collective matches the oracle",
    async (np) => {
      const { summary, output } = await runProgram("coll-all.ts", np, FORCED);
      expect(summary, output).not.toBeNull();
      expect(summary!.failures, output).toEqual([]);
    },
    120_000,
  );
});
