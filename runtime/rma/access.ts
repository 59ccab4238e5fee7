// The communication calls of a window (MPI-4 §12.3 put/get, §12.3.4 accumulate, getAccumulate,
// fetchAndOp, compareAndSwap): argument checks, the origin buffer as an mpi.buf spec (a bare TypedArray
// is all of it), the target region (target datatype and count default to the origin's, as in mpi4py;
// a target type given without a count takes as many items as the origin holds), the type-signature and
// range checks done at the origin — ERR_RMA_RANGE names the target, the displacement and the window
// size — and the frame handed to origin.ts. A PROC_NULL target is a no-op, as in MPI.
import { mpiError } from "../errors.ts";
import { PROC_NULL } from "../constants.ts";
import {
  BufSpec,
  Datatype,
  NO_OP,
  Op,
  TypeCode,
  basicByCode,
  buf,
  homogeneousBase,
  packBuf,
  signatureHash,
  unpackBuf,
  type BufferView,
  type TypedArray,
} from "../datatype/index.ts";
import { layoutOf, touchedBytes } from "./layout.ts";
import type { TargetLayout } from "./codec.ts";
import type { WinParts } from "./core.ts";

/** What a window's origin-side call needs to know about its target region. */
interface Region {
  flags: number;
  /** items of the target type */
  count: number;
  layout: TargetLayout;
  type: Datatype;
}

export function checkOpen(w: WinParts, op: string): void {
  w.core.comm.checkNotFinalized(() => op);
  if (w.core.freed)
    throw mpiError("ERR_WIN", op, "the window was freed", {
      hint: "Create a new window; free() is the last call on a window",
    });
}

function checkTargetRank(w: WinParts, op: string, target: number): void {
  if (target === PROC_NULL || (Number.isInteger(target) && target >= 0 && target < w.core.size)) return;
  throw mpiError("ERR_RANK", op, "target rank out of range", {
    measured: target,
    peer: target,
    expected: `0..${w.core.size - 1} or PROC_NULL`,
    hint: `the window's communicator ${w.core.comm.name} has ${w.core.size} ranks`,
  });
}

/** The origin buffer as a spec: a TypedArray or DataView (all of it) or an mpi.buf(...) spec. */
export function specOf(data: unknown, op: string, role = "origin buffer"): BufSpec {
  if (data instanceof BufSpec) return data;
  if (ArrayBuffer.isView(data)) return buf(data as BufferView);
  throw mpiError("ERR_ARG", op, `the ${role} must be a TypedArray or an mpi.buf(...) spec`, {
    measured: data === null ? "null" : typeof data,
    expected: "a TypedArray, a DataView or mpi.buf(array, type?, count?, offset?)",
  });
}

function sameSignature(a: Datatype, aCount: number, b: Datatype, bCount: number): boolean {
  if (a.size * aCount !== b.size * bCount) return false;
  if (homogeneousBase(a) === TypeCode.BYTE || homogeneousBase(b) === TypeCode.BYTE) return true;
  return signatureHash(a, aCount) === signatureHash(b, bCount);
}

/** A type fits a window's memory when it is a byte window or every element is the window's type or BYTE. */
function fitsWindow(type: Datatype, windowCode: number): boolean {
  if (windowCode === TypeCode.BYTE || windowCode === TypeCode.UINT8 || windowCode === TypeCode.INT8) return true;
  return type.sig.every((r) => r.code === windowCode || r.code === TypeCode.BYTE);
}

