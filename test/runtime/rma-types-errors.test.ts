// One-sided communication with derived datatypes on origin and target, and the errors a user can meet
// (issue 6), through the real tsrun: ERR_RMA_RANGE names the target, the displacement and the window
// size; ERR_RMA_SYNC comes with a hint; the window still frees cleanly afterwards.
import { describe, expect, it } from "vitest";
import { runRanks as runRanksIn } from "./lib/ranks.ts";

/** tsrun's own --timeout as a second guard: it says what each rank was blocked in. */
const runRanks = (np: number, name: string, programArgs: string[] = []) =>
  runRanksIn(np, name, programArgs, ["--timeout", "50"]);

/** The window of a rank after each epoch of rma-datatypes.ts, computed element by element. */
function expectedWindows(rank: number, np: number) {
  const left = (rank - 1 + np) % np;
  const M = Array.from({ length: 16 }, (_, i) => 1000 + left * 100 + i);
  const W = Array.from({ length: 16 }, (_, i) => rank * 100 + i);
  for (let r = 0; r < 4; r++) W[r] = M[r * 4 + 1]; // column 1 of M → row 0
  const after1 = [...W];
  for (let r = 0; r < 4; r++) W[r * 4 + 2] = left + r + 0.5; // → column 2
  const after2 = [...W];
  for (let r = 0; r < 4; r++) W[r * 4 + 3] += M[r * 4]; // column 0 of M summed into column 3
  [W[8], W[9], W[12], W[13]] = [-1, -2, -3, -4]; // the 2×2 block at (2, 0)
  return { after1, after2, final: W };
}

describe("derived datatypes on origin and target", () => {
  for (const np of [2, 3]) {
    it(`vector, indexed, strided and subarray types in put, get, accumulate and getAccumulate at np=${np}`, async () => {
      const ranks = await runRanks(np, "rma-datatypes.ts");
      for (const r of ranks) {
        const mine = expectedWindows(r.rank, np);
        expect(r.after1).toEqual(mine.after1);
        expect(r.after2).toEqual(mine.after2);
        expect(r.final).toEqual(mine.final);
        const theirs = expectedWindows((r.rank + 1) % np, np).after2; // what the right neighbour held in epoch 3
        expect(r.got).toEqual([theirs[0], theirs[5], theirs[6]]);
        expect(r.diag).toEqual([theirs[0], theirs[5], theirs[10], theirs[15]]);
      }
    });
  }
});

describe("errors", () => {
  it("range and synchronisation errors say what, where and what to do", async () => {
    const ranks = await runRanks(2, "rma-errors.ts");
    for (const { rank, right, errors } of ranks) {
      const code = (name: string) => errors[name]?.code;
      const message = (name: string) => errors[name]?.message ?? "(no error)";
      for (const name of ["putRange", "getRange", "fetchRange"]) {
        expect(code(name)).toBe("ERR_RMA_RANGE");
        expect(message(name)).toMatch(
          new RegExp(
            `on rank ${rank}: the access at displacement \\d+ falls outside the 32-byte window of rank ${right}`,
          ),
        );
      }
      expect(message("putRange")).toContain("put(target=" + right + ", disp=3)");
      expect(message("putRange")).toContain("bytes 24..40 vs expected inside 0..32");
      expect(message("getRange")).toContain("bytes 0..40");
      expect(message("fetchRange")).toContain("displacement 4");
      for (const name of [
        "putWithoutEpoch",
        "unlockWithoutLock",
        "unlockAllWithoutLockAll",
        "flushWithoutLock",
        "completeWithoutStart",
        "waitWithoutPost",
        "lockInFenceEpoch",
        "fenceInLock",
        "freeInLock",
        "lockTwice",
      ]) {
        expect(code(name), `${name}: ${message(name)}`).toBe("ERR_RMA_SYNC");
      }
      expect(message("putWithoutEpoch")).toMatch(
        /no access epoch is open on the window\. Open one first: await win\.fence\(\), await win\.lock\(\d\)/,
      );
      expect(message("unlockWithoutLock")).toContain(`rank ${right} is not locked by this rank`);
      expect(message("unlockWithoutLock")).toContain(`Call await win.lock(${right})`);
      expect(message("lockInFenceEpoch")).toContain("fence(mpi.MODE_NOSUCCEED)");
      expect(message("fenceInLock")).toContain(`Unlock first: await win.unlock(${right})`);
      expect(message("freeInLock")).toContain("passive-target epoch");
      expect(code("userOp")).toBe("ERR_OP");
      expect(code("typeMismatch")).toBe("ERR_TYPE");
      expect(message("typeMismatch")).toContain("INT32 does not fit");
      expect(code("badAssert")).toBe("ERR_ARG");
      expect(message("badAssert")).toContain("fence(12345)");
      expect(code("putAfterFree")).toBe("ERR_WIN");
    }
  });
});
