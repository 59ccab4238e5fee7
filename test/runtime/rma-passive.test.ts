// One-sided communication with passive-target synchronisation (issue 6; MPI-4 §12.5.3–§12.5.4), through
// the real tsrun: a fetchAndOp counter under exclusive, shared and lockAll epochs (the values returned are
// a permutation of 0..N·k-1), a compareAndSwap spin lock protecting a non-atomic read-modify-write (no
// lost update), shared vs exclusive locks with a fairness check, and progress at a target that polls.
import { describe, expect, it } from "vitest";
import { runRanks as runRanksIn } from "./lib/ranks.ts";

/** tsrun's own --timeout as a second guard: it says what each rank was blocked in. */
const runRanks = (np: number, name: string, programArgs: string[] = []) =>
  runRanksIn(np, name, programArgs, ["--timeout", "50"]);

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("fetchAndOp counter", () => {
  const k = 15;
  for (const [mode, np] of [
    ["exclusive", 4],
    ["shared", 3],
    ["lockAll", 4],
    ["exclusive", 1],
  ] as const) {
    it(`${mode} epochs at np=${np}: the values fetched are a permutation of 0..N·k-1`, async () => {
      const ranks = await runRanks(np, "rma-counter.ts", [mode, String(k)]);
      const all = ranks.flatMap((r) => r.values).sort((a, b) => a - b);
      expect(all).toEqual(range(np * k));
      for (const r of ranks) expect([...r.values].sort((a, b) => a - b)).toEqual(r.values); // each rank's own increase
      expect(ranks[0].final).toBe(np * k);
      if (mode === "lockAll")
        for (const r of ranks) r.reads.forEach((read: number, i: number) => expect(read).toBeGreaterThan(r.values[i]));
    });
  }
});

describe("compareAndSwap spin lock", () => {
  for (const np of [2, 4]) {
    it(`protects a get/put read-modify-write: no lost update at np=${np}`, async () => {
      const k = 8;
      const ranks = await runRanks(np, "rma-caslock.ts", [String(k)]);
      expect(ranks[0].final).toEqual([0, np * k]);
      for (const r of ranks) expect(r.owners).toEqual(new Array(k).fill(r.rank + 1)); // the lock word named us
    });
  }
});

describe("shared and exclusive locks", () => {
  for (const np of [3, 5]) {
    it(`exclusive excludes, shared shares, fair queueing, no starvation at np=${np}`, async () => {
      const ranks = await runRanks(np, "rma-locks.ts");
      expect(ranks[2].exclusiveSaw).toBe(50);
      expect(ranks[1].sharedTogether && ranks[2].sharedTogether).toBe(true);
      expect(ranks[0].counter).toBe(np * 10);
      expect(ranks[2].lateReaderSaw, "a shared request overtook a waiting exclusive one").toBe(1);
      if (np >= 4) {
        expect(ranks[np - 1].writerDone).toBe(true);
        for (const r of ranks.slice(1, np - 1)) expect(r.starved).toBe(false);
      }
    });
  }
});

describe("progress at a passive target", () => {
  it("a target that awaits win.sync() in its polling loop is served; one that spins is not until it awaits", async () => {
    const ranks = await runRanks(2, "rma-progress.ts");
    expect(ranks[0].polledValue).toBe(7);
    expect(ranks[0].spinIterations).toBeGreaterThan(0);
    expect(ranks[1].putWhileSpinning).toBe(false);
  });
});
