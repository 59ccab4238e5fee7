// Element-wise kernels of the predefined reduction ops over TypedArrays (MPI-4 §6.9.2 "predefined reduction
// operations"), and which op fits which element kind: SUM PROD MAX MIN on integers and floats, LAND LOR
// LXOR on integers, BAND BOR BXOR on integers and BYTE; REPLACE and NO_OP on anything. One kernel is
// compiled per (op, array type), so every loop stays monomorphic and runs at TypedArray speed.
// Integer results wrap around as C's do (PROD of 32-bit integers uses Math.imul for the exact low bits).
import type { ElementKind, TypedArray, TypedArrayConstructor } from "./basic.ts";

/** out[i] = a[i] op b[i] for i < n (out may be b). */
export type Kernel = (a: TypedArray, b: TypedArray, out: TypedArray, n: number) => void;

const FITS: Record<string, ReadonlyArray<ElementKind>> = {
  SUM: ["int", "float", "bigint"],
  PROD: ["int", "float", "bigint"],
  MAX: ["int", "float", "bigint"],
  MIN: ["int", "float", "bigint"],
  LAND: ["int", "bigint"],
  LOR: ["int", "bigint"],
  LXOR: ["int", "bigint"],
  BAND: ["int", "bigint", "byte"],
  BOR: ["int", "bigint", "byte"],
  BXOR: ["int", "bigint", "byte"],
  MAXLOC: ["pair"],
  MINLOC: ["pair"],
  REPLACE: ["int", "float", "bigint", "byte", "pair"],
  NO_OP: ["int", "float", "bigint", "byte", "pair"],
};

/** True when MPI defines the predefined op `opName` on elements of this kind. */
export function opFitsKind(opName: string, kind: ElementKind): boolean {
  return FITS[opName]?.includes(kind) ?? false;
}

/** The JavaScript expression of `x op y` for one array type, or null for an op with no element-wise form. */
function expression(opName: string, ctor: TypedArrayConstructor): string | null {
  const big = ctor === BigInt64Array || ctor === BigUint64Array;
  const float = ctor === Float32Array || ctor === Float64Array;
  const zero = big ? "0n" : "0";
  const one = big ? "1n" : "1";
  switch (opName) {
    case "SUM":
      return "x + y";
    case "PROD":
      return ctor === Int32Array || ctor === Uint32Array ? "Math.imul(x, y)" : "x * y";
    case "MAX":
      return float ? "Math.max(x, y)" : "(x > y ? x : y)";
    case "MIN":
      return float ? "Math.min(x, y)" : "(x < y ? x : y)";
    case "LAND":
      return `(x !== ${zero} && y !== ${zero} ? ${one} : ${zero})`;
    case "LOR":
      return `(x !== ${zero} || y !== ${zero} ? ${one} : ${zero})`;
    case "LXOR":
      return `((x !== ${zero}) !== (y !== ${zero}) ? ${one} : ${zero})`;
    case "BAND":
      return "(x & y)";
    case "BOR":
      return "(x | y)";
    case "BXOR":
      return "(x ^ y)";
    case "REPLACE":
      return "y";
    case "NO_OP":
      return "x";
    default:
      return null;
  }
}

const compiled = new Map<string, Kernel>();

/** The compiled kernel of a predefined element-wise op for one array type, or null if the op has none. */
export function kernelFor(opName: string, ctor: TypedArrayConstructor): Kernel | null {
  const key = `${opName}:${ctor.name}`;
  let kernel = compiled.get(key);
  if (!kernel) {
    const expr = expression(opName, ctor);
    if (expr === null) return null;
    const source = `"use strict";
      return function ${opName}_${ctor.name}(a, b, out, n) {
        for (let i = 0; i < n; i++) { const x = a[i], y = b[i]; out[i] = ${expr}; }
      };`;
    kernel = new Function(source)() as Kernel;
    compiled.set(key, kernel);
  }
  return kernel;
}

/**
 * MAXLOC/MINLOC on (value, index) pairs: the larger (smaller) value wins; on equal values the smaller index.
 * Returns true when `a` wins over `b` (for values: a first, b second, in the order of the ops' arguments).
 */
export function locPicksFirst(
  isMax: boolean,
  av: number | bigint,
  ai: number | bigint,
  bv: number | bigint,
  bi: number | bigint,
): boolean {
  if (av === bv) return ai <= bi;
  return isMax ? av > bv : av < bv;
}
