// The datatype layer of tsmpi (MPI-4 chapter 5 "datatypes" and §6.9 reduction ops): pure functions and
// classes, no I/O. The point-to-point engine, the collectives and the one-sided layer use it through
// this file only.
//
// For the engine, a buffer-mode message is: bytes = packBuf(spec) on the sender (a view for a contiguous
// type: copy it if you keep it past the send), with sig = wireSignature(spec.type, spec.count) next to the
// bytes; on the receiver, checkSignatureMatch(sig, recvSpec, op, bytes.length), then
// unpackBuf(bytes, recvSpec, op) (ERR_TRUNCATE when too long); status.count = bytes.length, and
// status.getCount(type) / getElements(type) use getCount / getElements below.
export {
  TypeCode,
  HOST_LITTLE_ENDIAN,
  codeOfArray,
  type BufferView,
  type ElementInfo,
  type ElementKind,
  type TypedArray,
  type TypedArrayConstructor,
} from "./basic.ts";
export { Datatype, type Combiner, type TypeContents, type TypeEnvelope, type TypeMapEntry } from "./datatype.ts";
export { ORDER_C, ORDER_FORTRAN, type ArrayOrder } from "./constructors.ts";
export {
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
  basicByCode,
  datatypeOfArray,
} from "./predefined.ts";
export type { ByteRun, SigRun } from "./typemap.ts";
export { BufSpec, buf, specCapacityBytes, checkTypeFitsArray } from "./bufspec.ts";
export { packBuf, unpackBuf, pack, unpack, packSize } from "./pack.ts";
export {
  signatureOf,
  homogeneousBase,
  signatureHash,
  signaturePrefixHash,
  wireSignature,
  checkSignatureMatch,
  getCount,
  getElements,
} from "./signature.ts";
export {
  Op,
  type UserOpFunction,
  applyOp,
  SUM,
  PROD,
  MAX,
  MIN,
  LAND,
  LOR,
  LXOR,
  BAND,
  BOR,
  BXOR,
  MAXLOC,
  MINLOC,
  REPLACE,
  NO_OP,
} from "./ops.ts";
export { applyOpInto, reduceLocal, reductionBase } from "./ops-buffer.ts";
export { opFitsKind } from "./op-kernels.ts";
