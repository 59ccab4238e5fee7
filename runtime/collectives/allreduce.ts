// MPI_Allreduce (MPI-4 §6.9.6): every rank gets the reduction of every rank's data. Algorithms:
//  - recursive doubling, with MPICH's fix-up for a size that is not a power of two (trees.ts
//    doublingPlan); the lower-ranked side is always the left operand, so non-commutative ops are exact;
//  - reduce + bcast on binomial trees (order-correct too);
//  - ring: reduce-scatter round the ring then allgather round the ring (2(p−1) steps, each link carries
//    about 2× the vector once) — commutative ops on data that cuts into element blocks;
//  - Rabenseifner: reduce-scatter by recursive halving, allgather by recursive doubling (2 log p steps),
//    with the same fix-up — commutative, cuttable data.
// A forced ring or Rabenseifner on a non-commutative op or uncuttable data runs recursive doubling.
import { ErrorCode, mpiError } from "../errors.ts";
import {
  BufSpec,
  MAXLOC,
  MINLOC,
  datatypeOfArray,
  packBuf,
  unpackBuf,
  type BufferView,
  type Op,
} from "../datatype/index.ts";
import { toPayload, type Payload } from "../comm/payload.ts";
import { CollCall, matchedOf } from "./call.ts";
import {
  doublingPlan,
  activeToRank,
  halvingSteps,
  doublingGatherSteps,
  ringNeighbours,
  blockRange,
  blockStart,
} from "./trees.ts";
import { checkOp, checkOpFitsValue, checkSpec, isInPlace, reductionTypeOf, type SendSpec } from "./checks.ts";
import { BytesFold, ValueFold, type Fold } from "./folds.ts";
import { reduceBinomial } from "./reduce.ts";
import { bcastBinomial } from "./bcast.ts";
import { chooseAllreduce } from "./select.ts";
import { allreduceShared, sharedSlabs } from "./shared.ts";

export async function allreduceRecursiveDoubling<T>(c: CollCall, f: Fold<T>, mine: T): Promise<T> {
  const plan = doublingPlan(c.rank, c.size);
  if (plan.foldInto >= 0) {
    await c.send(f.payload(mine), plan.foldInto);
    return f.read(await c.recv(plan.foldInto));
  }
  let acc = mine;
  if (plan.foldFrom >= 0) acc = f.fold(f.read(await c.recv(plan.foldFrom)), acc);
  for (const step of plan.steps) {
    const theirs = f.read(await c.sendrecv(f.payload(acc), step.partner, step.partner));
    acc = step.earlier ? f.fold(theirs, acc) : f.fold(acc, theirs);
  }
  if (plan.foldFrom >= 0) await c.send(f.payload(acc), plan.foldFrom);
  return acc;
}

export async function allreduceReduceBcast<T>(c: CollCall, f: Fold<T>, mine: T): Promise<T> {
  const reduced = await reduceBinomial(c, f, mine, 0);
  const got = await bcastBinomial(c, c.rank === 0 ? f.payload(reduced!) : null, 0);
  return c.rank === 0 ? reduced! : f.read(matchedOf(got));
}

/** Ring reduce-scatter + ring allgather on `acc` (owned, every rank's full vector), in place. */
export async function allreduceRing(c: CollCall, f: BytesFold, acc: Uint8Array): Promise<Uint8Array> {
  const p = c.size;
  const e = f.elementBytes;
  const n = acc.byteLength / e;
  const { right, left } = ringNeighbours(c.rank, p);
  const block = (i: number) => {
    const [a, b] = blockRange(((i % p) + p) % p, n, p);
    return acc.subarray(a * e, b * e);
  };
  for (let s = 0; s < p - 1; s++) {
    const m = await c.sendrecv(f.payload(block(c.rank - s)), right, left);
    f.foldInPlace(m.payload, block(c.rank - s - 1));
  }
  for (let s = 0; s < p - 1; s++) {
    const m = await c.sendrecv(f.payload(block(c.rank + 1 - s)), right, left);
    block(c.rank - s).set(m.payload);
  }
  return acc;
}

