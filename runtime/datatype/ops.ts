// Reduction operations (MPI-4 §6.9): class Op, the predefined ops SUM PROD MAX MIN LAND LOR LXOR BAND BOR
// BXOR MAXLOC MINLOC REPLACE NO_OP, Op.create for user ops, and applyOp for value-mode data.
//
// Argument order. MPI applies `inoutvec = invec op inoutvec` where invec holds the lower-ranked data, and
// tsmpi keeps that order everywhere: applyOp(op, a, b) computes `a op b` with `a` the combined result of
// the EARLIER ranks and `b` the data of a LATER rank, so an op created with commute = false gives exactly
// the sequential left fold over ranks 0..N-1: ((v0 op v1) op v2) … op v(N-1).
// Likewise REPLACE(a, b) = b and NO_OP(a, b) = a, as mpi4py's MPI.REPLACE(x, y) and MPI.NO_OP(x, y): a
// reduction gives the highest rank's value for REPLACE and rank 0's for NO_OP. One-sided accumulate
// computes target = target op origin (REPLACE stores the origin's value, NO_OP keeps the target's).
//
// Value-mode data: numbers, bigints, booleans (logical ops only), every numeric TypedArray (element-wise,
// a new array of the same type; lengths must match, else ERR_COUNT), arrays of those (element-wise), and
// for MAXLOC/MINLOC [value, index] pairs, arrays of pairs, or TypedArrays of interleaved value, index.
// LAND/LOR/LXOR on numbers give 1/0 as in C, on booleans true/false. BAND/BOR/BXOR need integers.
// Float TypedArrays take only SUM PROD MAX MIN (as MPI's floating-point types). Misfits → ERR_OP.
import { mpiError } from "../errors.ts";
import { codeOfArray, elementInfo, type TypedArray } from "./basic.ts";
import { kernelFor, locPicksFirst, opFitsKind } from "./op-kernels.ts";

/** A user op: gets (a, b) = (earlier ranks' result, later rank's data) and returns a op b. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- an op combines whatever values the program reduces
export type UserOpFunction = (a: any, b: any) => any;

export class Op {
  readonly name: string;
  readonly isCommutative: boolean;
  /** @internal the user's function; null for a predefined op */
  readonly fn: UserOpFunction | null;
  private freed = false;

  private constructor(name: string, isCommutative: boolean, fn: UserOpFunction | null) {
    this.name = name;
    this.isCommutative = isCommutative;
    this.fn = fn;
  }

  /** MPI_Op_create: fn(a, b) returns a op b, a from earlier ranks; commute = false keeps rank order. */
  static create(fn: UserOpFunction, commute = true): Op {
    if (typeof fn !== "function") {
      throw mpiError("ERR_OP", "Op.create", "the op must be a function (a, b) => result", {
        measured: typeof fn,
        expected: "function",
      });
    }
    return new Op(fn.name ? `user op ${fn.name}` : "user op", commute, fn);
  }

  /** @internal the predefined ops */
  static predefined(name: string, commute: boolean): Op {
    return new Op(name, commute, null);
  }

  get isPredefined(): boolean {
    return this.fn === null;
  }

  /** mpi4py's op(a, b): a op b on two values, as a value-mode reduction combines them (a from the lower rank). */
  call(a: unknown, b: unknown): unknown {
    return applyOp(this, a, b, `${this.name}.call`);
  }

  /** MPI_Op_free: a user op can no longer be used. */
  free(): void {
    if (this.isPredefined) throw mpiError("ERR_OP", `Op.free(${this.name})`, "a predefined op cannot be freed");
    this.freed = true;
  }

  /** Throws ERR_OP if this op is not an Op or was freed. */
  static check(op: unknown, opName: string): Op {
    if (!(op instanceof Op)) {
      throw mpiError("ERR_OP", opName, "not a reduction op", {
        measured: typeof op,
        expected: "mpi.SUM, mpi.MAX, … or mpi.Op.create(fn)",
      });
    }
    if (op.freed) throw mpiError("ERR_OP", opName, `${op.name} was freed`);
    return op;
  }

  toString(): string {
    return this.name;
  }
}

export const SUM = Op.predefined("SUM", true);
export const PROD = Op.predefined("PROD", true);
export const MAX = Op.predefined("MAX", true);
export const MIN = Op.predefined("MIN", true);
export const LAND = Op.predefined("LAND", true);
export const LOR = Op.predefined("LOR", true);
export const LXOR = Op.predefined("LXOR", true);
export const BAND = Op.predefined("BAND", true);
export const BOR = Op.predefined("BOR", true);
export const BXOR = Op.predefined("BXOR", true);
export const MAXLOC = Op.predefined("MAXLOC", true);
export const MINLOC = Op.predefined("MINLOC", true);
export const REPLACE = Op.predefined("REPLACE", false);
export const NO_OP = Op.predefined("NO_OP", false);

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return typeof value;
}

function misfit(op: Op, opName: string, data: string): Error {
  return mpiError("ERR_OP", opName, `${op.name} does not apply to ${data}`, {
    hint: "SUM PROD MAX MIN take numbers; LAND LOR LXOR integers or booleans; BAND BOR BXOR integers; MAXLOC MINLOC [value, index] pairs",
  });
}

function sameKind(op: Op, opName: string, a: unknown, b: unknown): void {
  if (kindOf(a) !== kindOf(b)) {
    throw mpiError("ERR_OP", opName, `${op.name} got operands of different types`, {
      measured: kindOf(a),
      expected: kindOf(b),
    });
  }
}

function sameLength(opName: string, a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw mpiError("ERR_COUNT", opName, "operands have different lengths", {
      measured: a.length,
      expected: b.length,
      hint: "Every rank must contribute the same number of elements",
    });
  }
}

