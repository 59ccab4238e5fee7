// MPI_Reduce_scatter and MPI_Reduce_scatter_block (MPI-4 §6.10): the reduction of every rank's vector,
// cut into blocks, block r left at rank r. Algorithms: pairwise (every rank sends block j to rank j, and
// folds the blocks it receives in rank order: exact for non-commutative ops) and reduce-then-scatter
// (binomial reduce of the whole vector to rank 0, then a linear scatter of the blocks). Value mode (one
// item per rank: rank r gets the reduction of everyone's item r) and buffer mode.
import { ErrorCode, mpiError } from "../errors.ts";
import { BufSpec, packBuf, unpackBuf, type Op } from "../datatype/index.ts";
import { toPayload } from "../comm/payload.ts";
import { matchedOf, type CollCall, type Payload } from "./call.ts";
import { checkOp, checkOpFitsValue, checkSpec, isInPlace, reductionTypeOf, type SendSpec } from "./checks.ts";
import { BytesFold, ItemsFold, ValueFold, type Fold } from "./folds.ts";
import { reduceBinomial } from "./reduce.ts";
import { scatterLinear } from "./scatter.ts";
import { splitByCounts, specAt } from "./layout.ts";
import { chooseReduceScatter } from "./select.ts";

/** blocks[j] is this rank's contribution to block j; returns block `rank` of the reduction. */
export async function reduceScatterPairwise<T>(c: CollCall, f: Fold<T>, blocks: T[]): Promise<T> {
  const p = c.size;
  const receives: Promise<T>[] = Array.from({ length: p }, (_, r) =>
    r === c.rank ? Promise.resolve(blocks[r]) : c.recv(r).then((m) => f.read(m)),
  );
  const sends: Promise<void>[] = [];
  for (let s = 1; s < p; s++) sends.push(c.send(f.payload(blocks[(c.rank + s) % p]), (c.rank + s) % p));
  const [got] = (await Promise.all([Promise.all(receives), Promise.all(sends)])) as [T[], void[]];
  let acc = got[0];
  for (let r = 1; r < p; r++) acc = f.fold(acc, got[r]);
  return acc;
}

/** Reduce the whole vector to rank 0 (binomial, order-correct), then scatter its blocks with `cut`. */
export async function reduceScatterReduceThenScatter<T>(
  c: CollCall,
  f: Fold<T>,
  whole: T,
  cut: (reduced: T) => Payload[],
): Promise<Payload> {
  const reduced = await reduceBinomial(c, f, whole, 0);
  return scatterLinear(c, c.rank === 0 ? cut(reduced!) : null, 0);
}

/** Value mode (comm.reduceScatter): items[j] is this rank's contribution to rank j's result. */
export async function reduceScatterValue(c: CollCall, items: unknown, op: Op): Promise<unknown> {
  checkOp(c, op);
  if (!Array.isArray(items) || items.length !== c.size) {
    throw mpiError(ErrorCode.ERR_COUNT, c.op, "reduceScatter needs one item per rank", {
      measured: Array.isArray(items) ? `${items.length} items` : typeof items,
      expected: `an array of ${c.size} items`,
    });
  }
  checkOpFitsValue(c, op, items[c.rank]);
  if (chooseReduceScatter() === "pairwise") return reduceScatterPairwise(c, new ValueFold(op, c.op), items);
  const items2 = new ItemsFold(op, c.op);
  const mine = await reduceScatterReduceThenScatter(c, items2, items, (all) => all.map((x) => toPayload(x, c.op)));
  return new ValueFold(op, c.op).read(matchedOf(mine));
}

/**
 * Buffer mode: block r of the reduction (recvcounts[r] items) lands in rank r's recv. The send spec holds
 * the whole vector (IN_PLACE: recv holds it, and the result goes to recv's first items).
 */
export async function reduceScatterInto(
  c: CollCall,
  send: SendSpec,
  recv: BufSpec,
  recvcounts: ArrayLike<number>,
  op: Op,
): Promise<void> {
  checkOp(c, op);
  checkSpec(c, recv, "the receive buffer");
  checkSpec(c, send, "the send buffer", true);
  const source = isInPlace(send) ? recv : send;
  const base = reductionTypeOf(c, op, source.type);
  const slots = splitByCounts(c, source, recvcounts, undefined, "send");
  const result = isInPlace(send)
    ? specAt(c, recv.array, recv.type, recvcounts[c.rank], recv.origin, () => "result")
    : recv;
  const first = toPayload(slots[0], c.op);
  const f = new BytesFold(op, base, c.op, first.enc, first.sig);
  let mine: Uint8Array;
  if (chooseReduceScatter() === "pairwise") {
    mine = await reduceScatterPairwise(
      c,
      f,
      slots.map((s) => f.borrow(packBuf(s))),
    );
  } else {
    const whole = f.borrow(packBuf(source));
    const per = slots.map((s) => s.count * s.type.size);
    const got = await reduceScatterReduceThenScatter(
      c,
      f,
      whole.subarray(
        0,
        per.reduce((a, b) => a + b, 0),
      ),
      (reduced) => {
        let at = 0;
        return per.map((n) => f.payload(reduced.subarray(at, (at += n))));
      },
    );
    mine = got.bytes;
  }
  unpackBuf(mine, result, c.op);
}

/** Buffer mode, equal blocks (comm.reduceScatterBlockInto): recv gets recv.count items of the result. */
export function reduceScatterBlockInto(c: CollCall, send: SendSpec, recv: BufSpec, op: Op): Promise<void> {
  const n = isInPlace(send) && !recv.countGiven ? recv.count / c.size : recv.count; // a given count is per rank
  return reduceScatterInto(c, send, recv, new Array(c.size).fill(n), op);
}
