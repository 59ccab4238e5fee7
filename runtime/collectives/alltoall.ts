// MPI_Alltoall / Alltoallv / Alltoallw (MPI-4 §6.8): rank i's block j goes to rank j's slot i.
// Algorithms: linear (all sends and receives posted at once: few, small blocks) and pairwise exchange (in
// step s, send to rank + s and receive from rank − s: one partner at a time, for large blocks). Both send
// exactly one message per ordered pair, so ranks may even choose differently. Value mode (an array of
// one item per rank) and buffer mode: equal blocks, counts/displacements in items (alltoallvInto), or
// per-rank types with byte displacements (alltoallw), IN_PLACE (send data taken from recv).
import { ErrorCode, mpiError } from "../errors.ts";
import { BufSpec, type BufferView, type Datatype } from "../datatype/index.ts";
import { payloadOf, type CollCall, type Payload } from "./call.ts";
import { checkSpec, isInPlace, type SendSpec } from "./checks.ts";
import {
  blockPayload,
  decodeBlock,
  landBlock,
  packedCopy,
  specAt,
  splitByCounts,
  splitEvenly,
  valueBlock,
} from "./layout.ts";
import { chooseAlltoall } from "./select.ts";

/** All exchanges at once. blocks[j] goes to rank j; returns the blocks received, by rank. */
export async function alltoallLinear(c: CollCall, blocks: Payload[]): Promise<Payload[]> {
  const p = c.size;
  const receives = Array.from({ length: p }, (_, r) =>
    r === c.rank ? Promise.resolve(blocks[r]) : c.recv(r).then(payloadOf),
  );
  const sends: Promise<void>[] = [];
  for (let s = 1; s < p; s++) sends.push(c.send(blocks[(c.rank + s) % p], (c.rank + s) % p));
  const [out] = await Promise.all([Promise.all(receives), Promise.all(sends)]);
  return out;
}

/** Pairwise exchange: step s sends to rank + s and receives from rank − s. */
export async function alltoallPairwise(c: CollCall, blocks: Payload[]): Promise<Payload[]> {
  const p = c.size;
  const out: Payload[] = new Array(p);
  out[c.rank] = blocks[c.rank];
  for (let s = 1; s < p; s++) {
    const dest = (c.rank + s) % p;
    const source = (c.rank - s + p) % p;
    out[source] = payloadOf(await c.sendrecv(blocks[dest], dest, source));
  }
  return out;
}

function runAlltoall(c: CollCall, blocks: Payload[]): Promise<Payload[]> {
  let most = 0;
  for (const b of blocks) most = Math.max(most, b.bytes.byteLength);
  return chooseAlltoall(c.size, most) === "pairwise" ? alltoallPairwise(c, blocks) : alltoallLinear(c, blocks);
}

/** Value mode (comm.alltoall): items[j] goes to rank j; returns what each rank sent here, by rank. */
export async function alltoallValue(c: CollCall, items: unknown): Promise<unknown[]> {
  if (!Array.isArray(items) || items.length !== c.size) {
    throw mpiError(ErrorCode.ERR_COUNT, c.op, "alltoall needs one item per rank", {
      measured: Array.isArray(items) ? `${items.length} items` : typeof items,
      expected: `an array of ${c.size} items`,
    });
  }
  const got = await runAlltoall(
    c,
    items.map((x) => valueBlock(c, x)),
  );
  return got.map((b, r) => (r === c.rank ? items[r] : decodeBlock(b)));
}

async function exchangeSpecs(c: CollCall, sendSlots: BufSpec[], recvSlots: BufSpec[], inPlace: boolean): Promise<void> {
  const blocks = sendSlots.map((s) =>
    inPlace ? { ...blockPayload(s, c.op), bytes: packedCopy(s) } : blockPayload(s, c.op),
  );
  const got = await runAlltoall(c, blocks);
  got.forEach((b, r) => landBlock(c, b, recvSlots[r], r));
}

/** Buffer mode (comm.alltoallInto): send and recv hold size equal blocks; IN_PLACE: the data is in recv. */
export async function alltoallInto(c: CollCall, send: SendSpec, recv: BufSpec): Promise<void> {
  checkSpec(c, send, "the send buffer", true);
  checkSpec(c, recv, "the receive buffer");
  const recvSlots = splitEvenly(c, recv, c.size, "receive");
  const sendSlots = isInPlace(send) ? recvSlots : splitEvenly(c, send, c.size, "send");
  await exchangeSpecs(c, sendSlots, recvSlots, isInPlace(send));
}

/** Buffer mode (comm.alltoallvInto): counts and displacements per rank, in items of each spec's type. */
export async function alltoallvInto(
  c: CollCall,
  send: SendSpec,
  sendcounts: ArrayLike<number> | undefined,
  sdispls: ArrayLike<number> | undefined,
  recv: BufSpec,
  recvcounts: ArrayLike<number>,
  rdispls?: ArrayLike<number>,
): Promise<void> {
  checkSpec(c, send, "the send buffer", true);
  checkSpec(c, recv, "the receive buffer");
  const recvSlots = splitByCounts(c, recv, recvcounts, rdispls, "receive");
  const sendSlots = isInPlace(send) ? recvSlots : splitByCounts(c, send, sendcounts!, sdispls, "send");
  await exchangeSpecs(c, sendSlots, recvSlots, isInPlace(send));
}

/** MPI_Alltoallw: per-rank counts, byte displacements and datatypes on both sides. */
export async function alltoallw(
  c: CollCall,
  sendbuf: BufferView,
  sendcounts: ArrayLike<number>,
  sdispls: ArrayLike<number>,
  sendtypes: ArrayLike<Datatype>,
  recvbuf: BufferView,
  recvcounts: ArrayLike<number>,
  rdispls: ArrayLike<number>,
  recvtypes: ArrayLike<Datatype>,
): Promise<void> {
  const lists = [sendcounts, sdispls, sendtypes, recvcounts, rdispls, recvtypes];
  if (lists.some((l) => !l || l.length !== c.size)) {
    throw mpiError(ErrorCode.ERR_COUNT, c.op, "alltoallw needs counts, byte displacements and types for every rank", {
      measured: lists.map((l) => l?.length).join("/"),
      expected: c.size,
    });
  }
  const side = (
    array: BufferView,
    counts: ArrayLike<number>,
    displs: ArrayLike<number>,
    types: ArrayLike<Datatype>,
    what: string,
  ) =>
    Array.from({ length: c.size }, (_, r) =>
      specAt(c, array, types[r], counts[r], displs[r], () => `${what} block of rank ${r}`),
    );
  await exchangeSpecs(
    c,
    side(sendbuf, sendcounts, sdispls, sendtypes, "send"),
    side(recvbuf, recvcounts, rdispls, recvtypes, "receive"),
    false,
  );
}
