// Communicators, groups and cartesian topologies (programs/coll-comm.ts), and bad input to collectives
// (programs/coll-errors.ts: ERR_ROOT on every rank without a hang, ERR_OP, ERR_COUNT / ERR_TRUNCATE naming
// the rank, and correct collectives afterwards), at several sizes.
import { describe, expect, it } from "vitest";
import { runProgram } from "./programs/coll-run.ts";

describe("communicators and topologies", () => {
  it.each([1, 2, 3, 5, 8])(
    "np=%i: dup, split, groups, create, createGroup, free, cart",
    async (np) => {
      const { summary, output } = await runProgram("coll-comm.ts", np);
      expect(summary, output).not.toBeNull();
      expect(summary!.failures, output).toEqual([]);
      expect(summary!.checks).toBeGreaterThanOrEqual(20 * np);
    },
    90_000,
  );
});

describe("bad input to collectives", () => {
  it.each([1, 2, 3, 5, 8])(
    "np=%i: every rank gets the error and later collectives are intact",
    async (np) => {
      const { summary, output, code } = await runProgram("coll-errors.ts", np);
      expect(summary, output).not.toBeNull();
      expect(summary!.failures, output).toEqual([]);
      expect(summary!.checks).toBeGreaterThanOrEqual(15 * np);
      expect(code, output).toBe(0);
    },
    90_000,
  );
});
