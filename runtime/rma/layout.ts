// Target regions of one-sided operations (MPI-4 §12.3: target_disp, target_count, target_datatype):
// the TargetLayout of `count` items of a datatype at a displacement, the byte range it touches (for
// ERR_RMA_RANGE), and the three things a target does with it: write packed bytes into the window (put),
// read them out in type-map order (get), and combine them element-wise with an op (accumulate, atomic
// because the target applies one frame at a time on its event loop).
import { NO_OP, REPLACE, applyOpInto, basicByCode, type Datatype, type Op } from "../datatype/index.ts";
import type { TargetLayout } from "./codec.ts";

/** The layout of `count` items of `type` whose item 0 starts at byte `base` of the target's window. */
export function layoutOf(type: Datatype, count: number, base: number): TargetLayout {
  const bytes = type.size * count;
  if (type.isContiguous || count === 0 || bytes === 0) {
    const run = { disp: type.trueLb, len: bytes, stride: bytes, n: 1 };
    return { base, count: 1, extent: bytes, runs: bytes ? [run] : [], bytes };
  }
  return { base, count, extent: type.extent, runs: type.runs, bytes };
}

/** The byte range [first, end) of the window the layout touches ([base, base) when it touches nothing). */
export function touchedBytes(type: Datatype, count: number, base: number): [number, number] {
  if (count === 0 || type.size === 0) return [base, base];
  const last = (count - 1) * type.extent;
  return [base + type.trueLb + Math.min(0, last), base + type.trueUb + Math.max(0, last)];
}

/** Calls visit(offset, length, packedAt) for every segment of the layout, in type-map order. */
function forEachSegment(l: TargetLayout, visit: (offset: number, length: number, packedAt: number) => void): void {
  let packed = 0;
  for (let i = 0; i < l.count; i++) {
    const item = l.base + i * l.extent;
    for (const run of l.runs) {
      for (let k = 0, at = item + run.disp; k < run.n; k++, at += run.stride) {
        visit(at, run.len, packed);
        packed += run.len;
      }
    }
  }
}

/** The one segment of a dense layout, or null. */
function denseSegment(l: TargetLayout): [number, number] | null {
  if (l.runs.length === 0) return [l.base, 0];
  if (l.count === 1 && l.runs.length === 1 && l.runs[0].n === 1) return [l.base + l.runs[0].disp, l.runs[0].len];
  return null;
}

/** put: writes packed bytes into the window at the layout. */
export function scatterInto(memory: Uint8Array, l: TargetLayout, packed: Uint8Array): void {
  const dense = denseSegment(l);
  if (dense) return memory.set(packed.subarray(0, dense[1]), dense[0]);
  forEachSegment(l, (at, len, p) => memory.set(packed.subarray(p, p + len), at));
}

/** get: the layout's bytes of the window, packed in type-map order into `out` (a new array by default). */
export function gatherFrom(memory: Uint8Array, l: TargetLayout, out: Uint8Array = new Uint8Array(l.bytes)): Uint8Array {
  const dense = denseSegment(l);
  if (dense) out.set(memory.subarray(dense[0], dense[0] + dense[1]));
  else forEachSegment(l, (at, len, p) => out.set(memory.subarray(at, at + len), p));
  return out;
}

/**
 * accumulate: window = window op origin, element by element (elements of the basic type `code`); returns
 * the window's previous contents, packed, when `wantOld` (getAccumulate, fetchAndOp).
 */
export function combineInto(
  memory: Uint8Array,
  l: TargetLayout,
  origin: Uint8Array,
  op: Op,
  code: number,
  wantOld: boolean,
  opName: string,
): Uint8Array | null {
  if (op === NO_OP) return wantOld ? gatherFrom(memory, l) : null; // an atomic read: NO_OP sends no data
  if (l.bytes === 0) return wantOld ? new Uint8Array(0) : null; // zero elements: nothing to combine, whatever the op
  const base = basicByCode(code, opName);
  if (op === REPLACE) return replaceInto(memory, l, origin, wantOld);
  const dense = denseSegment(l);
  if (dense) {
    const target = memory.subarray(dense[0], dense[0] + dense[1]);
    const old = wantOld ? target.slice() : null;
    applyOpInto(op, origin, target, base, opName);
    return old;
  }
  const current = gatherFrom(memory, l);
  const old = wantOld ? current.slice() : null;
  applyOpInto(op, origin, current, base, opName);
  scatterInto(memory, l, current);
  return old;
}

/** accumulate with REPLACE: the origin's data is stored (an atomic put); returns the previous contents when `wantOld`. */
function replaceInto(memory: Uint8Array, l: TargetLayout, origin: Uint8Array, wantOld: boolean): Uint8Array | null {
  const old = wantOld ? gatherFrom(memory, l) : null;
  scatterInto(memory, l, origin);
  return old;
}
