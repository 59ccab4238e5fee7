// Collectives through shared memory, for ranks that run as threads of one process (`--transport shm`):
// every rank has a slab of the job's shared segment that only it writes and every rank may read
// (World.sharedSlab). Large data then crosses once: the writer copies it into its slab, each reader copies
// it out, instead of travelling message by message through the rings. Ordering uses the call's own small
// messages (barrier tokens, acknowledgements), whose ring writes and reads are atomic, so a slab's bytes are
// visible to a reader once the token that follows them has arrived.
//  - bcast: the root copies each chunk into its slab and tells every rank; each copies it out and answers.
//  - allreduce (commutative, element-wise): each rank copies its vector in; rank r reduces block r of every
//    slab into its own slab; each rank copies every reduced block out. Every block is reduced by one rank,
//    so every rank gets bit-identical results.
//  - allgather (equal blocks): each rank copies its block in; each copies every block out.
// A slab is held for a whole call (a second blocking collective started meanwhile on this rank waits);
// nonblocking collectives never use slabs (collectives on different communicators may then progress in any
// order, which two ranks each waiting for their own slab could not).
import type { World } from "../comm/world.ts";
import { barrierDissemination } from "./barrier.ts";
import { CollCall, EMPTY, type Payload } from "./call.ts";
import { blockRange } from "./trees.ts";
import type { BytesFold } from "./folds.ts";

/** Slab bytes before the data: the data's length, encoding and signature (u32 each), padded to 16. */
const HEADER = 16;

const slabsOf = new WeakMap<World, (Uint8Array | null)[]>();
const slabQueues = new WeakMap<World, Promise<void>>();

/**
 * Each rank's slab (by communicator rank) when this blocking call may use them, else null: only when every
 * member shares this rank's segment (a job across hosts has one per host), which every member sees alike.
 */
export function sharedSlabs(c: CollCall): Uint8Array[] | null {
  const world = c.comm.world;
  if (!c.blocking || !world.sharedSlab || c.size < 2) return null;
  let all = slabsOf.get(world);
  if (!all) slabsOf.set(world, (all = Array.from({ length: world.size }, (_, r) => world.sharedSlab!(r))));
  const slabs = c.comm.members.map((w) => all![w]);
  return slabs.every((s) => s !== null) ? (slabs as Uint8Array[]) : null;
}

/** The data bytes a slab holds (every slab has the same size). */
export function slabCapacity(c: CollCall): number {
  return (sharedSlabs(c)?.[0].byteLength ?? HEADER) - HEADER;
}

/** Runs `body` holding this rank's slab (one call at a time per rank). */
async function holdingSlab<T>(c: CollCall, body: () => Promise<T>): Promise<T> {
  const world = c.comm.world;
  const before = slabQueues.get(world) ?? Promise.resolve();
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  slabQueues.set(
    world,
    before.then(() => held),
  );
  await before;
  try {
    return await body();
  } finally {
    release();
  }
}

function writeSlab(slab: Uint8Array, p: Payload): void {
  const head = new DataView(slab.buffer, slab.byteOffset, HEADER);
  head.setUint32(0, p.bytes.byteLength, true);
  head.setUint32(4, p.enc, true);
  head.setUint32(8, p.sig >>> 0, true);
  slab.set(p.bytes, HEADER);
}

function readSlab(slab: Uint8Array): Payload {
  const head = new DataView(slab.buffer, slab.byteOffset, HEADER);
  const n = head.getUint32(0, true);
  return { enc: head.getUint32(4, true), sig: head.getUint32(8, true) | 0, bytes: slab.subarray(HEADER, HEADER + n) };
}

/**
 * Broadcast of `total` bytes in chunks of at most a slab: the root's `data` (enc/sig with it); every other
 * rank's `land(chunk, offset)` copies each chunk out of the root's slab before it answers.
 */
export async function bcastShared(
  c: CollCall,
  root: number,
  total: number,
  data: Payload | null,
  land: (chunk: Payload, offset: number) => void,
): Promise<void> {
  const slabs = sharedSlabs(c)!;
  const step = slabs[0].byteLength - HEADER;
  const others = Array.from({ length: c.size }, (_, r) => r).filter((r) => r !== root);
  const chunks = async () => {
    for (let at = 0; at === 0 || at < total; at += step) {
      if (c.rank === root) {
        writeSlab(slabs[root], { ...data!, bytes: data!.bytes.subarray(at, at + step) });
        await Promise.all(others.map((r) => c.send(EMPTY, r)));
        await Promise.all(others.map((r) => c.recv(r))); // every rank has copied this chunk out
      } else {
        await c.recv(root);
        land(readSlab(slabs[root]), at);
        await c.send(EMPTY, root);
      }
    }
  };
  await (c.rank === root ? holdingSlab(c, chunks) : chunks());
}

/**
 * Allreduce of `input` (this rank's packed vector; never written) under a commutative op, into `out`
 * (full size; may be the same memory as input), in chunks of at most a slab.
 */
export async function allreduceShared(c: CollCall, f: BytesFold, input: Uint8Array, out: Uint8Array): Promise<void> {
  const slabs = sharedSlabs(c)!;
  const e = f.elementBytes;
  const perChunk = Math.max(1, Math.floor((slabs[0].byteLength - HEADER) / e));
  const n = input.byteLength / e;
  const mine = slabs[c.rank];
  const region = (slab: Uint8Array, [a, b]: [number, number]) => slab.subarray(HEADER + a * e, HEADER + b * e);
  await holdingSlab(c, async () => {
    for (let lo = 0; lo === 0 || lo < n; lo += perChunk) {
      const m = Math.min(perChunk, n - lo);
      mine.set(input.subarray(lo * e, (lo + m) * e), HEADER);
      await barrierDissemination(c); // every vector is in
      const own = blockRange(c.rank, m, c.size);
      for (let q = 0; q < c.size; q++) if (q !== c.rank) f.foldInPlace(region(slabs[q], own), region(mine, own));
      await barrierDissemination(c); // every block is reduced
      for (let q = 0; q < c.size; q++) {
        const block = blockRange(q, m, c.size);
        out.set(region(slabs[q], block), (lo + block[0]) * e);
      }
      await barrierDissemination(c); // every rank has read every slab
    }
  });
}

/**
 * Allgather of blocks no larger than a slab: `mine` goes into this rank's slab, then `land` gets every
 * rank's block (views of the slabs, valid only during the call) by rank.
 */
export async function allgatherShared(c: CollCall, mine: Payload, land: (blocks: Payload[]) => void): Promise<void> {
  const slabs = sharedSlabs(c)!;
  await holdingSlab(c, async () => {
    writeSlab(slabs[c.rank], mine);
    await barrierDissemination(c);
    land(slabs.map((slab, r) => (r === c.rank ? mine : readSlab(slab))));
    await barrierDissemination(c);
  });
}
