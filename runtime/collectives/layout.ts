// Where each rank's block lives in a buffer-mode collective (MPI-4 §6.5–6.8): a block is `count` items of
// the spec's type starting `first` items after the spec's origin (items are the type's extent apart, as
// MPI's displacements are). Blocks become specs of their own over the same memory; landing a received
// block checks its type signature and size (ERR_TYPE, ERR_TRUNCATE naming the rank it came from).
import { ErrorCode, mpiError } from "../errors.ts";
import { BufSpec, packBuf, checkSignatureMatch } from "../datatype/index.ts";
import { Encoding } from "../protocol.ts";
import { toPayload, fromPayload, intoSpec } from "../comm/payload.ts";
import { matchedOf, type CollCall, type Payload } from "./call.ts";

/** A spec for `count` items starting `first` items into `spec`; ERR_COUNT if they leave the array. */
export function subSpec(c: CollCall, spec: BufSpec, first: number, count: number, what: () => string): BufSpec {
  if (!Number.isSafeInteger(first)) {
    throw mpiError(ErrorCode.ERR_COUNT, c.op, `${what()}: displacements must be integers`, { measured: first });
  }
  return specAt(c, spec.array, spec.type, count, spec.origin + first * spec.type.extent, what);
}

/** A spec for `count` items of `t` whose item 0 starts at byte `origin` of `array`; ERR_COUNT if they leave it. */
export function specAt(
  c: CollCall,
  array: BufSpec["array"],
  t: BufSpec["type"],
  count: number,
  origin: number,
  what: () => string,
): BufSpec {
  if (!Number.isSafeInteger(origin) || !Number.isSafeInteger(count) || count < 0) {
    throw mpiError(ErrorCode.ERR_COUNT, c.op, `${what()}: counts and displacements must be integers, counts ≥ 0`, {
      measured: `count ${count}, byte offset ${origin}`,
    });
  }
  if (count > 0 && t.size > 0) {
    const last = (count - 1) * t.extent;
    const lo = origin + t.trueLb + Math.min(0, last);
    const hi = origin + t.trueUb + Math.max(0, last);
    if (lo < 0 || hi > array.byteLength) {
      throw mpiError(ErrorCode.ERR_COUNT, c.op, `${what()} does not fit in the buffer`, {
        measured: `bytes ${lo}..${hi}`,
        expected: `inside 0..${array.byteLength}`,
        hint: "Check the counts and displacements (in items of the spec's type) against the array's length",
      });
    }
  }
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  return new BufSpec(bytes, t, count, origin);
}

/**
 * `parts` equal blocks of a spec (gather/scatter/alltoall buffers). A count given to mpi.buf is the count PER
 * RANK, as MPI's sendcount/recvcount (ERR_COUNT if `parts` blocks do not fit the array); without one, the
 * items that fit in the array are split evenly (ERR_COUNT unless they divide).
 */
export function splitEvenly(c: CollCall, spec: BufSpec, parts: number, what: string): BufSpec[] {
  if (spec.countGiven) {
    const n = spec.count;
    return Array.from({ length: parts }, (_, i) =>
      subSpec(c, spec, i * n, n, () => `the ${what} block of rank ${i} (${n} items per rank, as mpi.buf's count)`),
    );
  }
  if (spec.count % parts !== 0) {
    throw mpiError(
      ErrorCode.ERR_COUNT,
      c.op,
      `the ${what} buffer's ${spec.count} items do not split evenly among ${parts} ranks`,
      {
        measured: spec.count,
        expected: `a multiple of ${parts}`,
        hint: "Give the array size × items-per-rank items, or pass the count per rank to mpi.buf(array, type, count)",
      },
    );
  }
  const n = spec.count / parts;
  return Array.from({ length: parts }, (_, i) => subSpec(c, spec, i * n, n, () => `block ${i}`));
}

/** Blocks given per rank by counts and displacements (the v-variants); ERR_COUNT for bad lists. */
export function splitByCounts(
  c: CollCall,
  spec: BufSpec,
  counts: ArrayLike<number>,
  displs: ArrayLike<number> | undefined,
  what: string,
): BufSpec[] {
  if (!counts || counts.length !== c.size || (displs && displs.length !== c.size)) {
    throw mpiError(ErrorCode.ERR_COUNT, c.op, `${what} counts and displacements need one entry per rank`, {
      measured: `${counts?.length} counts, ${displs?.length ?? "default"} displacements`,
      expected: c.size,
    });
  }
  let next = 0;
  return Array.from({ length: c.size }, (_, i) => {
    const d = displs ? displs[i] : next;
    next = d + counts[i];
    return subSpec(c, spec, d, counts[i], () => `${what} block of rank ${i} (count ${counts[i]} at displacement ${d})`);
  });
}

/** The payload of a block to send: its packed bytes and signature. */
export function blockPayload(spec: BufSpec, op: string): Payload {
  return toPayload(spec, op);
}

/** Lands a received block in its spec (type check, then unpack; ERR_TRUNCATE if it is too large). */
export function landBlock(c: CollCall, block: Payload, spec: BufSpec, fromRank: number): void {
  intoSpec(matchedOf(block), spec, `${c.op}, block from rank ${fromRank},`);
}

/** A value-mode block as the value it encodes. */
export function decodeBlock(block: Payload): unknown {
  return fromPayload(matchedOf(block));
}

/** A value as a block to send. */
export function valueBlock(c: CollCall, value: unknown): Payload {
  return toPayload(value, c.op);
}

/** The packed bytes of a spec, copied so later writes to the user's array cannot change them. */
export function packedCopy(spec: BufSpec): Uint8Array {
  const bytes = packBuf(spec);
  return spec.type.isContiguous ? bytes.slice() : bytes;
}

/** Type check of a buffer-mode message against a receive spec, without unpacking it. */
export function checkBlockType(c: CollCall, block: Payload, spec: BufSpec): void {
  if (block.enc === Encoding.BYTES) checkSignatureMatch(block.sig, spec, c.op, block.bytes.byteLength);
  else if (block.enc === Encoding.BYTES_MIXED) checkSignatureMatch(-1 - block.sig, spec, c.op, block.bytes.byteLength);
}