/** Checks the target region of `originBytes` bytes described by `spec` and returns its layout. */
function region(
  w: WinParts,
  op: string,
  target: number,
  disp: number,
  spec: BufSpec | null,
  targetType?: Datatype,
  targetCount?: number,
): Region {
  const flags = w.epoch.access(op, target);
  const peer = w.core.peers[target];
  const type = targetType ?? spec?.type;
  if (!(type instanceof Datatype))
    throw mpiError("ERR_TYPE", op, "the target datatype is not a Datatype", {
      measured: typeof type,
      expected: "mpi.FLOAT64, a derived Datatype, …",
    });
  type.assertUsable(op);
  const count = targetCount ?? (targetType && spec ? spec.capacityBytes / type.size : (spec?.count ?? 1));
  if (!Number.isSafeInteger(count) || count < 0) {
    throw mpiError("ERR_COUNT", op, "the target count must be a non-negative integer", {
      measured: count,
      expected: ">= 0",
      hint:
        targetCount === undefined
          ? "The origin's bytes are not a whole number of target items: pass targetCount"
          : undefined,
    });
  }
  if (spec && !sameSignature(spec.type, spec.count, type, count)) {
    throw mpiError("ERR_TYPE", op, "origin and target type signatures differ", {
      measured: `${spec.count} × ${spec.type.name} (${spec.capacityBytes} bytes)`,
      expected: `the signature of ${count} × ${type.name} (${count * type.size} bytes)`,
      hint: "Origin and target must hold the same sequence of basic elements",
    });
  }
  if (!fitsWindow(type, peer.code)) {
    throw mpiError(
      "ERR_TYPE",
      op,
      `datatype ${type.name} does not fit rank ${target}'s window of ${basicByCode(peer.code).name}`,
      { hint: "Use the element type of the target's window (or a window over bytes)" },
    );
  }
  if (!Number.isSafeInteger(disp) || disp < 0)
    throw mpiError("ERR_ARG", op, "the target displacement must be a non-negative integer", {
      measured: disp,
      expected: ">= 0",
    });
  const base = disp * peer.dispUnit;
  const [first, end] = touchedBytes(type, count, base);
  if (first < 0 || end > peer.bytes) {
    throw mpiError(
      "ERR_RMA_RANGE",
      op,
      `the access at displacement ${disp} falls outside the ${peer.bytes}-byte window of rank ${target}`,
      {
        measured: `bytes ${first}..${end}`,
        expected: `inside 0..${peer.bytes}`,
        hint: `The displacement counts units of rank ${target}'s dispUnit (${peer.dispUnit} bytes) and its window holds ${Math.floor(peer.bytes / peer.dispUnit)} of them: keep displacement + count within that`,
      },
    );
  }
  return { flags, count, layout: layoutOf(type, count, base), type };
}

function checkedOp(op: Op, opName: string): Op {
  Op.check(op, opName);
  if (!op.isPredefined)
    throw mpiError("ERR_OP", opName, `${op.name} cannot be used in one-sided accumulates`, {
      hint: "MPI allows only predefined ops (SUM, MAX, …, REPLACE, NO_OP) in accumulate calls",
    });
  return op;
}

/** The basic type both sides reduce on (ERR_TYPE when a side mixes basic types or they differ). */
function reductionCode(opName: string, origin: Datatype, target: Datatype): number {
  const a = origin.reductionBase;
  const b = target.reductionBase;
  if (!a || !b || a !== b) {
    throw mpiError("ERR_TYPE", opName, "accumulate needs one basic (or pair) type on both sides", {
      measured: `${origin.name} and ${target.name}`,
      expected: "types made of a single basic type, the same on both sides",
    });
  }
  return a.code;
}

const opText = (name: string, target: number, disp: number) => `${name}(target=${target}, disp=${disp})`;

export function put(
  w: WinParts,
  origin: unknown,
  target: number,
  disp = 0,
  targetType?: Datatype,
  targetCount?: number,
): void {
  const op = opText("put", target, disp);
  checkOpen(w, op);
  checkTargetRank(w, op, target);
  const spec = specOf(origin, op);
  if (target === PROC_NULL) return;
  const r = region(w, op, target, disp, spec, targetType, targetCount);
  w.origin.put(target, r.flags, r.layout, packBuf(spec));
}

export function get(
  w: WinParts,
  originInto: unknown,
  target: number,
  disp = 0,
  targetType?: Datatype,
  targetCount?: number,
): void {
  const op = opText("get", target, disp);
  checkOpen(w, op);
  checkTargetRank(w, op, target);
  const spec = specOf(originInto, op);
  if (target === PROC_NULL) return;
  const r = region(w, op, target, disp, spec, targetType, targetCount);
  w.origin.get(target, r.flags, r.layout, (data) => unpackBuf(data, spec, op));
}

export function accumulate(
  w: WinParts,
  origin: unknown,
  target: number,
  disp = 0,
  op: Op,
  targetType?: Datatype,
  targetCount?: number,
): void {
  const name = opText("accumulate", target, disp);
  checkOpen(w, name);
  checkTargetRank(w, name, target);
  checkedOp(op, name);
  const spec = specOf(origin, name);
  if (target === PROC_NULL) return;
  const r = region(w, name, target, disp, spec, targetType, targetCount);
  const code = reductionCode(name, spec.type, r.type);
  w.origin.accumulate(target, r.flags, r.layout, op, code, op === NO_OP ? new Uint8Array(0) : packBuf(spec));
}

