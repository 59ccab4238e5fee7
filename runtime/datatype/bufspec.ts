// mpi.buf(array, type?, count?, offsetElements?): a buffer-mode message description, MPI's (buf, count,
// datatype) triple over a TypedArray (MPI-4 §3.2.2, §5.1.11 "use of general datatypes in communication").
// Item i of the spec starts at byte offset*BYTES_PER_ELEMENT + i*type.extent of the array; displacements
// inside a type are bytes, as in MPI.
//
// Which types may lie over which arrays (tsmpi's rule, stricter than C where memory is untyped):
//  - over a byte array (Uint8Array, Buffer, Int8Array, Uint8ClampedArray, DataView) any type is allowed;
//  - over any other TypedArray, every basic element of the type must be the array's own element type
//    (FLOAT64 or a vector of FLOAT64 over a Float64Array) or BYTE; INT32 over a Float64Array → ERR_TYPE.
import { mpiError } from "../errors.ts";
import { bytesPerElement, codeOfArray, elementsOf, isByteView, TypeCode, type BufferView } from "./basic.ts";
import { Datatype } from "./datatype.ts";
import { datatypeOfArray } from "./predefined.ts";

export class BufSpec {
  /** the user's array (kept so receive-side code can hand it back) */
  readonly array: BufferView;
  readonly type: Datatype;
  /** number of items of `type` */
  readonly count: number;
  /** offset of item 0, in elements of the array's own type (bytes for a DataView) */
  readonly offset: number;
  /** @internal byte index in the array's bytes of item 0's origin (= offset * BYTES_PER_ELEMENT) */
  readonly origin: number;
  /** @internal the ArrayBuffer under the array */
  readonly buffer: ArrayBufferLike;
  /** @internal the byte offset in `buffer` of item 0's origin */
  readonly bufferOrigin: number;
  /** @internal true when the caller gave the count (in a buffer-mode collective it is then the count PER RANK) */
  readonly countGiven: boolean;

  constructor(array: BufferView, type: Datatype, count: number, offset: number, countGiven = true) {
    this.array = array;
    this.type = type;
    this.count = count;
    this.countGiven = countGiven;
    this.offset = offset;
    this.origin = offset * bytesPerElement(array);
    this.buffer = array.buffer;
    this.bufferOrigin = array.byteOffset + this.origin;
  }

  /** The array's bytes as a Uint8Array (byte 0 = the array's first byte). */
  get memory(): Uint8Array {
    return new Uint8Array(this.array.buffer, this.array.byteOffset, this.array.byteLength);
  }

  /** @internal Bytes of data the spec describes (count * type.size): what it sends, or at most what it receives. */
  get capacityBytes(): number {
    return this.count * this.type.size;
  }
}

/** Bytes of data a spec sends, or the most it can receive. */
export function specCapacityBytes(spec: BufSpec): number {
  return spec.count * spec.type.size;
}

function describe(array: unknown): string {
  if (array === null) return "null";
  if (typeof array !== "object") return typeof array;
  return (array as object).constructor?.name ?? "object";
}

/** True when `type` may describe `array`'s memory (rule in the header). */
export function typeFitsArray(type: Datatype, array: BufferView): boolean {
  if (isByteView(array)) return true;
  const own = codeOfArray(array);
  for (const run of type.sig) if (run.code !== own && run.code !== TypeCode.BYTE) return false;
  return true;
}

/** Throws ERR_TYPE unless `type` may describe `array`'s memory (rule in the header). */
export function checkTypeFitsArray(type: Datatype, array: BufferView, op: string): void {
  if (typeFitsArray(type, array)) return;
  const arrayType = datatypeOfArray(array, op);
  throw mpiError("ERR_TYPE", op, `datatype ${type.name} does not fit a ${describe(array)}`, {
    measured: type.name,
    expected: `a type made of ${arrayType.name} (or BYTE)`,
    hint: "Use a type of the array's own element type, or lay the type over a Uint8Array view of the same memory",
  });
}

