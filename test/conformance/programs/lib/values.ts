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
export async function poll<T>(test: () => T | null | undefined | false): Promise<T> {
  for (;;) {
    const v = test();
    if (v) return v as T;
    await tick();
  }
}

/** Python's `x % n` for a possibly negative x. */
export const mod = (x: number, n: number) => ((x % n) + n) % n;

export type Req = mpi.Request | null;

type NumericArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array | BigInt64Array;
type ArrayCtor = { new (n: number): NumericArray; name: string };

/** The element types mpi4py's arrayimpl loops over (signed integers and floats: its cases store -1). */
export const arrayTypes: ArrayCtor[] = [Int8Array, Int16Array, Int32Array, BigInt64Array, Float32Array, Float64Array];

/** A typed array of n elements, each `value` (mpi4py's `array(value, typecode, n)`). */
export function filled(ctor: ArrayCtor, value: number, n: number): NumericArray {
  const a = new ctor(n);
  for (let i = 0; i < n; i++) a[i] = (a instanceof BigInt64Array ? BigInt(value) : value) as never;
  return a;
}

/** The elements of a typed array as plain numbers (for comparisons). */
export const nums = (a: ArrayLike<number | bigint>): number[] => Array.from(a, Number);

/** n copies of v. */
export const rep = (v: number, n: number): number[] => Array.from({ length: n }, () => v);
