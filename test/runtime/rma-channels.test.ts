// Windows on communicators whose contexts are far apart, through the real tsrun: COMM_WORLD's window and one
// on a communicator made by shrink, or by dup after thousands of dup/free, whose context is congruent to
// COMM_WORLD's modulo 2^15. Such contexts once folded onto one CONTROL channel: the second Win.create failed
// with "too many windows alive" (or the frames of the two windows crossed). Both windows are used in the same
// fence epochs (put, accumulate, get) with different values; each must hold only its own. Then new windows are
// locked and used at once, round after round, so frames reach ranks still inside the creation exchange.
import { describe, expect, it } from "vitest";
import { runRanks } from "./lib/ranks.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("window channels of communicators with far-apart contexts", () => {
  for (const [mode, np] of [
    ["shrink", 2],
    ["shrink", 3],
    ["dup", 2],
  ] as const) {
    it(`COMM_WORLD's window and a window on a communicator made by ${mode} at np=${np} keep their own frames`, async () => {
      const ranks = await runRanks(np, "rma-channels.ts", [mode]);
      const sumOfRanks = (np * (np + 1)) / 2;
      for (const r of ranks) {
        expect(r.farContext).not.toBe(r.worldContext);
        expect(r.farContext % 2 ** 15).toBe(r.worldContext % 2 ** 15);
        const right = (r.rank + 1) % np;
        expect(r.onWorld).toEqual([...range(np).map((s) => 1000 + s * 10 + r.rank), sumOfRanks]);
        expect(r.onFar).toEqual([...range(np).map((s) => 2000 + s * 10 + r.rank), 100 * sumOfRanks]);
        expect(r.worldRight).toEqual([...range(np).map((s) => 1000 + s * 10 + right), sumOfRanks]);
        expect(r.farRight).toEqual([...range(np).map((s) => 2000 + s * 10 + right), 100 * sumOfRanks]);
      }
      // windows locked and used at once: each round's fetched values are 0..np-1, the target counted np
      for (let round = 0; round < 20; round++) {
        const fetched = ranks.map((r) => r.fetched[round]).sort((a, b) => a - b);
        expect(fetched, `round ${round}`).toEqual(range(np));
        ranks.forEach((r) => expect(r.counters[round]).toBe(r.rank === round % np ? np : 0));
      }
    });
  }
});