/** Rabenseifner: recursive halving then recursive doubling on `acc` (owned), in place. */
export async function allreduceRabenseifner(c: CollCall, f: BytesFold, acc: Uint8Array): Promise<Uint8Array> {
  const plan = doublingPlan(c.rank, c.size);
  if (plan.foldInto >= 0) {
    await c.send(f.payload(acc), plan.foldInto);
    acc.set((await c.recv(plan.foldInto)).payload);
    return acc;
  }
  if (plan.foldFrom >= 0) f.foldInPlace((await c.recv(plan.foldFrom)).payload, acc);
  const e = f.elementBytes;
  const n = acc.byteLength / e;
  const bytes = ([lo, hi]: [number, number]) =>
    acc.subarray(blockStart(lo, n, plan.pof2) * e, blockStart(hi, n, plan.pof2) * e);
  for (const step of halvingSteps(plan.newRank, plan.pof2)) {
    const partner = activeToRank(step.partner, plan.rem);
    const m = await c.sendrecv(f.payload(bytes(step.send)), partner, partner);
    f.foldInPlace(m.payload, bytes(step.keep));
  }
  for (const step of doublingGatherSteps(plan.newRank, plan.pof2)) {
    const partner = activeToRank(step.partner, plan.rem);
    const m = await c.sendrecv(f.payload(bytes(step.have)), partner, partner);
    bytes(step.get).set(m.payload);
  }
  if (plan.foldFrom >= 0) await c.send(f.payload(acc), plan.foldFrom);
  return acc;
}

function sameMemory(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset && a.byteLength === b.byteLength;
}

/**
 * The allreduce of packed bytes: `input` is this rank's data (the user's memory: never written), `dest`
 * a writable full-size destination or null. Returns the result (in dest when given).
 */
async function allreduceBytes(
  c: CollCall,
  f: BytesFold,
  input: Uint8Array,
  dest: Uint8Array | null,
): Promise<Uint8Array> {
  const elements = input.byteLength / f.elementBytes;
  const algo = chooseAllreduce(c.size, input.byteLength, f.op.isCommutative, true, elements, sharedSlabs(c) !== null);
  if (algo === "shared") {
    const out = dest ?? new Uint8Array(input.byteLength);
    await allreduceShared(c, f, input, out);
    return out;
  }
  if (f.op.isCommutative && (algo === "ring" || algo === "rabenseifner") && c.size > 1) {
    let acc: Uint8Array;
    if (dest) {
      if (!sameMemory(dest, input)) dest.set(input);
      acc = dest;
    } else acc = input.slice();
    return algo === "ring" ? allreduceRing(c, f, acc) : allreduceRabenseifner(c, f, acc);
  }
  f.borrow(input);
  const result =
    algo === "reduceBcast" ? await allreduceReduceBcast(c, f, input) : await allreduceRecursiveDoubling(c, f, input);
  if (dest && !sameMemory(dest, result)) dest.set(result);
  return dest ?? result;
}

/** Value mode (comm.allreduce). TypedArrays under predefined element-wise ops go through the byte algorithms. */
export async function allreduceValue(c: CollCall, value: unknown, op: Op): Promise<unknown> {
  checkOp(c, op);
  checkOpFitsValue(c, op, value);
  if (ArrayBuffer.isView(value) && !(value instanceof DataView) && op.isPredefined && op !== MAXLOC && op !== MINLOC) {
    const base = reductionTypeOf(c, op, datatypeOfArray(value as BufferView));
    const p: Payload = toPayload(value, c.op);
    const out = Buffer.isBuffer(value)
      ? Buffer.alloc(value.length)
      : new (value.constructor as new (n: number) => ArrayBufferView)(value.byteLength / base.size);
    const dest = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    await allreduceBytes(c, new BytesFold(op, base, c.op, p.enc, p.sig), p.bytes, dest);
    return out;
  }
  const f = new ValueFold(op, c.op);
  if (chooseAllreduce(c.size, 0, op.isCommutative, false, 0) === "reduceBcast")
    return allreduceReduceBcast(c, f, value);
  return allreduceRecursiveDoubling(c, f, value);
}

/** Buffer mode (comm.allreduceInto): recv = reduction of every rank's send (IN_PLACE: of recv). */
export async function allreduceInto(c: CollCall, send: SendSpec, recv: BufSpec, op: Op): Promise<void> {
  checkOp(c, op);
  checkSpec(c, recv, "the receive buffer");
  checkSpec(c, send, "the send buffer", true);
  const source = isInPlace(send) ? recv : send;
  const base = reductionTypeOf(c, op, source.type);
  const room = recv.count * recv.type.size;
  const bytes = source.count * source.type.size;
  if (bytes !== room) {
    throw mpiError(
      bytes > room ? ErrorCode.ERR_TRUNCATE : ErrorCode.ERR_COUNT,
      c.op,
      "the send and receive buffers differ in size",
      {
        measured: `${bytes} bytes to send`,
        expected: `${room} bytes of receive buffer`,
        hint: "Give both buffers the same count of the same type",
      },
    );
  }
  const p = toPayload(source, c.op);
  const dest = recv.type.isContiguous ? packBuf(recv) : null;
  const result = await allreduceBytes(c, new BytesFold(op, base, c.op, p.enc, p.sig), p.bytes, dest);
  if (!dest) unpackBuf(result, recv, c.op);
}
