// MPI_Allgather / MPI_Allgatherv (MPI-4 §6.7): every rank gets every rank's block, in rank order.
// Algorithms: ring (p−1 steps, each passes one block on: for large blocks) and recursive doubling (log p
// steps exchanging all blocks held so far, with the non-power-of-two fix-up of trees.ts doublingPlan: for
// small blocks). Value mode (an array of every rank's value) and buffer mode with equal blocks
// (allgatherInto) or counts/displacements (allgathervInto), IN_PLACE (the block is already in recv).
import type { BufSpec } from "../datatype/index.ts";
import { payloadOf, type CollCall, type Payload } from "./call.ts";
import { doublingPlan, ringNeighbours } from "./trees.ts";
import { packBlocks, unpackBlocks, type IndexedBlock } from "./blocks.ts";
import { checkSpec, isInPlace, type SendSpec } from "./checks.ts";
import { blockPayload, decodeBlock, landBlock, splitByCounts, splitEvenly, valueBlock } from "./layout.ts";
import { chooseAllgather } from "./select.ts";
import { allgatherShared, sharedSlabs, slabCapacity } from "./shared.ts";

/** Ring: in step s each rank passes block (rank − s) to its right. Returns the blocks by rank. */
export async function allgatherRing(c: CollCall, mine: Payload): Promise<Payload[]> {
  const p = c.size;
  const out: Payload[] = new Array(p);
  out[c.rank] = mine;
  const { right, left } = ringNeighbours(c.rank, p);
  for (let s = 0; s < p - 1; s++) {
    const m = await c.sendrecv(out[(c.rank - s + p) % p], right, left);
    out[(c.rank - s - 1 + p) % p] = payloadOf(m);
  }
  return out;
}

/** Recursive doubling with the fix-up for sizes that are not powers of two. Returns the blocks by rank. */
export async function allgatherRecursiveDoubling(c: CollCall, mine: Payload): Promise<Payload[]> {
  const plan = doublingPlan(c.rank, c.size);
  const held = new Map<number, Payload>([[c.rank, mine]]);
  const take = (bytes: Uint8Array) => {
    for (const [r, b] of unpackBlocks(bytes)) held.set(r, b);
  };
  const all = (): IndexedBlock[] => [...held];
  if (plan.foldInto >= 0) {
    await c.send(mine, plan.foldInto);
    take((await c.recv(plan.foldInto)).payload);
  } else {
    if (plan.foldFrom >= 0) held.set(plan.foldFrom, payloadOf(await c.recv(plan.foldFrom)));
    for (const step of plan.steps) take((await c.sendrecv(packBlocks(all()), step.partner, step.partner)).payload);
    if (plan.foldFrom >= 0) await c.send(packBlocks(all()), plan.foldFrom);
  }
  return Array.from({ length: c.size }, (_, r) => held.get(r)!);
}

function runAllgather(c: CollCall, mine: Payload, blockBytes: number | null): Promise<Payload[]> {
  return chooseAllgather(c.size, blockBytes) === "recursiveDoubling"
    ? allgatherRecursiveDoubling(c, mine)
    : allgatherRing(c, mine);
}

/** Value mode (comm.allgather): every rank's value, by rank. */
export async function allgatherValue(c: CollCall, value: unknown): Promise<unknown[]> {
  const blocks = await runAllgather(c, valueBlock(c, value), null);
  return blocks.map((b, r) => (r === c.rank ? value : decodeBlock(b)));
}

async function allgatherSpecs(c: CollCall, send: SendSpec, slots: BufSpec[], blockBytes: number | null): Promise<void> {
  const inPlace = isInPlace(send);
  const mine = blockPayload(inPlace ? slots[c.rank] : send, c.op);
  const land = (blocks: Payload[]) =>
    blocks.forEach((b, r) => {
      if (!(inPlace && r === c.rank)) landBlock(c, b, slots[r], r);
    });
  const shared = sharedSlabs(c) ? slabCapacity(c) : 0;
  if (chooseAllgather(c.size, blockBytes, shared) === "shared") return allgatherShared(c, mine, land);
  land(await runAllgather(c, mine, blockBytes));
}

/** Buffer mode (comm.allgatherInto): recv holds size equal blocks; IN_PLACE: this rank's block is in recv. */
export async function allgatherInto(c: CollCall, send: SendSpec, recv: BufSpec): Promise<void> {
  checkSpec(c, send, "the send buffer", true);
  checkSpec(c, recv, "the receive buffer");
  const slots = splitEvenly(c, recv, c.size, "receive");
  await allgatherSpecs(c, send, slots, slots[0].count * slots[0].type.size);
}

/** Buffer mode (comm.allgathervInto): rank r's block lands at displs[r] items of recv, counts[r] long. */
export async function allgathervInto(
  c: CollCall,
  send: SendSpec,
  recv: BufSpec,
  counts: ArrayLike<number>,
  displs?: ArrayLike<number>,
): Promise<void> {
  checkSpec(c, send, "the send buffer", true);
  checkSpec(c, recv, "the receive buffer");
  await allgatherSpecs(c, send, splitByCounts(c, recv, counts, displs, "receive"), null);
}
