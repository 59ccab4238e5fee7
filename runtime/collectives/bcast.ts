// MPI_Bcast (MPI-4 §6.4): the root's data reaches every rank. Algorithms: linear (the root sends to each
// rank), binomial tree (log p rounds, the data forwarded whole), and scatter + ring allgather (van de
// Geijn) for large messages: the root scatters p chunks down the binomial tree, then the chunks go round
// the ring, so each link carries about the message size once. Value mode (any value) and buffer mode.
import { ErrorCode, mpiError } from "../errors.ts";
import { BufSpec, packBuf, unpackBuf } from "../datatype/index.ts";
import { toPayload, fromPayload, intoSpec } from "../comm/payload.ts";
import { checkBlockType } from "./layout.ts";
import { CollCall, payloadOf, matchedOf, type Payload } from "./call.ts";
import { relativeRank, absoluteRank, binomialParent, binomialChildren, binomialSubtree, blockStart } from "./trees.ts";
import { checkRoot, checkSpec } from "./checks.ts";
import { chooseBcast } from "./select.ts";
import { bcastPipeline } from "./pipeline.ts";
import { bcastShared, sharedSlabs } from "./shared.ts";

/** The root sends to every other rank. Returns the data on every rank. */
export async function bcastLinear(c: CollCall, data: Payload | null, root: number): Promise<Payload> {
  if (c.rank !== root) return payloadOf(await c.recv(root));
  const sends: Promise<void>[] = [];
  for (let r = 0; r < c.size; r++) if (r !== root) sends.push(c.send(data!, r));
  await Promise.all(sends);
  return data!;
}

/** Binomial tree: each rank receives from its parent and forwards to its children, largest subtree first. */
export async function bcastBinomial(c: CollCall, data: Payload | null, root: number): Promise<Payload> {
  const rel = relativeRank(c.rank, root, c.size);
  if (rel !== 0) data = payloadOf(await c.recv(absoluteRank(binomialParent(rel), root, c.size)));
  const children = binomialChildren(rel, c.size);
  if (children.length) await Promise.all(children.map((child) => c.send(data!, absoluteRank(child, root, c.size))));
  return data!;
}

/**
 * Scatter down the binomial tree, then allgather round the ring. `target` has the message's size on
 * every rank and holds the data at the root; on return it holds the data everywhere. enc/sig travel
 * with the chunks for the receivers' type check.
 */
export async function bcastScatterAllgather(
  c: CollCall,
  target: Uint8Array,
  root: number,
  enc = 0,
  sig = 0,
): Promise<{ enc: number; sig: number }> {
  const p = c.size;
  const n = target.byteLength;
  const rel = relativeRank(c.rank, root, p);
  const at = (chunk: number) => blockStart(chunk, n, p);
  const view = (lo: number, hi: number): Payload => ({ enc, sig, bytes: target.subarray(at(lo), at(hi)) });
  const [lo, hi] = binomialSubtree(rel, p);
  if (rel !== 0) {
    const m = await c.recv(absoluteRank(binomialParent(rel), root, p));
    const expected = at(hi) - at(lo);
    if (m.payload.byteLength !== expected) {
      throw mpiError(
        m.payload.byteLength > expected ? ErrorCode.ERR_TRUNCATE : ErrorCode.ERR_COUNT,
        c.op,
        "the root's message and this rank's buffer differ in size",
        {
          measured: `a chunk of ${m.payload.byteLength} bytes`,
          expected: `${expected} bytes (chunk of a ${n}-byte message)`,
          hint: "Every rank must pass the same count and type signature",
        },
      );
    }
    target.set(m.payload, at(lo));
    enc = m.enc;
    sig = m.sig;
  }
  await Promise.all(
    binomialChildren(rel, p).map((child) =>
      c.send(view(child, binomialSubtree(child, p)[1]), absoluteRank(child, root, p)),
    ),
  );
  const right = absoluteRank((rel + 1) % p, root, p);
  const left = absoluteRank((rel - 1 + p) % p, root, p);
  for (let s = 0; s < p - 1; s++) {
    const out = (((rel - s) % p) + p) % p;
    const inc = (((rel - s - 1) % p) + p) % p;
    const m = await c.sendrecv(view(out, out + 1), right, left);
    if (rel !== 0) target.set(m.payload, at(inc));
  }
  return { enc, sig };
}

