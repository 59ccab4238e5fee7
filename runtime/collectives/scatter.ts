// MPI_Scatter / MPI_Scatterv (MPI-4 §6.6): rank r gets the root's block r. Algorithms: linear (the root
// sends each block) and binomial tree (each subtree's blocks travel down as one block set, log p rounds).
// Value mode (an array of one item per rank at the root) and buffer mode with equal blocks (scatterInto)
// or counts/displacements (scattervInto), IN_PLACE as the receive buffer at the root.
import { ErrorCode, mpiError } from "../errors.ts";
import type { BufSpec } from "../datatype/index.ts";
import { payloadOf, type CollCall, type Payload } from "./call.ts";
import { relativeRank, absoluteRank, binomialParent, binomialChildren, binomialSubtree } from "./trees.ts";
import { packBlocks, unpackBlocks, type IndexedBlock } from "./blocks.ts";
import { checkRoot, checkSpec, isInPlace, refuseInPlace, type SendSpec } from "./checks.ts";
import { blockPayload, decodeBlock, landBlock, splitByCounts, splitEvenly, valueBlock } from "./layout.ts";
import { chooseScatter } from "./select.ts";

/** The root sends block r to rank r. Returns this rank's block. */
export async function scatterLinear(c: CollCall, blocks: Payload[] | null, root: number): Promise<Payload> {
  if (c.rank !== root) return payloadOf(await c.recv(root));
  await Promise.all(blocks!.map((b, r) => (r === root ? undefined : c.send(b, r))));
  return blocks![root];
}

/** Binomial tree: each child gets its subtree's blocks as one block set. Returns this rank's block. */
export async function scatterBinomial(c: CollCall, blocks: Payload[] | null, root: number): Promise<Payload> {
  const p = c.size;
  const rel = relativeRank(c.rank, root, p);
  const byRank = new Map<number, Payload>();
  if (rel === 0) blocks!.forEach((b, r) => byRank.set(r, b));
  else
    for (const [r, b] of unpackBlocks((await c.recv(absoluteRank(binomialParent(rel), root, p))).payload))
      byRank.set(r, b);
  await Promise.all(
    binomialChildren(rel, p).map((child) => {
      const [lo, hi] = binomialSubtree(child, p);
      const set: IndexedBlock[] = [];
      for (let q = lo; q < hi; q++) set.push([absoluteRank(q, root, p), byRank.get(absoluteRank(q, root, p))!]);
      return c.send(packBlocks(set), absoluteRank(child, root, p));
    }),
  );
  return byRank.get(c.rank)!;
}

function runScatter(c: CollCall, blocks: Payload[] | null, root: number, blockBytes: number | null): Promise<Payload> {
  return chooseScatter(c.size, blockBytes) === "binomial"
    ? scatterBinomial(c, blocks, root)
    : scatterLinear(c, blocks, root);
}

/** Value mode (comm.scatter): items (one per rank) at the root; every rank gets its item. */
export async function scatterValue(c: CollCall, items: unknown, root: number): Promise<unknown> {
  checkRoot(c, root);
  let blocks: Payload[] | null = null;
  if (c.rank === root) {
    if (!Array.isArray(items) || items.length !== c.size) {
      throw mpiError(ErrorCode.ERR_COUNT, c.op, "the root must pass one item per rank", {
        measured: Array.isArray(items) ? `${items.length} items` : typeof items,
        expected: `an array of ${c.size} items`,
      });
    }
    blocks = items.map((x) => valueBlock(c, x));
  }
  const mine = await runScatter(c, blocks, root, null);
  return c.rank === root ? (items as unknown[])[root] : decodeBlock(mine);
}

async function scatterSpecs(
  c: CollCall,
  slots: BufSpec[] | null,
  recv: SendSpec,
  root: number,
  blockBytes: number | null,
): Promise<void> {
  const blocks = slots ? slots.map((s) => blockPayload(s, c.op)) : null;
  const mine = await runScatter(c, blocks, root, blockBytes);
  if (!isInPlace(recv)) landBlock(c, mine, recv, root);
}

/** Buffer mode (comm.scatterInto): send at the root holds size equal blocks; IN_PLACE as recv at the root. */
export async function scatterInto(c: CollCall, send: BufSpec | undefined, recv: SendSpec, root: number): Promise<void> {
  checkRoot(c, root);
  const isRoot = c.rank === root;
  if (!isRoot) refuseInPlace(c, recv, "only the root may pass IN_PLACE");
  checkSpec(c, recv, "the receive buffer", isRoot);
  if (isRoot) checkSpec(c, send, "the send buffer");
  const slots = isRoot ? splitEvenly(c, send!, c.size, "send") : null;
  const bytes = slots ? slots[0].count * slots[0].type.size : (recv as BufSpec).count * (recv as BufSpec).type.size;
  await scatterSpecs(c, slots, recv, root, bytes);
}

/** Buffer mode (comm.scattervInto): rank r gets counts[r] items at displs[r] items of the root's send. */
export async function scattervInto(
  c: CollCall,
  send: BufSpec | undefined,
  counts: ArrayLike<number> | undefined,
  displs: ArrayLike<number> | undefined,
  recv: SendSpec,
  root: number,
): Promise<void> {
  checkRoot(c, root);
  const isRoot = c.rank === root;
  if (!isRoot) refuseInPlace(c, recv, "only the root may pass IN_PLACE");
  checkSpec(c, recv, "the receive buffer", isRoot);
  if (isRoot) checkSpec(c, send, "the send buffer");
  const slots = isRoot ? splitByCounts(c, send!, counts!, displs, "send") : null;
  await scatterSpecs(c, slots, recv, root, null);
}