function bitwise(name: string, x: bigint, y: bigint): bigint {
  return name === "BAND" ? x & y : name === "BOR" ? x | y : x ^ y;
}

function numberOp(op: Op, opName: string, x: number, y: number): number {
  switch (op.name) {
    case "SUM":
      return x + y;
    case "PROD":
      return x * y;
    case "MAX":
      return Math.max(x, y);
    case "MIN":
      return Math.min(x, y);
    case "LAND":
      return x !== 0 && y !== 0 ? 1 : 0;
    case "LOR":
      return x !== 0 || y !== 0 ? 1 : 0;
    case "LXOR":
      return (x !== 0) !== (y !== 0) ? 1 : 0;
  }
  if (!Number.isSafeInteger(x) || !Number.isSafeInteger(y))
    throw misfit(op, opName, `non-integer numbers (${x}, ${y})`);
  return Number(bitwise(op.name, BigInt(x), BigInt(y)));
}

function bigintOp(op: Op, x: bigint, y: bigint): bigint {
  switch (op.name) {
    case "SUM":
      return x + y;
    case "PROD":
      return x * y;
    case "MAX":
      return x > y ? x : y;
    case "MIN":
      return x < y ? x : y;
    case "LAND":
      return x !== 0n && y !== 0n ? 1n : 0n;
    case "LOR":
      return x !== 0n || y !== 0n ? 1n : 0n;
    case "LXOR":
      return (x !== 0n) !== (y !== 0n) ? 1n : 0n;
  }
  return bitwise(op.name, x, y);
}

function booleanOp(op: Op, opName: string, x: boolean, y: boolean): boolean {
  switch (op.name) {
    case "LAND":
    case "BAND":
      return x && y;
    case "LOR":
    case "BOR":
      return x || y;
    case "LXOR":
    case "BXOR":
      return x !== y;
  }
  throw misfit(op, opName, "booleans");
}

/** A zeroed array of the same type and length (a Buffer for a Buffer). */
function newLike(a: TypedArray): TypedArray {
  if (Buffer.isBuffer(a)) return Buffer.alloc(a.length);
  return new (a.constructor as new (n: number) => TypedArray)(a.length);
}

type LocValue = number | bigint;
function isPair(v: unknown): v is [LocValue, LocValue] {
  const scalar = (x: unknown) => typeof x === "number" || typeof x === "bigint";
  return Array.isArray(v) && v.length === 2 && scalar(v[0]) && scalar(v[1]);
}

/** MAXLOC/MINLOC on a pair, an array of pairs, or a TypedArray of interleaved (value, index). */
function applyLoc(op: Op, a: unknown, b: unknown, opName: string): unknown {
  const isMax = op === MAXLOC;
  if (isPair(a) && isPair(b)) {
    return locPicksFirst(isMax, a[0], a[1], b[0], b[1]) ? [a[0], a[1]] : [b[0], b[1]];
  }
  if (Array.isArray(a) && Array.isArray(b) && a.every(isPair) && b.every(isPair)) {
    sameLength(opName, a, b);
    return a.map((p, i) => applyLoc(op, p, b[i], opName));
  }
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b) && !(a instanceof DataView) && !(b instanceof DataView)) {
    sameKind(op, opName, a, b);
    const x = a as TypedArray;
    const y = b as TypedArray;
    sameLength(opName, x, y);
    if (x.length % 2 !== 0)
      throw mpiError("ERR_COUNT", opName, `${op.name} needs interleaved (value, index) pairs`, {
        measured: `${x.length} elements`,
        expected: "an even number",
      });
    const out = newLike(x);
    for (let i = 0; i < x.length; i += 2) {
      const first = locPicksFirst(isMax, x[i], x[i + 1], y[i], y[i + 1]);
      out[i] = first ? x[i] : y[i];
      out[i + 1] = first ? x[i + 1] : y[i + 1];
    }
    return out;
  }
  throw misfit(op, opName, `${kindOf(a)} (it takes [value, index] pairs)`);
}

/** op over two TypedArrays of one type, element-wise: a new array. */
function applyTyped(op: Op, a: TypedArray, b: TypedArray, opName: string): TypedArray {
  sameKind(op, opName, a, b);
  sameLength(opName, a, b);
  const info = elementInfo(codeOfArray(a) ?? -1);
  const kernel = info?.arrayType ? kernelFor(op.name, info.arrayType) : null;
  if (!info || !kernel || !opFitsKind(op.name, info.kind)) throw misfit(op, opName, `a ${a.constructor.name}`);
  const out = newLike(a);
  kernel(a, b, out, a.length);
  return out;
}

/**
 * a op b for value-mode data (see the header): `a` is the earlier ranks' result, `b` a later rank's data.
 * @param opName the operation for error texts, e.g. "allreduce"
 */
export function applyOp(op: Op, a: unknown, b: unknown, opName = "reduce"): unknown {
  Op.check(op, opName);
  if (op.fn) return op.fn(a, b);
  if (op === REPLACE) return b;
  if (op === NO_OP) return a;
  if (op === MAXLOC || op === MINLOC) return applyLoc(op, a, b, opName);
  sameKind(op, opName, a, b);
  if (typeof a === "number") return numberOp(op, opName, a, b as number);
  if (typeof a === "bigint") return bigintOp(op, a, b as bigint);
  if (typeof a === "boolean") return booleanOp(op, opName, a, b as boolean);
  if (ArrayBuffer.isView(a) && !(a instanceof DataView))
    return applyTyped(op, a as TypedArray, b as TypedArray, opName);
  if (Array.isArray(a)) {
    const other = b as unknown[];
    sameLength(opName, a, other);
    return a.map((x, i) => applyOp(op, x, other[i], opName));
  }
  throw misfit(op, opName, kindOf(a));
}
