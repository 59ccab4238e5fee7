// Deviations from MPI/mpi4py that users porting programs hit (each case failed before its fix), checked through
// the real tsrun: request lists, per-rank counts in buffer collectives, RMA datatypes, the collective-matching
// check on split communicators, REPLACE/NO_OP order.
import { describe, expect, it } from "vitest";
import { runRanks } from "./lib/ranks.ts";

describe("request lists retire completed requests (waitany/testany/waitsome/testsome)", () => {
  it("each request is returned once, its slot becomes null; all-null gives UNDEFINED", async () => {
    const [r0] = await runRanks(2, "fix-requests.ts");
    expect(r0.waitany).toEqual([[0, "m0"], [1, "m1"], [2, "m2"]]);
    expect(r0.slots).toEqual([null, null, null]);
    expect(r0.allNullIsUndefined).toBe(true);
    expect(r0.testanyAllNull).toEqual([true, true]);
    expect(r0.testany).toEqual([3, 4]);
    expect(r0.testanyAfter).toEqual([true, true]);
    expect(r0.waitsome).toEqual([5, 6, 7]);
    expect(r0.waitsomeAfter).toEqual([]);
    expect(r0.testsomeAfter).toEqual([]);
    expect(r0.someSlots).toEqual([null, null, null]);
    expect(r0.persistent).toEqual([0, "p"]);
    expect(r0.persistentInactive).toEqual([true, true]);
  });
});
