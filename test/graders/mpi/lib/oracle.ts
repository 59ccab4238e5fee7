// The sequential oracles of the MPI graders: the generator the exercises document (mulberry32, with
// the seeds and formulas their headers give) and what each exercise should compute from it, recomputed
// here without MPI so a grader can compare a program's printed results with the truth.

/** mulberry32: the exercises' documented pseudo-random generator, values in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const maxOf = (values: Iterable<number>) => {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
};

/** 11.2: rank r's 1014 values are 100 * next() with next = mulberry32(seed + r). */
export function reduceMaxLocal(seed: number, rank: number): number {
  const next = mulberry32(seed + rank);
  return maxOf(Array.from({ length: 1014 }, () => 100 * next()));
}

/** 11.3: size×1024 values -100 + 200 * next() from mulberry32(seed); the mean of their cubes. */
export function meanOfCubes(seed: number, size: number): number {
  const next = mulberry32(seed);
  let sum = 0;
  const n = size * 1024;
  for (let i = 0; i < n; i++) {
    const x = -100 + 200 * next();
    sum += x * x * x;
  }
  return sum / n;
}

/** 11.5: the items the root scatters: floor(1000 * next()) from mulberry32(seed), one per rank. */
export function scatterItems(seed: number, size: number): number[] {
  const next = mulberry32(seed);
  return Array.from({ length: size }, () => Math.floor(1000 * next()));
}

/** 11.7: rank r's M×N values 1000 * next() from mulberry32(seed + r): its maximum. */
export function normalizeLocalMax(seed: number, rank: number, rows: number, cols: number): number {
  const next = mulberry32(seed + rank);
  return maxOf(Array.from({ length: rows * cols }, () => 1000 * next()));
}

/** 12.4/12.5: task t's result, the sum of 100 values floor(1000 * next()) from mulberry32(seed + t). */
export function taskResult(seed: number, task: number): number {
  const next = mulberry32(seed + task);
  let sum = 0;
  for (let i = 0; i < 100; i++) sum += Math.floor(1000 * next());
  return sum;
}

/** 13.3: the 1000 values every rank generates from the published seed: the first three and the sum. */
export function seededArray(seed: number): { first: number[]; sum: number } {
  const next = mulberry32(seed);
  const values = Array.from({ length: 1000 }, () => next());
  return { first: values.slice(0, 3), sum: values.reduce((a, b) => a + b, 0) };
}

/** 13.4: rank r's array (size 100 + floor(99901 * next()), then values next()): its size and maximum. */
export function irregularLocal(seed: number, rank: number): { size: number; max: number } {
  const next = mulberry32(seed + rank);
  const size = 100 + Math.floor(99901 * next());
  let max = -Infinity;
  for (let i = 0; i < size; i++) max = Math.max(max, next());
  return { size, max };
}

/** Relative closeness of two floating-point results computed in different orders. */
export function close(a: number, b: number, relative = 1e-9): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= relative * Math.max(1, Math.abs(a), Math.abs(b));
}
