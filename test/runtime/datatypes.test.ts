// Derived datatypes through the runtime (issue "derived datatypes"): a column as one vector-type message
// received contiguous, a struct of mixed types (and a signature mismatch), a subarray halo exchange on a
// periodic 2-D cart, and columns gathered into a transposed matrix with a resized vector type.
import { describe, expect, it } from "vitest";
import { runTsrun } from "../harness/run.ts";

const checksOf = (stdout: string) =>
  Object.fromEntries(
    stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .map((o) => [o.rank, o.checks]),
  );

describe("derived datatypes in point-to-point and collectives", () => {
  for (const np of [1, 2, 4, 6]) {
    it(`at np=${np}`, async () => {
      const r = await runTsrun(np, "test/runtime/programs/dtypes.ts");
      expect(r.code, r.stderr).toBe(0);
      const c = checksOf(r.stdout);
      for (let rank = 0; rank < np; rank++) expect(c[rank].halo, `halo of rank ${rank}`).toBe(true);
      expect(c[0].gatherColumns).toBe(true);
      if (np >= 2) {
        expect(c[1].column).toEqual([2, 7, 12, 17, 22, 27]);
        expect(c[1].columnCount).toEqual([48, 6, 3]);
        expect(c[1].struct).toEqual([
          [100, 0.5, 0, 1, 2],
          [101, 1.5, 1, 2, 3],
          [102, 2.5, 2, 3, 4],
          [103, 3.5, 3, 4, 5],
        ]);
        expect(c[1].structCount).toEqual([60, 4, 20]);
        expect(c[1].structMismatch).toBe("ERR_TYPE");
      }
    });
  }
});
