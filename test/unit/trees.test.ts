// The collectives' communication shapes (runtime/collectives/trees.ts) checked by simulating the data
// flow they describe for every size 1..40: binomial trees reach every rank once, recursive doubling with
// the non-power-of-two fix-up gives every rank the left fold over ranks 0..N-1 in order, recursive halving
// + doubling leaves every block complete everywhere, dissemination informs everyone; also computeDims and
// group algebra against their MPI definitions.
import { describe, expect, it } from "vitest";
import {
  binomialChildren,
  binomialParent,
  binomialSubtree,
  blockRange,
  ceilPow2,
  disseminationRounds,
  doublingGatherSteps,
  doublingPlan,
  floorPow2,
  halvingSteps,
  activeToRank,
  relativeRank,
  absoluteRank,
} from "../../runtime/collectives/trees.ts";
import { computeDims } from "../../runtime/collectives/cartcomm.ts";
import { groupMembers, newGroup } from "../../runtime/internal.ts";
import { UNDEFINED, PROC_NULL, IDENT, SIMILAR, UNEQUAL } from "../../runtime/constants.ts";

const SIZES = Array.from({ length: 40 }, (_, i) => i + 1);

describe("binomial tree", () => {
  it.each(SIZES)("size %i: each rank has one parent, subtrees are contiguous and nest", (p) => {
    const reached = new Set<number>([0]);
    const queue = [0];
    while (queue.length) {
      const r = queue.shift()!;
      const [lo, hi] = binomialSubtree(r, p);
      expect(lo).toBe(r);
      let covered = r + 1;
      for (const child of [...binomialChildren(r, p)].reverse()) {
        expect(binomialParent(child)).toBe(r);
        expect(reached.has(child)).toBe(false);
        reached.add(child);
        queue.push(child);
        const [clo, chi] = binomialSubtree(child, p);
        expect(clo).toBe(covered); // children's subtrees tile the parent's, smallest first
        covered = chi;
      }
      expect(covered).toBe(hi);
    }
    expect(reached.size).toBe(p);
    const masks = binomialChildren(0, p);
    expect(masks).toEqual([...masks].sort((a, b) => b - a)); // farthest (largest full subtree) first
  });

  it("relative ranks round-trip for every root", () => {
    for (const p of SIZES)
      for (let root = 0; root < p; root++)
        for (let r = 0; r < p; r++) {
          expect(absoluteRank(relativeRank(r, root, p), root, p)).toBe(r);
        }
    expect(relativeRank(2, 2, 5)).toBe(0);
  });
});

describe("recursive doubling with the fix-up", () => {
  it.each(SIZES)("size %i: every rank ends with ranks 0..N-1 in order (non-commutative fold)", (p) => {
    const plans = Array.from({ length: p }, (_, r) => doublingPlan(r, p));
    const acc: number[][] = Array.from({ length: p }, (_, r) => [r]);
    for (const [r, plan] of plans.entries()) if (plan.foldFrom >= 0) acc[r] = [...acc[plan.foldFrom], ...acc[r]];
    const rounds = Math.max(0, ...plans.map((x) => x.steps.length));
    for (let k = 0; k < rounds; k++) {
      const before = acc.map((a) => [...a]);
      for (const [r, plan] of plans.entries()) {
        const step = plan.steps[k];
        if (!step) continue;
        expect(plans[step.partner].steps[k].partner).toBe(r); // partners agree
        const theirs = before[step.partner];
        acc[r] = step.earlier ? [...theirs, ...before[r]] : [...before[r], ...theirs];
      }
    }
    for (const [r, plan] of plans.entries()) if (plan.foldInto >= 0) acc[r] = acc[plan.foldInto];
    const all = Array.from({ length: p }, (_, i) => i);
    for (const a of acc) expect(a).toEqual(all);
    expect(
      plans
        .filter((x) => x.newRank >= 0)
        .map((x) => x.newRank)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: floorPow2(p) }, (_, i) => i));
  });

  it.each(SIZES)("size %i: halving then doubling leaves every block reduced on every active rank", (p) => {
    const pof2 = floorPow2(p);
    const rem = p - pof2;
    // contributions[n][b] = set of active ranks whose data block b of rank n holds
    const blocks = Array.from({ length: pof2 }, (_, n) => Array.from({ length: pof2 }, () => new Set([n])));
    const halving = Array.from({ length: pof2 }, (_, n) => halvingSteps(n, pof2));
    for (let k = 0; k < Math.log2(pof2); k++) {
      const before = blocks.map((bs) => bs.map((s) => new Set(s)));
      for (let n = 0; n < pof2; n++) {
        const step = halving[n][k];
        const theirs = halving[step.partner][k];
        expect(theirs.send).toEqual(step.keep);
        for (let b = step.keep[0]; b < step.keep[1]; b++) for (const x of before[step.partner][b]) blocks[n][b].add(x);
      }
    }
    for (let n = 0; n < pof2; n++) expect(blocks[n][n].size).toBe(pof2);
    const gather = Array.from({ length: pof2 }, (_, n) => doublingGatherSteps(n, pof2));
    const full = blocks.map((bs, n) => bs.map((s, b) => (b === n ? s.size === pof2 : false)));
    for (let k = 0; k < Math.log2(pof2); k++) {
      const before = full.map((f) => [...f]);
      for (let n = 0; n < pof2; n++) {
        const step = gather[n][k];
        expect(gather[step.partner][k].have).toEqual(step.get);
        for (let b = step.have[0]; b < step.have[1]; b++) expect(before[n][b]).toBe(true);
        for (let b = step.get[0]; b < step.get[1]; b++) full[n][b] = before[step.partner][b];
      }
    }
    for (const f of full) expect(f.every(Boolean)).toBe(true);
    for (let n = 0; n < pof2; n++) expect(doublingPlan(activeToRank(n, rem), p).newRank).toBe(n);
  });
});

