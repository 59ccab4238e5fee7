// The basic (predefined) element kinds of tsmpi's datatypes (MPI-4 §3.2.2, "MPI basic datatypes"):
// a stable small integer code each (the code travels on the wire), its byte size, its alignment and
// the TypedArray that holds it. Pure table, no Datatype objects here (see predefined.ts).
//
// Byte order: TypedArrays use the host's byte order, and messages carry the bytes as they are in
// memory, so every host of a job must share one byte order (little-endian on every Node platform).

export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** Anything a buffer-mode spec can lay a datatype over: a TypedArray (Buffer included) or a DataView. */
export type BufferView = TypedArray | DataView;

export type TypedArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** What an element is, for the reduction ops: MPI allows different ops on each group (MPI-4 §6.9.2). */
export type ElementKind = "int" | "float" | "bigint" | "byte" | "pair" | "null";

/** Wire codes of the predefined datatypes. Never renumber: they are part of the wire protocol. */
export const TypeCode = {
  DATATYPE_NULL: 0,
  BYTE: 1,
  INT8: 2,
  UINT8: 3,
  INT16: 4,
  UINT16: 5,
  INT32: 6,
  UINT32: 7,
  INT64: 8,
  UINT64: 9,
  FLOAT32: 10,
  FLOAT64: 11,
  FLOAT64_INT: 12,
  FLOAT32_INT: 13,
  INT32_INT: 14,
} as const;

export interface ElementInfo {
  readonly code: number;
  readonly name: string;
  /** bytes of one element (for a pair type: of the packed value + index) */
  readonly bytes: number;
  /** alignment in bytes, as a C compiler would place it in a struct */
  readonly alignment: number;
  readonly kind: ElementKind;
  /** the TypedArray that holds one element per slot (BYTE: Uint8Array; pair types: none) */
  readonly arrayType: TypedArrayConstructor | null;
}

function info(
  name: keyof typeof TypeCode,
  bytes: number,
  kind: ElementKind,
  arrayType: TypedArrayConstructor | null,
  alignment = bytes,
): ElementInfo {
  return { code: TypeCode[name], name, bytes, alignment, kind, arrayType };
}

/** Every element kind by code: the basic types, then the MAXLOC/MINLOC pair types. */
export const ELEMENTS: ReadonlyArray<ElementInfo> = [
  info("DATATYPE_NULL", 0, "null", null, 1),
  info("BYTE", 1, "byte", Uint8Array),
  info("INT8", 1, "int", Int8Array),
  info("UINT8", 1, "int", Uint8Array),
  info("INT16", 2, "int", Int16Array),
  info("UINT16", 2, "int", Uint16Array),
  info("INT32", 4, "int", Int32Array),
  info("UINT32", 4, "int", Uint32Array),
  info("INT64", 8, "bigint", BigInt64Array),
  info("UINT64", 8, "bigint", BigUint64Array),
  info("FLOAT32", 4, "float", Float32Array),
  info("FLOAT64", 8, "float", Float64Array),
  info("FLOAT64_INT", 12, "pair", null, 8),
  info("FLOAT32_INT", 8, "pair", null, 4),
  info("INT32_INT", 8, "pair", null, 4),
];

export function elementInfo(code: number): ElementInfo | undefined {
  return Number.isInteger(code) ? ELEMENTS[code] : undefined;
}

/** Byte size of the basic element with this code (0 for an unknown code). */
export function elementBytes(code: number): number {
  return ELEMENTS[code]?.bytes ?? 0;
}

/** The wire code of the basic type a TypedArray holds (Buffer and Uint8ClampedArray hold UINT8, a DataView BYTE). */
export function codeOfArray(array: unknown): number | undefined {
  if (array instanceof DataView) return TypeCode.BYTE;
  if (array instanceof Float64Array) return TypeCode.FLOAT64;
  if (array instanceof Float32Array) return TypeCode.FLOAT32;
  if (array instanceof Int32Array) return TypeCode.INT32;
  if (array instanceof Uint32Array) return TypeCode.UINT32;
  if (array instanceof Int16Array) return TypeCode.INT16;
  if (array instanceof Uint16Array) return TypeCode.UINT16;
  if (array instanceof Int8Array) return TypeCode.INT8;
  if (array instanceof Uint8Array || array instanceof Uint8ClampedArray) return TypeCode.UINT8;
  if (array instanceof BigInt64Array) return TypeCode.INT64;
  if (array instanceof BigUint64Array) return TypeCode.UINT64;
  return undefined;
}

/** True for views whose elements are single bytes: any datatype may be laid over them (like C's char buffers). */
export function isByteView(array: BufferView): boolean {
  return (
    array instanceof DataView ||
    array instanceof Uint8Array ||
    array instanceof Int8Array ||
    array instanceof Uint8ClampedArray
  );
}

/** Bytes per element of a view (1 for a DataView). */
export function bytesPerElement(array: BufferView): number {
  return array instanceof DataView ? 1 : array.BYTES_PER_ELEMENT;
}

/** Elements in a view (bytes for a DataView). */
export function elementsOf(array: BufferView): number {
  return array instanceof DataView ? array.byteLength : array.length;
}

/** True when TypedArrays on this host store the least significant byte first. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
