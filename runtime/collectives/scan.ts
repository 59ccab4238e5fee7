// MPI_Scan and MPI_Exscan (MPI-4 §6.11): rank r gets the reduction of ranks 0..r (scan) or 0..r−1
// (exscan; nothing at rank 0). Algorithms: linear (a chain: each rank folds its predecessor's prefix
// with its own data and passes it on) and recursive doubling (MPICH's: a partial result of an aligned
// block of ranks is exchanged with rank ^ mask; data of lower ranks is always the left operand, so
// non-commutative ops are exact). Value mode and buffer mode (IN_PLACE: the data is in recv).
import { BufSpec, unpackBuf, type Op } from "../datatype/index.ts";
import { toPayload } from "../comm/payload.ts";
import type { CollCall } from "./call.ts";
import { checkOp, checkOpFitsValue, checkSpec, isInPlace, reductionTypeOf, type SendSpec } from "./checks.ts";
import { BytesFold, ValueFold, type Fold } from "./folds.ts";
import { chooseExscan, chooseScan } from "./select.ts";

/** Chain from rank 0 upwards. Returns the inclusive (or exclusive) prefix; undefined for exscan at rank 0. */
export async function scanLinear<T>(c: CollCall, f: Fold<T>, mine: T, exclusive: boolean): Promise<T | undefined> {
  const before = c.rank > 0 ? f.read(await c.recv(c.rank - 1)) : undefined;
  const through = before === undefined ? mine : f.fold(before, mine);
  if (c.rank < c.size - 1) await c.send(f.payload(through), c.rank + 1);
  return exclusive ? before : through;
}

/** Recursive doubling (see the header). */
export async function scanRecursiveDoubling<T>(
  c: CollCall,
  f: Fold<T>,
  mine: T,
  exclusive: boolean,
): Promise<T | undefined> {
  let partial = mine;
  let result: T | undefined = exclusive ? undefined : mine;
  for (let mask = 1; mask < c.size; mask <<= 1) {
    const partner = c.rank ^ mask;
    if (partner >= c.size) continue;
    const theirs = f.read(await c.sendrecv(f.payload(partial), partner, partner));
    if (partner < c.rank) {
      partial = f.fold(theirs, partial);
      result = result === undefined ? theirs : f.fold(theirs, result);
    } else {
      partial = f.fold(partial, theirs);
    }
  }
  return result;
}

function runScan<T>(c: CollCall, f: Fold<T>, mine: T, exclusive: boolean): Promise<T | undefined> {
  const algo = exclusive ? chooseExscan(c.size) : chooseScan(c.size);
  return algo === "linear" ? scanLinear(c, f, mine, exclusive) : scanRecursiveDoubling(c, f, mine, exclusive);
}

/** Value mode (comm.scan / comm.exscan). */
export async function scanValue(c: CollCall, value: unknown, op: Op, exclusive: boolean): Promise<unknown> {
  checkOp(c, op);
  checkOpFitsValue(c, op, value);
  return runScan(c, new ValueFold(op, c.op), value, exclusive);
}

/** Buffer mode (comm.scanInto / comm.exscanInto); exscan leaves rank 0's recv untouched. */
export async function scanInto(c: CollCall, send: SendSpec, recv: BufSpec, op: Op, exclusive: boolean): Promise<void> {
  checkOp(c, op);
  checkSpec(c, recv, "the receive buffer");
  checkSpec(c, send, "the send buffer", true);
  const source = isInPlace(send) ? recv : send;
  const base = reductionTypeOf(c, op, source.type);
  const p = toPayload(source, c.op);
  const f = new BytesFold(op, base, c.op, p.enc, p.sig);
  const result = await runScan(c, f, f.borrow(p.bytes), exclusive);
  if (result !== undefined) unpackBuf(result, recv, c.op);
}