/** Value mode (comm.bcast): the root's value, decoded afresh on every other rank. */
export async function bcastValue(c: CollCall, value: unknown, root: number): Promise<unknown> {
  checkRoot(c, root);
  const data = c.rank === root ? toPayload(value, c.op) : null;
  if (c.size === 1) return value;
  const algo = chooseBcast(c.size, null);
  if (algo === "scatterAllgather") {
    // Only the root knows the size: send it (with the encoding) first, then the chunks.
    const head = new Uint8Array(8);
    const dv = new DataView(head.buffer);
    if (data) {
      dv.setUint32(0, data.bytes.byteLength, true);
      dv.setUint32(4, data.enc, true);
    }
    const got = await bcastBinomial(c, data && { enc: 0, sig: 0, bytes: head }, root);
    const info = new DataView(got.bytes.buffer, got.bytes.byteOffset, 8);
    const target = data ? data.bytes : new Uint8Array(info.getUint32(0, true));
    await bcastScatterAllgather(c, target, root);
    return c.rank === root ? value : fromPayload(matchedOf({ enc: info.getUint32(4, true), sig: 0, bytes: target }));
  }
  const got = algo === "linear" ? await bcastLinear(c, data, root) : await bcastBinomial(c, data, root);
  return c.rank === root ? value : fromPayload(matchedOf(got));
}

/** Buffer mode (comm.bcastInto): the root's spec is copied into every other rank's spec. */
export async function bcastInto(c: CollCall, spec: BufSpec, root: number): Promise<void> {
  checkRoot(c, root);
  checkSpec(c, spec, "the buffer");
  if (c.size === 1) return;
  const bytes = spec.count * spec.type.size;
  const algo = chooseBcast(c.size, bytes, sharedSlabs(c) !== null);
  const isRoot = c.rank === root;
  if (algo === "shared") return bcastIntoShared(c, spec, root, bytes);
  if (algo === "scatterAllgather" || algo === "pipeline") {
    const data = isRoot ? toPayload(spec, c.op) : null;
    const direct = spec.type.isContiguous;
    const target = isRoot ? data!.bytes : direct ? packBuf(spec) : new Uint8Array(bytes);
    const run = algo === "pipeline" ? bcastPipeline : bcastScatterAllgather;
    const sent = await run(c, target, root, data?.enc ?? 0, data?.sig ?? 0);
    if (!isRoot) checkBlockType(c, { ...sent, bytes: target }, spec);
    if (!isRoot && !direct) unpackBuf(target, spec, c.op);
    return;
  }
  const data = isRoot ? toPayload(spec, c.op) : null;
  const got = algo === "linear" ? await bcastLinear(c, data, root) : await bcastBinomial(c, data, root);
  if (!isRoot) intoSpec(matchedOf(got), spec, c.op);
}

/** bcastInto through the root's shared slab: each rank copies the chunks straight into its (packed) buffer. */
async function bcastIntoShared(c: CollCall, spec: BufSpec, root: number, bytes: number): Promise<void> {
  const isRoot = c.rank === root;
  const data = isRoot ? toPayload(spec, c.op) : null;
  const direct = spec.type.isContiguous;
  const target = isRoot ? data!.bytes : direct ? packBuf(spec) : new Uint8Array(bytes);
  let type = { enc: 0, sig: 0 };
  await bcastShared(c, root, bytes, data, (chunk, at) => {
    if (at + chunk.bytes.byteLength > target.byteLength) {
      throw mpiError(ErrorCode.ERR_TRUNCATE, c.op, "the root's message and this rank's buffer differ in size", {
        measured: `more than ${target.byteLength} bytes`,
        expected: `${target.byteLength} bytes`,
        hint: "Every rank must pass the same count and type signature",
      });
    }
    target.set(chunk.bytes, at);
    type = { enc: chunk.enc, sig: chunk.sig };
  });
  if (isRoot) return;
  checkBlockType(c, { ...type, bytes: target }, spec);
  if (!direct) unpackBuf(target, spec, c.op);
}
