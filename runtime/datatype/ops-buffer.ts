// Buffer-mode reductions on packed bytes (MPI-4 §6.9, §6.9.7 MPI_Reduce_local): applyOpInto combines two
// packed byte ranges of one basic or pair type, inout = in op inout (in = the earlier ranks, as in ops.ts),
// and reduceLocal does it for two mpi.buf specs. The collectives pack both sides with packBuf, call
// applyOpInto(op, in, inout, reductionBase(type)) and unpack the result with unpackBuf.
// Pair types are packed value then INT32 index (FLOAT64_INT: 12 bytes, FLOAT32_INT and INT32_INT: 8).
// A user op (Op.create) gets two TypedArrays of the basic type (arrays of [value, index] for pair
// types) and returns the result; if it returns undefined it is taken to have written into its second
// argument, as an MPI user function writes into inoutvec.
import { mpiError } from "../errors.ts";
import {
  HOST_LITTLE_ENDIAN,
  TypeCode,
  type ElementInfo,
  type TypedArray,
  type TypedArrayConstructor,
} from "./basic.ts";
import { BufSpec, specCapacityBytes } from "./bufspec.ts";
import { Datatype } from "./datatype.ts";
import { kernelFor, locPicksFirst, opFitsKind } from "./op-kernels.ts";
import { MAXLOC, MINLOC, NO_OP, Op, REPLACE } from "./ops.ts";
import { packBuf, unpackBuf } from "./pack.ts";

/** The basic or pair type a reduction on `type` combines, or null when the type mixes several. */
export function reductionBase(type: Datatype): Datatype | null {
  return type.reductionBase;
}

/** A TypedArray over bytes, copied first if they are not aligned for the element size. */
function typedView(bytes: Uint8Array, ctor: TypedArrayConstructor): { view: TypedArray; copied: boolean } {
  const size = ctor.BYTES_PER_ELEMENT;
  if (bytes.byteOffset % size === 0) {
    return { view: new ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length / size), copied: false };
  }
  const copy = new Uint8Array(bytes.byteLength); // not bytes.slice(): on a Buffer that shares memory
  copy.set(bytes);
  return { view: new ctor(copy.buffer), copied: true };
}

function writeBack(target: Uint8Array, result: { view: TypedArray; copied: boolean }): void {
  if (result.copied) target.set(new Uint8Array(result.view.buffer, result.view.byteOffset, result.view.byteLength));
}

function misfit(op: Op, type: Datatype, opName: string): Error {
  return mpiError("ERR_OP", opName, `${op.name} does not apply to ${type.name}`, {
    hint: "SUM PROD MAX MIN take integer and float types; LAND LOR LXOR integer types; BAND BOR BXOR integer types and BYTE; MAXLOC MINLOC the pair types FLOAT64_INT, FLOAT32_INT, INT32_INT",
  });
}

/** Reads and writes the (value, index) pairs of a packed pair-type buffer. */
class PairView {
  private readonly view: DataView;
  private readonly valueBytes: number;
  constructor(
    bytes: Uint8Array,
    private readonly code: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.valueBytes = code === TypeCode.FLOAT64_INT ? 8 : 4;
  }
  get stride(): number {
    return this.valueBytes + 4;
  }
  value(at: number): number {
    if (this.code === TypeCode.FLOAT64_INT) return this.view.getFloat64(at, HOST_LITTLE_ENDIAN);
    if (this.code === TypeCode.FLOAT32_INT) return this.view.getFloat32(at, HOST_LITTLE_ENDIAN);
    return this.view.getInt32(at, HOST_LITTLE_ENDIAN);
  }
  index(at: number): number {
    return this.view.getInt32(at + this.valueBytes, HOST_LITTLE_ENDIAN);
  }
  set(at: number, value: number, index: number): void {
    if (this.code === TypeCode.FLOAT64_INT) this.view.setFloat64(at, value, HOST_LITTLE_ENDIAN);
    else if (this.code === TypeCode.FLOAT32_INT) this.view.setFloat32(at, value, HOST_LITTLE_ENDIAN);
    else this.view.setInt32(at, value, HOST_LITTLE_ENDIAN);
    this.view.setInt32(at + this.valueBytes, index, HOST_LITTLE_ENDIAN);
  }
}

