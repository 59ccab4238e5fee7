// Shared helpers of the conformance programs: the value-mode messages of mpi4py's object tests (Python
// values mapped to what tsmpi's value mode carries), and a poll loop that lets the event loop run
// between tests, as MPI_Test makes progress between calls.
import * as mpi from "tsmpi";

const basic: unknown[] = [null, true, false, -7, 0, 7, -(2n ** 63n) + 1n, 2n ** 63n - 1n, -2.17, 0.0, +1.62, "mpi4py"];

/** mpi4py's `messages` (its complex numbers have no JS counterpart; tuple and frozenset map to Array and Set). */
export const messages: unknown[] = [
  ...basic,
  [...basic],
  new Set(basic),
  Object.fromEntries(basic.map((v, k) => [`k${k}`, v])),
];

/** One turn of the event loop (lets a nonblocking operation progress). */
export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Calls `test` until it returns a truthy value, yielding to the event loop between calls. */
export async function poll<T>(test: () => T): Promise<T> {
  for (;;) {
    const v = test();
    if (v) return v;
    await tick();
  }
}

/** Python's `x % n` for a possibly negative x. */
export const mod = (x: number, n: number) => ((x % n) + n) % n;

export type Req = mpi.Request | null;
