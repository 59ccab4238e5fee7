// Argument checks shared by the collectives, done on every rank before any message moves, so a bad call
// fails the same way everywhere instead of hanging: root out of range → ERR_ROOT, an op that does not fit
// the data → ERR_OP, a buffer argument that is not an mpi.buf spec → ERR_ARG. Also mpi.IN_PLACE (MPI-4
// §6.2.1): passed instead of the send buffer where MPI allows it, the data is taken from the receive buffer.
import { ErrorCode, mpiError } from "../errors.ts";
import { BufSpec, Op, applyOp, applyOpInto, type Datatype } from "../datatype/index.ts";
import type { CollCall } from "./call.ts";

/** mpi.IN_PLACE: the send buffer argument that says "the data is already in the receive buffer". */
export const IN_PLACE: unique symbol = Symbol.for("tsmpi.IN_PLACE");
export type InPlace = typeof IN_PLACE;
export type SendSpec = BufSpec | InPlace;

export function isInPlace(x: unknown): x is InPlace {
  return x === IN_PLACE;
}

export function checkRoot(c: CollCall, root: number): void {
  if (Number.isInteger(root) && root >= 0 && root < c.size) return;
  throw mpiError(ErrorCode.ERR_ROOT, c.op, "root out of range", {
    measured: root,
    expected: `0..${c.size - 1}`,
    hint: `${c.comm.name} has ${c.size} rank${c.size > 1 ? "s" : ""}; every rank must pass the same valid root`,
  });
}

/** Throws ERR_ARG unless `spec` is an mpi.buf spec (or IN_PLACE when allowed). */
export function checkSpec(c: CollCall, spec: unknown, what: string, inPlaceAllowed = false): void {
  if (spec instanceof BufSpec || (inPlaceAllowed && isInPlace(spec))) return;
  throw mpiError(ErrorCode.ERR_ARG, c.op, `${what} is not a buffer spec`, {
    measured: spec === null ? "null" : typeof spec,
    expected: inPlaceAllowed ? "mpi.buf(array, …) or mpi.IN_PLACE" : "mpi.buf(array, …)",
    hint: "Buffer-mode collectives (…Into) take mpi.buf(typedArray) specs; value-mode ones (bcast, reduce, …) take values",
  });
}

/** Throws ERR_ARG for an IN_PLACE where MPI does not allow it (e.g. on a non-root rank). */
export function refuseInPlace(c: CollCall, spec: unknown, why: string): void {
  if (isInPlace(spec)) throw mpiError(ErrorCode.ERR_ARG, c.op, `mpi.IN_PLACE is not allowed here: ${why}`);
}

/** The op, checked (ERR_OP for something that is not an Op or was freed). */
export function checkOp(c: CollCall, op: unknown): Op {
  return Op.check(op, c.op);
}

/** ERR_OP now, on every rank, if a predefined op cannot apply to value-mode data like `value`. */
export function checkOpFitsValue(c: CollCall, op: Op, value: unknown): void {
  if (!op.isPredefined) return;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const sample = (value as unknown as { subarray(a: number, b: number): unknown }).subarray(
      0,
      Math.min(2, (value as unknown as ArrayLike<number>).length),
    );
    applyOp(op, sample, sample, c.op);
  } else if (!Array.isArray(value) || value.length <= 64) {
    applyOp(op, value, value, c.op);
  }
}

/** The reduction base of a buffer-mode type; ERR_TYPE if it mixes types, ERR_OP if the op does not fit it. */
export function reductionTypeOf(c: CollCall, op: Op, type: Datatype): Datatype {
  const base = type.reductionBase;
  if (!base) {
    throw mpiError(
      ErrorCode.ERR_TYPE,
      c.op,
      `reductions need a type made of one basic or pair type, not ${type.name}`,
      {
        hint: "Use a datatype built from a single basic type (or FLOAT64_INT / FLOAT32_INT / INT32_INT for MAXLOC and MINLOC)",
      },
    );
  }
  applyOpInto(op, new Uint8Array(0), new Uint8Array(0), base, c.op);
  return base;
}
