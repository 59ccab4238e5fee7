// Deviations from MPI/mpi4py that users porting programs hit (each case failed before its fix), checked through
// the real tsrun: request lists, per-rank counts in buffer collectives, RMA datatypes, the collective-matching
// check on split communicators, REPLACE/NO_OP order.
import { describe, expect, it } from "vitest";
import { runRanks } from "./lib/ranks.ts";
import { runTsrun } from "../harness/run.ts";

describe("request lists retire completed requests (waitany/testany/waitsome/testsome)", () => {
  it("each request is returned once, its slot becomes null; all-null gives UNDEFINED", async () => {
    const [r0] = await runRanks(2, "fix-requests.ts");
    expect(r0.waitany).toEqual([
      [0, "m0"],
      [1, "m1"],
      [2, "m2"],
    ]);
    expect(r0.slots).toEqual([null, null, null]);
    expect(r0.allNullIsUndefined).toBe(true);
    expect(r0.testanyAllNull).toEqual([true, true]);
    expect(r0.testany).toEqual([3, 4]);
    expect(r0.testanyAfter).toEqual([true, true]);
    expect(r0.waitsome).toEqual([5, 6, 7]);
    expect(r0.waitsomeAfter).toBeUndefined(); // every slot null: MPI's outcount UNDEFINED, mpi4py's None
    expect(r0.testsomeAfter).toBeUndefined();
    expect(r0.someSlots).toEqual([null, null, null]);
    expect(r0.persistent).toEqual([0, "p"]);
    expect(r0.persistentInactive).toEqual([true, true]);
  });
});

describe("REPLACE and NO_OP combine in rank order (mpi4py)", () => {
  it("REPLACE gives the highest rank's value, NO_OP rank 0's, in every reduction", async () => {
    const ranks = await runRanks(3, "fix-replace.ts");
    for (const r of ranks) {
      const upTo = r.rank * 10;
      expect(r.replace).toEqual({
        allreduce: 20,
        reduce: r.rank === 0 ? 20 : null,
        scan: upTo,
        exscan: r.rank === 0 ? null : upTo - 10,
        typed: [20, 21],
        allreduceInto: 20,
        scanInto: upTo,
      });
      expect(r.noop).toEqual({
        allreduce: 0,
        reduce: r.rank === 0 ? 0 : null,
        scan: 0,
        exscan: r.rank === 0 ? null : 0,
        typed: [0, 1],
        allreduceInto: 0,
        scanInto: 0,
      });
    }
    expect(ranks[0].accumulateReplace).toBe(77);
  });
});

describe("buffer-mode collectives take the count of an mpi.buf per rank", () => {
  it("gather/igather/scatter/allgather/alltoall with counts; no count; a resized column per rank (np=3)", async () => {
    const ranks = await runRanks(3, "fix-counts.ts");
    expect(ranks[0].gather).toEqual([0, 1, 2, 10, 11, 12, 20, 21, 22, -1, -1]);
    expect(ranks[0].igather).toEqual([0, 1, 10, 11, 20, 21]);
    for (const r of ranks) {
      expect(r.scatter).toEqual([2 * r.rank, 2 * r.rank + 1]);
      expect(r.allgather).toEqual([0, 1, 10, 11, 20, 21, -1]);
      expect(r.alltoall).toEqual([r.rank, 100 + r.rank, 200 + r.rank]);
      expect(r.allgatherPlain).toEqual([0, 1, 10, 11, 20, 21]);
      expect(r.column).toEqual([0, 1000, 2000, 3000].map((v) => v + r.rank));
    }
    expect(ranks[0].columnsBack).toBe(true);
  });

  it("a per-rank count that does not fit the root's array is an error naming it; the job ends", async () => {
    const r = await runTsrun(3, "test/runtime/programs/fix-counts.ts", { programArgs: ["bad"], timeoutMs: 60_000 });
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /\[ERR_COUNT\]: gatherInto\(root=0\) on rank 0: the receive block of rank 2 \(3 items per rank, as mpi.buf's count\) does not fit in the buffer/,
    );
  });
});

describe("one-sided calls use the origin's datatype and the target's", () => {
  it("a put of a transposed origin type arrives transposed, as comm.send; get/accumulate/getAccumulate alike", async () => {
    const [r0, r1] = await runRanks(2, "fix-rma-types.ts");
    const transposed = [0, 3, 6, 1, 4, 7, 2, 5, 8];
    expect(r1.sent).toEqual(transposed);
    expect(r1.putTransposed).toEqual(transposed);
    expect(r1.putDefaultTarget).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]); // mpi4py: target (0, 1, T), a copy
    expect(r1.putTargetType).toEqual(transposed);
    expect(r1.accumulateTransposed).toEqual(transposed.map((v) => v - 1));
    expect(r1.accumulateReplace).toEqual(transposed);
    expect(r0.getTransposed).toEqual(transposed);
    expect(r0.getAccumulateOld).toEqual(transposed); // the old target (A, contiguous) unpacked through T
    expect(r1.afterGetAccumulate).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((v, i) => v + transposed[i]));
  });
});

describe("the mismatched-collectives check compares only the members of one communicator", () => {
  for (const [mode, np] of [
    ["uneven", 4],
    ["nested", 8],
    ["dup", 5],
  ] as const) {
    it(`no false alarm: ${mode} collective sequences per colour (np=${np})`, async () => {
      const ranks = await runRanks(np, "fix-split-colls.ts", [mode]);
      expect(ranks.every((r) => r.result !== null)).toBe(true);
    });
  }

  it("a real mismatch inside one colour is still reported", async () => {
    const r = await runTsrun(5, "test/runtime/programs/fix-split-colls.ts", {
      programArgs: ["mismatch"],
      timeoutMs: 60_000,
    });
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /mismatched collectives on COMM_WORLD\.split\(1\) \(collective call #4 on it\): [^\n]*rank 3 called bcast\(root=1\)/,
    );
  });
});
