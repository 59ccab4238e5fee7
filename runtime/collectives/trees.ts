// Communication shapes of the collective algorithms, as pure functions of (rank, size): binomial trees
// (MPICH's shape, rooted at relative rank 0), the recursive-doubling plan with the non-power-of-two
// fix-up, dissemination partners, rings and the split of a buffer into blocks. No I/O: the algorithms in
// this folder walk these shapes, and test/unit/trees.test.ts checks them by simulating data flow.

/** Rank relative to `root` (the root becomes 0). */
export function relativeRank(rank: number, root: number, size: number): number {
  return (rank - root + size) % size;
}

/** Absolute rank of a relative rank. */
export function absoluteRank(rel: number, root: number, size: number): number {
  return (rel + root) % size;
}

/** Smallest power of two ≥ n (1 for n ≤ 1). */
export function ceilPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/** Largest power of two ≤ n (n ≥ 1). */
export function floorPow2(n: number): number {
  let p = 1;
  while (p * 2 <= n) p <<= 1;
  return p;
}

/** Lowest set bit of rel; for the root (rel 0), the smallest power of two covering the whole tree. */
function lowBit(rel: number, size: number): number {
  return rel === 0 ? ceilPow2(size) : rel & -rel;
}

/** Parent of a relative rank in the binomial tree (the rank with its lowest set bit cleared), -1 at the root. */
export function binomialParent(rel: number): number {
  return rel === 0 ? -1 : rel & (rel - 1);
}

/** Children of a relative rank, largest subtree first (the order a broadcast sends in). */
export function binomialChildren(rel: number, size: number): number[] {
  const out: number[] = [];
  for (let mask = lowBit(rel, size) >> 1; mask >= 1; mask >>= 1) if (rel + mask < size) out.push(rel + mask);
  return out;
}

/** Relative ranks [lo, hi) of the subtree rooted at `rel` (contiguous in a binomial tree). */
export function binomialSubtree(rel: number, size: number): [number, number] {
  return [rel, Math.min(rel + lowBit(rel, size), size)];
}

/** Dissemination barrier, round k: send to rank + 2^k, receive from rank − 2^k (mod size). */
export function disseminationRounds(rank: number, size: number): { to: number; from: number }[] {
  const rounds: { to: number; from: number }[] = [];
  for (let k = 1; k < size; k <<= 1) rounds.push({ to: (rank + k) % size, from: (rank - k + size) % size });
  return rounds;
}

/**
 * Recursive doubling on any number of ranks (MPICH's fix-up): with pof2 the largest power of two ≤ size and
 * rem = size − pof2, the even ranks below 2·rem first hand their data to the next (odd) rank and sit out;
 * the pof2 remaining ranks keep their order (newRank), exchange with newRank ^ mask for mask = 1, 2, 4…,
 * and the odd ranks finally send the result back. Every combined range is contiguous in rank order, so a
 * non-commutative op stays correct when the lower-ranked side is always the left operand.
 */
export interface DoublingPlan {
  pof2: number;
  rem: number;
  /** rank this rank hands its data to (even ranks < 2·rem), or -1 */
  foldInto: number;
  /** rank this rank takes data from before the exchanges (odd ranks < 2·rem), or -1 */
  foldFrom: number;
  /** rank among the pof2 active ranks, or -1 when sitting out */
  newRank: number;
  /** exchange partners, in order; `earlier` when the partner's data comes first in rank order */
  steps: { partner: number; earlier: boolean }[];
}

/** Real rank of an active rank number in a doubling plan. */
export function activeToRank(newRank: number, rem: number): number {
  return newRank < rem ? newRank * 2 + 1 : newRank + rem;
}

export function doublingPlan(rank: number, size: number): DoublingPlan {
  const pof2 = floorPow2(size);
  const rem = size - pof2;
  let foldInto = -1;
  let foldFrom = -1;
  let newRank: number;
  if (rank < 2 * rem) {
    if (rank % 2 === 0) {
      foldInto = rank + 1;
      newRank = -1;
    } else {
      foldFrom = rank - 1;
      newRank = rank >> 1;
    }
  } else {
    newRank = rank - rem;
  }
  const steps: { partner: number; earlier: boolean }[] = [];
  if (newRank >= 0) {
    for (let mask = 1; mask < pof2; mask <<= 1) {
      const partner = activeToRank(newRank ^ mask, rem);
      steps.push({ partner, earlier: partner < rank });
    }
  }
  return { pof2, rem, foldInto, foldFrom, newRank, steps };
}

/** Right and left neighbours on a ring. */
export function ringNeighbours(rank: number, size: number): { right: number; left: number } {
  return { right: (rank + 1) % size, left: (rank - 1 + size) % size };
}

/** Start of block i when `count` units are split into `parts` near-equal contiguous blocks. */
export function blockStart(i: number, count: number, parts: number): number {
  return Math.floor((i * count) / parts);
}

/** [start, end) of block i of `count` units split into `parts` blocks. */
export function blockRange(i: number, count: number, parts: number): [number, number] {
  return [blockStart(i, count, parts), blockStart(i + 1, count, parts)];
}

/**
 * Recursive halving (reduce-scatter phase of Rabenseifner's allreduce) among pof2 ranks: for mask =
 * pof2/2 … 1, the rank keeps the half of its current block range on its side of the partner and sends
 * the other half; at the end active rank n owns block n. Returns, per step, the partner's active number
 * and the block ranges sent and kept.
 */
export function halvingSteps(
  newRank: number,
  pof2: number,
): { partner: number; send: [number, number]; keep: [number, number] }[] {
  const steps: { partner: number; send: [number, number]; keep: [number, number] }[] = [];
  let lo = 0;
  let hi = pof2;
  for (let mask = pof2 >> 1; mask >= 1; mask >>= 1) {
    const mid = lo + ((hi - lo) >> 1);
    const lower = (newRank & mask) === 0;
    const keep: [number, number] = lower ? [lo, mid] : [mid, hi];
    const send: [number, number] = lower ? [mid, hi] : [lo, mid];
    steps.push({ partner: newRank ^ mask, send, keep });
    [lo, hi] = keep;
  }
  return steps;
}

/**
 * Recursive doubling allgather among pof2 ranks that each own block newRank: for mask = 1, 2, … the rank
 * sends the mask blocks it owns, [newRank & ~(mask-1), +mask), and receives the partner's as many.
 */
export function doublingGatherSteps(
  newRank: number,
  pof2: number,
): { partner: number; have: [number, number]; get: [number, number] }[] {
  const steps: { partner: number; have: [number, number]; get: [number, number] }[] = [];
  for (let mask = 1; mask < pof2; mask <<= 1) {
    const partner = newRank ^ mask;
    const mine = newRank & ~(mask - 1);
    const theirs = partner & ~(mask - 1);
    steps.push({ partner, have: [mine, mine + mask], get: [theirs, theirs + mask] });
  }
  return steps;
}