/** Byte range [min, max) of the array touched by `count` items starting at `origin`, or null if none. */
function touchedRange(type: Datatype, count: number, origin: number): [number, number] | null {
  if (count === 0 || type.size === 0) return null;
  const last = (count - 1) * type.extent;
  return [origin + type.trueLb + Math.min(0, last), origin + type.trueUb + Math.max(0, last)];
}

/** As many whole items as fit after the origin (the default count of mpi.buf). */
function bufText(array: unknown, type: Datatype | undefined, count: number | undefined, offset: number): string {
  return `buf(${describe(array)}, ${type?.name ?? "default type"}, count=${count ?? "default"}, offset=${offset})`;
}

function itemsThatFit(type: Datatype, origin: number, byteLength: number, opText: () => string): number {
  if (type.size === 0) return 0;
  if (type.extent <= 0) {
    throw mpiError("ERR_ARG", opText(), "count is needed for a type whose extent is not positive", {
      measured: type.extent,
      expected: "> 0",
      hint: "Pass the count explicitly",
    });
  }
  if (origin + type.trueLb < 0 || origin + type.trueUb > byteLength) return 0;
  return Math.floor((byteLength - origin - type.trueUb) / type.extent) + 1;
}

/**
 * mpi.buf: `count` items of `type` in `array`, item 0 at `offsetElements` elements of the array's own type.
 * type defaults to the array's basic type; count to as many whole items as fit after the offset.
 * Throws ERR_ARG (bad array/offset/count), ERR_TYPE (type does not fit the array), ERR_COUNT (items overflow).
 */
export function buf(array: BufferView, type?: Datatype, count?: number, offsetElements = 0): BufSpec {
  // the operation text is built only when an error needs it: buf() runs once per message
  if (codeOfArray(array) === undefined) {
    throw mpiError(
      "ERR_ARG",
      bufText(array, type, count, offsetElements),
      "the buffer must be a TypedArray or a DataView",
      {
        measured: describe(array),
        expected: "a TypedArray (Float64Array, Int32Array, Buffer, …) or a DataView",
      },
    );
  }
  const t = type ?? datatypeOfArray(array);
  if (!(t instanceof Datatype)) {
    throw mpiError("ERR_TYPE", bufText(array, type, count, offsetElements), "type is not a Datatype", {
      measured: describe(t),
      expected: "a Datatype",
    });
  }
  if (t.isFreed || t.size === 0) t.assertUsable(bufText(array, type, count, offsetElements));
  if (!typeFitsArray(t, array)) checkTypeFitsArray(t, array, bufText(array, type, count, offsetElements));
  const length = elementsOf(array);
  if (!Number.isSafeInteger(offsetElements) || offsetElements < 0 || offsetElements > length) {
    throw mpiError(
      "ERR_ARG",
      bufText(array, type, count, offsetElements),
      "offset must be an element index inside the array",
      {
        measured: offsetElements,
        expected: `0..${length}`,
      },
    );
  }
  const origin = offsetElements * bytesPerElement(array);
  const n = count ?? itemsThatFit(t, origin, array.byteLength, () => bufText(array, type, count, offsetElements));
  if (!Number.isSafeInteger(n) || n < 0) {
    throw mpiError("ERR_COUNT", bufText(array, type, count, offsetElements), "count must be a non-negative integer", {
      measured: n,
      expected: ">= 0",
    });
  }
  const range = touchedRange(t, n, origin);
  if (range && (range[0] < 0 || range[1] > array.byteLength)) {
    throw mpiError(
      "ERR_COUNT",
      bufText(array, type, count, offsetElements),
      `${n} items of ${t.name} do not fit in the array`,
      {
        measured: `bytes ${range[0]}..${range[1]}`,
        expected: `inside 0..${array.byteLength}`,
        hint: "Lower the count or the offset, or use a larger array",
      },
    );
  }
  return new BufSpec(array, t, n, offsetElements, count !== undefined);
}
