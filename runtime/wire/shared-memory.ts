// What the ranks of one segment (`--transport shm`) read of it besides their rings and slabs, shared by the
// transport and the collectives: the barrier table's views (its place in the segment: bootstrap.ts
// shmLayout), and Atomics.waitAsync, typed here so that the project's ES2023 lib suffices (Node 16+).
import { BARRIER_SLOTS, shmLayout } from "./bootstrap.ts";

/**
 * The barrier table of a segment: slot i is keys[2i] (its communicator, 0 while free) over the same bytes as
 * words[4i..4i+3], of which words[4i+2] counts the ranks arrived and words[4i+3] the barriers completed.
 */
export interface SharedBarrierTable {
  keys: BigInt64Array;
  words: Int32Array;
}

/** The barrier table of a segment shared by `size` ranks. */
export function sharedBarrierTable(buffer: SharedArrayBuffer, size: number): SharedBarrierTable {
  const { barriersAt } = shmLayout(size);
  return {
    keys: new BigInt64Array(buffer, barriersAt, BARRIER_SLOTS * 2),
    words: new Int32Array(buffer, barriersAt, BARRIER_SLOTS * 4),
  };
}

export const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;
