// One-sided communication with active-target synchronisation (issue 6; MPI-4 §12.5.1–§12.5.2), through the
// real tsrun: fence epochs with put/get/accumulate at np ∈ {2, 3, 4, 7} (and 1), every predefined
// accumulate op, getAccumulate/fetchAndOp ordering, and a PSCW ring with start/complete/post/wait/test.
// The programs print one JSON line per rank; the expected values are computed here.
import { describe, expect, it } from "vitest";
import { runRanks } from "./lib/ranks.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("fence epochs", () => {
  for (const np of [1, 2, 3, 4, 7]) {
    it(`put, get, accumulate with every op, getAccumulate and fetchAndOp at np=${np}`, async () => {
      const ranks = await runRanks(np, "rma-fence.ts");
      const sumOfRanks = (np * (np - 1)) / 2;
      for (const r of ranks) {
        const right = (r.rank + 1) % np;
        expect(r.afterPut).toEqual(range(np).map((s) => s * 100 + r.rank));
        expect(r.neighbour).toEqual(range(np).map((s) => s * 100 + right));
        expect(r.firsts).toEqual(range(np));
        // the classic check: every element = the sum of the other ranks
        expect(r.accumulated).toEqual(new Array(5).fill(sumOfRanks - r.rank));
        expect(r.read).toBe(42);
      }
      const mask = (1 << np) - 1;
      const [sum, prod, max, min, land, lor, lxor, band, bor, bxor, replaced, counter, untouched] = ranks[0].opsResult;
      expect({ sum, prod, max, min, land, lor, lxor, band, bor, bxor, counter, untouched }).toEqual({
        sum: (np * (np + 1)) / 2,
        prod: 2 ** Math.min(np, 4),
        max: 3 * (np - 1),
        min: 5,
        land: 1,
        lor: 1,
        lxor: np % 2,
        band: ~mask,
        bor: mask,
        bxor: mask,
        counter: 11 * np,
        untouched: 42,
      });
      expect(range(np)).toContain(replaced);
      const maxValue = Math.min(np - 1, 2);
      expect(ranks[0].loc).toEqual([
        [maxValue, maxValue],
        [0, 0],
      ]); // MAXLOC, MINLOC: ties → smaller index
      // the fetched old values are one interleaving of atomic +1 (getAccumulate) and +10 (fetchAndOp)
      const steps = ranks
        .flatMap((r) => [
          [r.fetched, 1],
          [r.old, 10],
        ])
        .sort((a, b) => a[0] - b[0]);
      let expected = 0;
      for (const [value, add] of steps) {
        expect(value).toBe(expected);
        expected += add;
      }
      expect(expected).toBe(11 * np);
      for (const r of ranks) expect(r.old).toBeGreaterThan(r.fetched);
    });
  }
});

describe("post/start/complete/wait", () => {
  for (const np of [1, 2, 3, 5]) {
    it(`a PSCW ring with put and get, wait() and test(), and a token between pairs at np=${np}`, async () => {
      const ranks = await runRanks(np, "rma-pscw.ts");
      // the token: simulated sequentially
      const tokens = new Array(np).fill(-1);
      tokens[0] = 0;
      for (let step = 0; step < 2 * np; step++) {
        const holder = step % np;
        tokens[(holder + 1) % np] = tokens[holder] + holder;
      }
      for (const r of ranks) {
        const left = (r.rank - 1 + np) % np;
        const right = (r.rank + 1) % np;
        expect(r.received).toEqual([0, 1, 2, 3].map((k) => left * 10 + k));
        expect(r.seen).toEqual([0, 1, 2, 3].map((k) => right * 1000 + k));
        expect(r.token).toBe(tokens[r.rank]);
        expect(r.holders).toEqual([r.rank, r.rank + np]);
      }
      expect(ranks[0].token).toBe(np * (np - 1));
    });
  }
});
