// Segmented (pipelined) bcast and reduce for large buffers: the data is cut into segments of at most
// SEGMENT_BYTES that travel along a chain of ranks, each rank passing segment k on while segment k+1 is
// still arriving, so every link is busy at once and the time approaches one message time plus one segment
// per hop, instead of one whole message per tree level. Segments fit the eager limit: no rendezvous round
// trip per segment. Buffer mode only (every rank knows the size); the selection table picks these.
import { ErrorCode, mpiError } from "../errors.ts";
import { recycleReceived } from "../wire/pool.ts";
import type { CollCall } from "./call.ts";
import type { BytesFold } from "./folds.ts";
import { relativeRank, absoluteRank } from "./trees.ts";

/** Largest segment (64 KiB: the default eager limit, and the size of one socket read). */
export const SEGMENT_BYTES = 64 * 1024;

/** Byte ranges of the segments of an `n`-byte message, cut at multiples of `unit` bytes. */
export function segmentsOf(n: number, unit = 1): [number, number][] {
  const step = Math.max(unit, Math.floor(SEGMENT_BYTES / unit) * unit);
  const out: [number, number][] = [];
  for (let lo = 0; lo < n; lo += step) out.push([lo, Math.min(n, lo + step)]);
  return out.length ? out : [[0, 0]];
}

/**
 * Chain bcast: relative rank r receives each segment from r - 1 into `target` and passes it to r + 1.
 * `target` has the message's size on every rank and holds the data at the root; enc/sig travel with the
 * segments for the receivers' type check (returned as the root sent them).
 */
export async function bcastPipeline(
  c: CollCall,
  target: Uint8Array,
  root: number,
  enc = 0,
  sig = 0,
): Promise<{ enc: number; sig: number }> {
  const p = c.size;
  const rel = relativeRank(c.rank, root, p);
  const prev = rel > 0 ? absoluteRank(rel - 1, root, p) : -1;
  const next = rel < p - 1 ? absoluteRank(rel + 1, root, p) : -1;
  const sends: Promise<void>[] = [];
  for (const [lo, hi] of segmentsOf(target.byteLength)) {
    if (prev >= 0) {
      const m = await c.recv(prev);
      checkSegment(c, m.payload.byteLength, hi - lo, target.byteLength);
      target.set(m.payload, lo);
      recycleReceived(m.payload); // copied out: a pooled buffer may be lent again
      enc = m.enc;
      sig = m.sig;
    }
    if (next >= 0) sends.push(c.send({ enc, sig, bytes: target.subarray(lo, hi) }, next));
  }
  await Promise.all(sends);
  return { enc, sig };
}

/**
 * Chain reduce: the chain runs from the last rank to the chain's head; each rank folds its own segment
 * (earlier) with the partial result of the ranks after it (later) and passes it on, so the head gets
 * x0 op (x1 op (… op xN-1)), the left fold by associativity. A commutative op's chain is rotated to end at
 * the root; a non-commutative one's runs over ranks in order to rank 0, which hands the result to the root.
 * `mine` is this rank's packed data (never written). Returns the result at the root, undefined elsewhere.
 */
export async function reducePipeline(
  c: CollCall,
  f: BytesFold,
  mine: Uint8Array,
  root: number,
): Promise<Uint8Array | undefined> {
  const p = c.size;
  const head = f.op.isCommutative ? root : 0;
  const pos = relativeRank(c.rank, head, p);
  const toward = pos > 0 ? absoluteRank(pos - 1, head, p) : -1;
  const from = pos < p - 1 ? absoluteRank(pos + 1, head, p) : -1;
  const result = pos === 0 ? new Uint8Array(mine.byteLength) : null;
  const sends: Promise<void>[] = [];
  for (const [lo, hi] of segmentsOf(mine.byteLength, f.elementBytes)) {
    const own = f.borrow(mine.subarray(lo, hi));
    let partial = own;
    let received: Uint8Array | null = null;
    if (from >= 0) {
      const m = await c.recv(from);
      checkSegment(c, m.payload.byteLength, hi - lo, mine.byteLength);
      received = m.payload;
      partial = f.fold(own, received);
    }
    if (toward >= 0) sends.push(c.send(f.payload(partial), toward));
    else {
      result!.set(partial, lo);
      if (received) recycleReceived(received); // folded in place and copied out
    }
  }
  await Promise.all(sends);
  if (head === root) return result ?? undefined;
  if (c.rank === head) await c.send(f.payload(result!), root);
  return c.rank === root ? f.read(await c.recv(head)) : undefined;
}

/** A segment of the wrong size: the ranks passed different counts or types. */
function checkSegment(c: CollCall, got: number, expected: number, total: number): void {
  if (got === expected) return;
  throw mpiError(
    got > expected ? ErrorCode.ERR_TRUNCATE : ErrorCode.ERR_COUNT,
    c.op,
    "the ranks' buffers differ in size",
    {
      measured: `a segment of ${got} bytes`,
      expected: `${expected} bytes (segment of a ${total}-byte message)`,
      hint: "Every rank must pass the same count and type signature",
    },
  );
}
