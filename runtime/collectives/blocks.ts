// Messages that carry several ranks' blocks at once (binomial gather and scatter, recursive-doubling
// allgather): a block set is a header [n, then per block: index, enc, sig, length] followed by the
// blocks' bytes, so blocks of any size (value mode) travel together and keep their encodings.
import type { Payload } from "./call.ts";

/** The encoding byte of a block-set message on the collective context. */
export const BLOCK_SET = 250;

export type IndexedBlock = [index: number, block: Payload];

export function packBlocks(blocks: IndexedBlock[]): Payload {
  const head = 4 + blocks.length * 16;
  let total = head;
  for (const [, b] of blocks) total += b.bytes.byteLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, blocks.length, true);
  let at = head;
  blocks.forEach(([index, b], k) => {
    const h = 4 + k * 16;
    view.setUint32(h, index, true);
    view.setUint32(h + 4, b.enc, true);
    view.setUint32(h + 8, b.sig >>> 0, true);
    view.setUint32(h + 12, b.bytes.byteLength, true);
    out.set(b.bytes, at);
    at += b.bytes.byteLength;
  });
  return { enc: BLOCK_SET, sig: 0, bytes: out };
}

/** The blocks of a block-set message (views into its bytes). */
export function unpackBlocks(bytes: Uint8Array): IndexedBlock[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(0, true);
  let at = 4 + n * 16;
  const out: IndexedBlock[] = [];
  for (let k = 0; k < n; k++) {
    const h = 4 + k * 16;
    const length = view.getUint32(h + 12, true);
    out.push([
      view.getUint32(h, true),
      { enc: view.getUint32(h + 4, true), sig: view.getUint32(h + 8, true), bytes: bytes.subarray(at, at + length) },
    ]);
    at += length;
  }
  return out;
}
