// The predefined datatypes (MPI-4 §3.2.2 basic types, §6.9.4 pair types for MAXLOC/MINLOC): INT8 … FLOAT64,
// BYTE, the pairs FLOAT64_INT, FLOAT32_INT, INT32_INT (a value then an INT32 index, laid out as the C structs
// MPI_DOUBLE_INT, MPI_FLOAT_INT and MPI_2INT: extents 16, 8 and 8), DATATYPE_NULL; and the lookups
// datatypeOfArray (the basic type a TypedArray holds) and basicByCode (a wire code back to its type).
import { mpiError } from "../errors.ts";
import { ELEMENTS, TypeCode, codeOfArray, type BufferView } from "./basic.ts";
import { Datatype } from "./datatype.ts";
import { basicLayout, combineLayout, padToAlignment } from "./typemap.ts";

function basic(code: number): Datatype {
  const e = ELEMENTS[code];
  return new Datatype({
    name: e.name,
    combiner: "NAMED",
    contents: { integers: [], addresses: [], datatypes: [] },
    layout: basicLayout(code, e.bytes, e.alignment),
    placements: [],
    element: e,
    reductionBase: e.kind === "null" ? null : "self",
  });
}

export const DATATYPE_NULL = basic(TypeCode.DATATYPE_NULL);
export const BYTE = basic(TypeCode.BYTE);
export const INT8 = basic(TypeCode.INT8);
export const UINT8 = basic(TypeCode.UINT8);
export const INT16 = basic(TypeCode.INT16);
export const UINT16 = basic(TypeCode.UINT16);
export const INT32 = basic(TypeCode.INT32);
export const UINT32 = basic(TypeCode.UINT32);
export const INT64 = basic(TypeCode.INT64);
export const UINT64 = basic(TypeCode.UINT64);
export const FLOAT32 = basic(TypeCode.FLOAT32);
export const FLOAT64 = basic(TypeCode.FLOAT64);

/** A value of `valueType` at byte 0 and an INT32 index right after it, padded like a C struct. */
function pair(code: number, valueType: Datatype): Datatype {
  const e = ELEMENTS[code];
  const placements = [
    { part: valueType, disp: 0, reps: 1 },
    { part: INT32, disp: valueType.size, reps: 1 },
  ];
  return new Datatype({
    name: e.name,
    combiner: "NAMED",
    contents: { integers: [], addresses: [], datatypes: [] },
    layout: padToAlignment(combineLayout(placements)),
    placements,
    element: e,
    reductionBase: "self",
  });
}

export const FLOAT64_INT = pair(TypeCode.FLOAT64_INT, FLOAT64);
export const FLOAT32_INT = pair(TypeCode.FLOAT32_INT, FLOAT32);
export const INT32_INT = pair(TypeCode.INT32_INT, INT32);

const BY_CODE: ReadonlyArray<Datatype> = [
  DATATYPE_NULL,
  BYTE,
  INT8,
  UINT8,
  INT16,
  UINT16,
  INT32,
  UINT32,
  INT64,
  UINT64,
  FLOAT32,
  FLOAT64,
  FLOAT64_INT,
  FLOAT32_INT,
  INT32_INT,
];

/** The predefined type with this wire code; ERR_TYPE for a code no predefined type has. */
export function basicByCode(code: number, op = "basicByCode"): Datatype {
  const type = Number.isInteger(code) ? BY_CODE[code] : undefined;
  if (!type) {
    throw mpiError("ERR_TYPE", op, "unknown datatype code", {
      measured: code,
      expected: `0..${BY_CODE.length - 1}`,
      hint: "Both ends must run the same tsmpi version",
    });
  }
  return type;
}

/**
 * The basic type a TypedArray holds: Float64Array → FLOAT64, Int32Array → INT32, BigInt64Array → INT64,
 * Uint8Array/Buffer/Uint8ClampedArray → UINT8, Int8Array → INT8, a DataView → BYTE; ERR_TYPE otherwise.
 */
export function datatypeOfArray(array: BufferView, op = "datatypeOfArray"): Datatype {
  const code = codeOfArray(array);
  if (code === undefined) {
    throw mpiError("ERR_TYPE", op, "not a TypedArray or DataView", {
      measured: array === null ? "null" : typeof array,
      expected: "a TypedArray (Float64Array, Int32Array, Buffer, …) or a DataView",
    });
  }
  return BY_CODE[code];
}
