// MPI_Reduce (MPI-4 §6.9): the root gets the reduction of every rank's data. Algorithms: linear (the
// root receives everything, then folds in rank order) and binomial tree (log p rounds). A commutative op
// runs on the tree rotated to the root; a non-commutative one on the tree rooted at rank 0, where every
// subtree is a contiguous range of ranks folded left to right, and rank 0 then hands the result to the
// root: the result is the left fold over ranks 0..N-1 either way. Value mode and buffer mode.
import { BufSpec, unpackBuf, type Op } from "../datatype/index.ts";
import type { CollCall } from "./call.ts";
import { relativeRank, absoluteRank } from "./trees.ts";
import {
  checkOp,
  checkOpFitsValue,
  checkRoot,
  checkSpec,
  isInPlace,
  reductionTypeOf,
  refuseInPlace,
  type SendSpec,
} from "./checks.ts";
import { BytesFold, ValueFold, type Fold } from "./folds.ts";
import { chooseReduce } from "./select.ts";
import { reducePipeline } from "./pipeline.ts";
import { toPayload } from "../comm/payload.ts";

/** The root receives every rank's data and folds it in rank order. Returns the result at the root. */
export async function reduceLinear<T>(c: CollCall, f: Fold<T>, mine: T, root: number): Promise<T | undefined> {
  if (c.rank !== root) {
    await c.send(f.payload(mine), root);
    return undefined;
  }
  const all: T[] = await Promise.all(
    Array.from({ length: c.size }, (_, r): Promise<T> =>
      r === root ? Promise.resolve(mine) : c.recv(r).then((m) => f.read(m)),
    ),
  );
  let acc = all[0];
  for (let r = 1; r < c.size; r++) acc = f.fold(acc, all[r]);
  return acc;
}

/** Binomial tree (see the header for the order rules). Returns the result at the root. */
export async function reduceBinomial<T>(c: CollCall, f: Fold<T>, mine: T, root: number): Promise<T | undefined> {
  const p = c.size;
  const treeRoot = f.op.isCommutative ? root : 0;
  const rel = relativeRank(c.rank, treeRoot, p);
  let acc = mine;
  for (let mask = 1; mask < p; mask <<= 1) {
    if (rel & mask) {
      await c.send(f.payload(acc), absoluteRank(rel - mask, treeRoot, p));
      break;
    }
    if (rel + mask < p) acc = f.fold(acc, f.read(await c.recv(absoluteRank(rel + mask, treeRoot, p))));
  }
  if (treeRoot === root) return c.rank === root ? acc : undefined;
  if (c.rank === treeRoot) await c.send(f.payload(acc), root);
  return c.rank === root ? f.read(await c.recv(treeRoot)) : undefined;
}

function runReduce<T>(c: CollCall, f: Fold<T>, mine: T, root: number): Promise<T | undefined> {
  return chooseReduce(c.size) === "linear" ? reduceLinear(c, f, mine, root) : reduceBinomial(c, f, mine, root);
}

/** Value mode (comm.reduce): the result at the root, undefined elsewhere. */
export async function reduceValue(c: CollCall, value: unknown, op: Op, root: number): Promise<unknown> {
  checkRoot(c, root);
  checkOp(c, op);
  checkOpFitsValue(c, op, value);
  return runReduce(c, new ValueFold(op, c.op), value, root);
}

/** Buffer mode (comm.reduceInto): recv (root only) = reduction of every rank's send; IN_PLACE at the root. */
export async function reduceInto(
  c: CollCall,
  send: SendSpec,
  recv: BufSpec | undefined,
  op: Op,
  root: number,
): Promise<void> {
  checkRoot(c, root);
  checkOp(c, op);
  const isRoot = c.rank === root;
  if (isRoot) checkSpec(c, recv, "the receive buffer");
  else refuseInPlace(c, send, "only the root may pass IN_PLACE");
  checkSpec(c, send, "the send buffer", isRoot);
  const source = isInPlace(send) ? recv! : send;
  const base = reductionTypeOf(c, op, source.type);
  const p = toPayload(source, c.op);
  const f = new BytesFold(op, base, c.op, p.enc, p.sig);
  const mine = f.borrow(p.bytes);
  const pipelined = chooseReduce(c.size, p.bytes.byteLength) === "pipeline";
  const result = pipelined ? await reducePipeline(c, f, mine, root) : await runReduce(c, f, mine, root);
  if (isRoot) unpackBuf(result!, recv!, c.op);
}