export function getAccumulate(
  w: WinParts,
  origin: unknown,
  result: unknown,
  target: number,
  disp = 0,
  op: Op,
  targetType?: Datatype,
  targetCount?: number,
): void {
  const name = opText("getAccumulate", target, disp);
  checkOpen(w, name);
  checkTargetRank(w, name, target);
  checkedOp(op, name);
  const resultSpec = specOf(result, name, "result buffer");
  const spec = op === NO_OP && (origin === null || origin === undefined) ? resultSpec : specOf(origin, name);
  if (target === PROC_NULL) return;
  const r = region(w, name, target, disp, spec, targetType, targetCount);
  const code = reductionCode(name, spec.type, r.type);
  if (!sameSignature(resultSpec.type, resultSpec.count, r.type, r.count)) {
    throw mpiError("ERR_TYPE", name, "the result buffer's signature differs from the target's", {
      measured: `${resultSpec.count} × ${resultSpec.type.name}`,
      expected: `the signature of ${r.count} × ${r.type.name}`,
    });
  }
  const data = op === NO_OP ? new Uint8Array(0) : packBuf(spec);
  w.origin.getAccumulate(target, r.flags, r.layout, op, code, data, (old) => unpackBuf(old, resultSpec, name));
}

/** One element of `type` holding `value` (a number, or a bigint for 64-bit integer types). */
function elementBytes(type: Datatype, value: unknown, op: string, role: string): Uint8Array {
  const Ctor = type.arrayType;
  if (!Ctor || !type.isPredefined)
    throw mpiError("ERR_TYPE", op, `${role} needs a basic datatype`, { measured: type.name });
  const one = new Ctor(1) as TypedArray;
  const big = Ctor === BigInt64Array || Ctor === BigUint64Array;
  if (big ? typeof value !== "bigint" && typeof value !== "number" : typeof value !== "number") {
    throw mpiError("ERR_ARG", op, `the ${role} must be a ${big ? "bigint" : "number"}`, {
      measured: typeof value,
      expected: big ? "bigint" : "number",
    });
  }
  one[0] = (big ? BigInt(value as number | bigint) : value) as never;
  return new Uint8Array(one.buffer);
}

function elementOf(type: Datatype, bytes: Uint8Array): number | bigint {
  const Ctor = type.arrayType!;
  return new Ctor(bytes.slice().buffer)[0];
}

/** The element type of fetchAndOp / compareAndSwap: given, or the target window's own. */
function elementType(w: WinParts, target: number, datatype?: Datatype): Datatype {
  return (
    datatype ?? basicByCode(w.core.peers[target].code === TypeCode.BYTE ? TypeCode.UINT8 : w.core.peers[target].code)
  );
}

export async function fetchAndOp(
  w: WinParts,
  value: unknown,
  target: number,
  disp = 0,
  op: Op,
  datatype?: Datatype,
): Promise<number | bigint | undefined> {
  const name = opText("fetchAndOp", target, disp);
  checkOpen(w, name);
  checkTargetRank(w, name, target);
  checkedOp(op, name);
  if (target === PROC_NULL) return undefined;
  const type = elementType(w, target, datatype);
  const data = op === NO_OP ? new Uint8Array(0) : elementBytes(type, value, name, "value");
  const r = region(w, name, target, disp, null, type, 1);
  const old = new Promise<Uint8Array>((resolve) =>
    w.origin.getAccumulate(target, r.flags, r.layout, op, type.code, data, resolve),
  );
  return elementOf(type, await w.core.blocking(old, name, [target]));
}

export async function compareAndSwap(
  w: WinParts,
  value: unknown,
  compare: unknown,
  target: number,
  disp = 0,
  datatype?: Datatype,
): Promise<number | bigint | undefined> {
  const name = opText("compareAndSwap", target, disp);
  checkOpen(w, name);
  checkTargetRank(w, name, target);
  if (target === PROC_NULL) return undefined;
  const type = elementType(w, target, datatype);
  const v = elementBytes(type, value, name, "value");
  const c = elementBytes(type, compare, name, "compare value");
  const r = region(w, name, target, disp, null, type, 1);
  const old = w.origin.compareAndSwap(target, r.flags, r.layout.base, type.code, v, c);
  return elementOf(type, await w.core.blocking(old, name, [target]));
}