describe("dissemination, rings and blocks", () => {
  it.each(SIZES)("size %i: after the rounds every rank has heard from every rank", (p) => {
    let knows = Array.from({ length: p }, (_, r) => new Set([r]));
    const rounds = Array.from({ length: p }, (_, r) => disseminationRounds(r, p));
    expect(rounds[0].length).toBe(Math.ceil(Math.log2(p)));
    for (let k = 0; k < rounds[0].length; k++) {
      const next = knows.map((s) => new Set(s));
      for (let r = 0; r < p; r++) {
        const { to } = rounds[r][k];
        expect(rounds[to][k].from).toBe(r);
        for (const x of knows[r]) next[to].add(x);
      }
      knows = next;
    }
    for (const s of knows) expect(s.size).toBe(p);
  });

  it("blocks tile the range", () => {
    for (const count of [0, 1, 5, 17, 1000])
      for (const parts of [1, 2, 3, 7, 8]) {
        let at = 0;
        for (let i = 0; i < parts; i++) {
          const [a, b] = blockRange(i, count, parts);
          expect(a).toBe(at);
          expect(b - a).toBeGreaterThanOrEqual(Math.floor(count / parts));
          at = b;
        }
        expect(at).toBe(count);
      }
    expect([ceilPow2(5), floorPow2(5), ceilPow2(8), floorPow2(8), ceilPow2(1)]).toEqual([8, 4, 8, 8, 1]);
  });
});

describe("computeDims (MPI_Dims_create)", () => {
  it("gives balanced, non-increasing dimensions", () => {
    expect(computeDims(6, 2)).toEqual([3, 2]);
    expect(computeDims(16, 3)).toEqual([4, 2, 2]);
    expect(computeDims(12, 2)).toEqual([4, 3]);
    expect(computeDims(7, 2)).toEqual([7, 1]);
    expect(computeDims(1, 3)).toEqual([1, 1, 1]);
    expect(computeDims(24, [0, 3, 0])).toEqual([4, 3, 2]);
    expect(computeDims(8, [2, 0, 2])).toEqual([2, 2, 2]);
  });

  it("keeps the product and the order for 1..64 nodes in 1..4 dimensions", () => {
    for (let n = 1; n <= 64; n++)
      for (let d = 1; d <= 4; d++) {
        const dims = computeDims(n, d);
        expect(dims.reduce((a, b) => a * b, 1)).toBe(n);
        expect(dims).toEqual([...dims].sort((a, b) => b - a));
      }
  });

  it("rejects fixed dimensions that do not divide", () => {
    expect(() => computeDims(10, [3, 0])).toThrow(/do not divide/);
  });
});

describe("groups", () => {
  const world = newGroup([0, 1, 2, 3, 4, 5], 2);
  it("incl, excl, union, intersection, difference keep MPI's orders", () => {
    const a = world.incl([4, 2, 0]);
    expect(groupMembers(a)).toEqual([4, 2, 0]);
    expect(a.rank).toBe(1);
    expect(groupMembers(world.excl([0, 5]))).toEqual([1, 2, 3, 4]);
    const b = world.incl([1, 2, 3]);
    expect(groupMembers(a.union(b))).toEqual([4, 2, 0, 1, 3]);
    expect(groupMembers(a.intersection(b))).toEqual([2]);
    expect(groupMembers(a.difference(b))).toEqual([4, 0]);
    expect(b.excl([1]).rank).toBe(UNDEFINED);
    expect(groupMembers(world.rangeIncl([[0, 4, 2]]))).toEqual([0, 2, 4]);
  });
  it("translateRanks and compare", () => {
    const a = world.incl([4, 2, 0]);
    expect(a.translateRanks([0, 1, 2, PROC_NULL], world)).toEqual([4, 2, 0, PROC_NULL]);
    expect(world.translateRanks([1], a)).toEqual([UNDEFINED]);
    expect(a.compare(world.incl([4, 2, 0]))).toBe(IDENT);
    expect(a.compare(world.incl([0, 2, 4]))).toBe(SIMILAR);
    expect(a.compare(world)).toBe(UNEQUAL);
    expect(() => world.incl([6])).toThrow(/ERR_RANK|out of range/);
    expect(() => world.incl([1, 1])).toThrow(/twice/);
  });
});
