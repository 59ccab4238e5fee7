// The other algorithms of every collective, forced with tsrun --coll, at np = 1, 2, 3, 4, 5, 7, 8, against
// the sequential oracle of programs/coll-all.ts (tree, ring and Rabenseifner variants, scatter-allgather
// broadcast, reduce-then-bcast allreduce, shared-memory slabs), and a bad --coll refused with a clear message.
import { describe, expect, it } from "vitest";
import * as path from "node:path";
import { NPS, runProgram } from "./programs/coll-run.ts";
import { runTsrun, projectRoot } from "../harness/run.ts";

const ALGORITHM_SETS: Record<string, string> = {
  trees:
    "bcast=binomial,reduce=binomial,allreduce=ring,gather=binomial,scatter=binomial,allgather=recursiveDoubling,alltoall=pairwise,scan=recursiveDoubling,exscan=recursiveDoubling,reduceScatter=reduceThenScatter",
  large: "bcast=scatterAllgather,allreduce=rabenseifner",
  reduceBcast: "allreduce=reduceBcast",
  // through shared slabs with ranks as threads (npm run test:shm); over processes, the usual choice
  shared: "bcast=shared,allreduce=shared,allgather=shared",
};

describe.each(Object.entries(ALGORITHM_SETS))("collectives, algorithms %s", (_name, coll) => {
  it.each(NPS)(
    "np=%i: every collective matches the oracle",
    async (np) => {
      const { summary, output } = await runProgram("coll-all.ts", np, coll);
      expect(summary, output).not.toBeNull();
      expect(summary!.failures, output).toEqual([]);
      expect(summary!.checks).toBeGreaterThanOrEqual(60 * np);
      expect(summary!.coll).toBe(coll);
    },
    90_000,
  );
});

describe("tsrun --coll", () => {
  it("refuses an unknown algorithm with the list of valid ones", async () => {
    const r = await runTsrun(2, path.join(projectRoot, "test/runtime/programs/coll-all.ts"), {
      tsrunArgs: ["--coll", "bcast=bogus"],
      timeoutMs: 60_000,
    });
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(
      /unknown algorithm "bogus" for bcast.*bcast algorithms: linear, binomial, scatterAllgather/s,
    );
  }, 90_000);
});
