// MPI_Gather / MPI_Gatherv (MPI-4 §6.5): the root gets every rank's block, in rank order. Algorithms:
// linear (every rank sends to the root) and binomial tree (each rank gathers its subtree's blocks and
// sends them up as one block set: log p rounds, for many small blocks). Value mode (one value per rank,
// an array at the root) and buffer mode with equal blocks (gatherInto) or counts/displacements
// (gathervInto), IN_PLACE at the root.
import type { BufSpec } from "../datatype/index.ts";
import type { CollCall, Payload } from "./call.ts";
import { relativeRank, absoluteRank } from "./trees.ts";
import { packBlocks, unpackBlocks, type IndexedBlock } from "./blocks.ts";
import { checkRoot, checkSpec, isInPlace, refuseInPlace, type SendSpec } from "./checks.ts";
import { blockPayload, decodeBlock, landBlock, splitByCounts, splitEvenly, valueBlock } from "./layout.ts";
import { chooseGather } from "./select.ts";

/** Every rank sends its block to the root. Returns the blocks by rank at the root. */
export async function gatherLinear(c: CollCall, mine: Payload, root: number): Promise<Payload[] | undefined> {
  if (c.rank !== root) {
    await c.send(mine, root);
    return undefined;
  }
  return Promise.all(
    Array.from({ length: c.size }, (_, r) =>
      r === root ? mine : c.recv(r).then((m) => ({ enc: m.enc, sig: m.sig, bytes: m.payload })),
    ),
  );
}

/** Binomial tree: subtrees' blocks travel up as block sets. Returns the blocks by rank at the root. */
export async function gatherBinomial(c: CollCall, mine: Payload, root: number): Promise<Payload[] | undefined> {
  const p = c.size;
  const rel = relativeRank(c.rank, root, p);
  const held: IndexedBlock[] = [[c.rank, mine]];
  for (let mask = 1; mask < p; mask <<= 1) {
    if (rel & mask) {
      await c.send(packBlocks(held), absoluteRank(rel - mask, root, p));
      return undefined;
    }
    if (rel + mask < p) held.push(...unpackBlocks((await c.recv(absoluteRank(rel + mask, root, p))).payload));
  }
  const out: Payload[] = new Array(p);
  for (const [r, b] of held) out[r] = b;
  return out;
}

function runGather(
  c: CollCall,
  mine: Payload,
  root: number,
  blockBytes: number | null,
): Promise<Payload[] | undefined> {
  return chooseGather(c.size, blockBytes) === "binomial" ? gatherBinomial(c, mine, root) : gatherLinear(c, mine, root);
}

/** Value mode (comm.gather): an array of every rank's value at the root, undefined elsewhere. */
export async function gatherValue(c: CollCall, value: unknown, root: number): Promise<unknown[] | undefined> {
  checkRoot(c, root);
  const blocks = await runGather(c, valueBlock(c, value), root, null);
  return blocks?.map((b, r) => (r === c.rank ? value : decodeBlock(b)));
}

async function gatherSpecs(
  c: CollCall,
  send: SendSpec,
  slots: BufSpec[] | null,
  root: number,
  blockBytes: number | null,
): Promise<void> {
  const inPlace = isInPlace(send);
  const mine = blockPayload(inPlace ? slots![root] : send, c.op);
  const blocks = await runGather(c, mine, root, blockBytes);
  if (!blocks) return;
  blocks.forEach((b, r) => {
    if (!(inPlace && r === root)) landBlock(c, b, slots![r], r);
  });
}

/** Buffer mode (comm.gatherInto): recv at the root holds size equal blocks; IN_PLACE as send at the root. */
export async function gatherInto(c: CollCall, send: SendSpec, recv: BufSpec | undefined, root: number): Promise<void> {
  checkRoot(c, root);
  const isRoot = c.rank === root;
  if (!isRoot) refuseInPlace(c, send, "only the root may pass IN_PLACE");
  checkSpec(c, send, "the send buffer", isRoot);
  if (isRoot) checkSpec(c, recv, "the receive buffer");
  const slots = isRoot ? splitEvenly(c, recv!, c.size, "receive") : null;
  const bytes = isInPlace(send) ? slots![root].count * slots![root].type.size : send.count * send.type.size;
  await gatherSpecs(c, send, slots, root, bytes);
}

/** Buffer mode (comm.gathervInto): rank r's block lands at displs[r] items of recv, counts[r] items long. */
export async function gathervInto(
  c: CollCall,
  send: SendSpec,
  recv: BufSpec | undefined,
  counts: ArrayLike<number> | undefined,
  displs: ArrayLike<number> | undefined,
  root: number,
): Promise<void> {
  checkRoot(c, root);
  const isRoot = c.rank === root;
  if (!isRoot) refuseInPlace(c, send, "only the root may pass IN_PLACE");
  checkSpec(c, send, "the send buffer", isRoot);
  if (isRoot) checkSpec(c, recv, "the receive buffer");
  const slots = isRoot ? splitByCounts(c, recv!, counts!, displs, "receive") : null;
  await gatherSpecs(c, send, slots, root, null);
}
