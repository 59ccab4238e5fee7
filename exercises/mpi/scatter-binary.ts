// Exercise 11.5 (question 3) — Scatter of integers with send/recv only: the binary tree.
// Statement: ranks form a binary tree in heap order (children of r: 2r+1 and 2r+2); each rank receives
// its subtree's items from its parent in one message, keeps its own and sends each child its subtree's.
// Run:   tsrun -np 8 exercises/mpi/scatter-binary.ts [--seed 42]
// Grade: npm run grade -- 11.5-binary
// Output: "rank 5 received item 731 from rank 2" per rank ("rank 0 kept item 12" at the root).
// Items: item i = floor(1000 * next()) for i = 0..N-1, with next = mulberry32(seed) (the grader recomputes).
// A message carries the subtree's items in preorder (the rank itself, then its left, then its right subtree).
import * as mpi from "tsmpi";
import { mulberry32, numberOption } from "../common/args.ts";

/** The ranks of r's subtree in preorder. */
function subtree(r: number, size: number): number[] {
  return r >= size ? [] : [r, ...subtree(2 * r + 1, size), ...subtree(2 * r + 2, size)];
}

const comm = await mpi.init();
const { rank, size } = comm;
const seed = numberOption("seed", 42);

// mine: the items of subtree(rank), in the same order
let mine: Int32Array;
const parent = rank === 0 ? -1 : Math.floor((rank - 1) / 2);
// SOLUTION BEGIN: rank 0 builds its subtree's items (preorder), the others receive theirs from their parent; then send each child its subtree's items
// STARTER: mine = new Int32Array(0);
if (rank === 0) {
  const next = mulberry32(seed);
  const items = Array.from({ length: size }, () => Math.floor(1000 * next()));
  mine = Int32Array.from(subtree(0, size), (r) => items[r]);
} else {
  mine = (await comm.recv(parent, 0)) as Int32Array;
}
let at = 1; // mine[0] is this rank's own item; the children's subtrees follow in preorder
for (const child of [2 * rank + 1, 2 * rank + 2]) {
  const count = subtree(child, size).length;
  if (count > 0) await comm.send(mine.slice(at, at + count), child, 0);
  at += count;
}
// SOLUTION END
console.log(rank === 0 ? `rank 0 kept item ${mine[0]}` : `rank ${rank} received item ${mine[0]} from rank ${parent}`);
await mpi.finalize();