function applyPairs(op: Op, inBytes: Uint8Array, inoutBytes: Uint8Array, type: Datatype, opName: string): void {
  const a = new PairView(inBytes, type.code);
  const b = new PairView(inoutBytes, type.code);
  const end = inBytes.length;
  if (op.fn) {
    const pairs = (v: PairView) =>
      Array.from({ length: end / v.stride }, (_, k) => [v.value(k * v.stride), v.index(k * v.stride)]);
    const inout = pairs(b);
    const result = (op.fn(pairs(a), inout) ?? inout) as [number, number][];
    if (result.length !== inout.length)
      throw mpiError("ERR_COUNT", opName, `${op.name} returned a different number of pairs`, {
        measured: result.length,
        expected: inout.length,
      });
    result.forEach(([v, i], k) => b.set(k * b.stride, v, i));
    return;
  }
  if (op !== MAXLOC && op !== MINLOC) throw misfit(op, type, opName);
  for (let at = 0; at < end; at += a.stride) {
    const [av, ai, bv, bi] = [a.value(at), a.index(at), b.value(at), b.index(at)];
    if (locPicksFirst(op === MAXLOC, av, ai, bv, bi)) b.set(at, av, ai);
  }
}

function applyUser(
  op: Op,
  inBytes: Uint8Array,
  inoutBytes: Uint8Array,
  ctor: TypedArrayConstructor,
  opName: string,
): void {
  const a = typedView(inBytes, ctor);
  const b = typedView(inoutBytes, ctor);
  const result = op.fn!(a.view, b.view) as ArrayLike<number | bigint> | undefined;
  if (result !== undefined && result !== b.view) {
    if (result.length !== b.view.length) {
      throw mpiError("ERR_COUNT", opName, `${op.name} returned a different number of elements`, {
        measured: result.length,
        expected: b.view.length,
      });
    }
    (b.view as unknown as { set(x: ArrayLike<number | bigint>): void }).set(result);
  }
  writeBack(inoutBytes, b);
}

/**
 * Buffer-mode reduction on packed bytes: inout = in op inout, element by element, for elements of the
 * basic or pair type `type` (reductionBase of the message type). in holds the earlier ranks' data.
 */
export function applyOpInto(
  op: Op,
  inBytes: Uint8Array,
  inoutBytes: Uint8Array,
  type: Datatype,
  opName = "reduce",
): void {
  Op.check(op, opName);
  const e: ElementInfo | null = type.element;
  if (!e || e.bytes === 0) throw mpiError("ERR_TYPE", opName, `reductions need a basic or pair type, not ${type.name}`);
  if (inBytes.length !== inoutBytes.length || inBytes.length % e.bytes !== 0) {
    throw mpiError("ERR_COUNT", opName, "the two operands differ in size", {
      measured: `${inBytes.length} bytes`,
      expected: `${inoutBytes.length} bytes of whole ${type.name} elements`,
      hint: "Every rank must contribute the same count of the same type",
    });
  }
  if (op === REPLACE) return; // REPLACE(in, inout) = inout: the later rank's data stays
  if (op === NO_OP) return inoutBytes.set(inBytes); // NO_OP(in, inout) = in: the earlier rank's data
  if (e.kind === "pair") return applyPairs(op, inBytes, inoutBytes, type, opName);
  const ctor = e.arrayType!;
  if (op.fn) return applyUser(op, inBytes, inoutBytes, ctor, opName);
  const kernel = kernelFor(op.name, ctor);
  if (!kernel || !opFitsKind(op.name, e.kind)) throw misfit(op, type, opName);
  const a = typedView(inBytes, ctor);
  const b = typedView(inoutBytes, ctor);
  kernel(a.view, b.view, b.view, b.view.length);
  writeBack(inoutBytes, b);
}

/** mpi.reduceLocal (MPI_Reduce_local): inout = in op inout over two specs with the same count and type. */
export function reduceLocal(inSpec: BufSpec, inoutSpec: BufSpec, op: Op, opName = "reduceLocal"): void {
  const base = inoutSpec.type.reductionBase;
  if (!base || inSpec.type.reductionBase !== base) {
    throw mpiError("ERR_TYPE", opName, "the operands need one common basic or pair type", {
      measured: `${inSpec.type.name} and ${inoutSpec.type.name}`,
      expected: "types made of one basic type (or one pair type)",
    });
  }
  if (specCapacityBytes(inSpec) !== specCapacityBytes(inoutSpec)) {
    throw mpiError("ERR_COUNT", opName, "the operands differ in size", {
      measured: `${specCapacityBytes(inSpec)} bytes`,
      expected: `${specCapacityBytes(inoutSpec)} bytes`,
    });
  }
  const inoutBytes = packBuf(inoutSpec);
  applyOpInto(op, packBuf(inSpec), inoutBytes, base, opName);
  if (!inoutSpec.type.isContiguous) unpackBuf(inoutBytes, inoutSpec, opName);
}
