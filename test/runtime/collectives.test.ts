// Every collective, value and buffer mode, every root, at np = 1, 2, 3, 4, 5, 7, 8, checked against a
// sequential oracle (programs/coll-all.ts): with the decision table's own choices, and with the first
// algorithm of each collective forced through tsrun --coll. One tsrun job per (np, algorithm set).
import { describe, expect, it } from "vitest";
import { NPS, runProgram } from "./programs/coll-run.ts";

export const ALGORITHM_SETS: Record<string, string | undefined> = {
  auto: undefined,
  linear:
    "bcast=linear,reduce=linear,allreduce=recursiveDoubling,gather=linear,scatter=linear,allgather=ring,alltoall=linear,scan=linear,exscan=linear,reduceScatter=pairwise",
};

describe.each(Object.entries(ALGORITHM_SETS))("collectives, algorithms %s", (_name, coll) => {
  it.each(NPS)(
    "np=%i: every collective matches the oracle",
    async (np) => {
      const { summary, output } = await runProgram("coll-all.ts", np, coll);
      expect(summary, output).not.toBeNull();
      expect(summary!.failures, output).toEqual([]);
      expect(summary!.np).toBe(np);
      expect(summary!.checks).toBeGreaterThanOrEqual(60 * np);
      expect(summary!.coll).toBe(coll ?? "auto");
    },
    90_000,
  );
});
