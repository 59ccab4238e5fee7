// Exercise 11.5 (question 2) — Scatter of integers with send/recv only: the binomial tree.
// Statement: the root sends each subtree's items in one message to the subtree's root, which keeps its
// own item and forwards the rest the same way: ceil(log2 N) rounds, N-1 messages.
// Run:   tsrun -np 8 exercises/mpi/scatter-binomial.ts [--seed 42]
// Grade: npm run grade -- 11.5-binomial
// Output: "rank 6 received item 731 from rank 4" per rank ("rank 0 kept item 12" at the root).
// Items: item i = floor(1000 * next()) for i = 0..N-1, with next = mulberry32(seed) (the grader recomputes).
// Tree: rank r's parent is r minus its lowest set bit; r's subtree is ranks r .. r + lowbit(r) - 1, so a
// block of consecutive items travels down and is halved at each step.
import * as mpi from "tsmpi";
import { mulberry32, numberOption } from "../common/args.ts";

const comm = await mpi.init();
const { rank, size } = comm;
const seed = numberOption("seed", 42);

// block: the items of ranks rank .. rank + block.length - 1
let block: Int32Array = new Int32Array(0);
if (rank === 0) {
  const next = mulberry32(seed);
  block = Int32Array.from({ length: size }, () => Math.floor(1000 * next()));
}
// SOLUTION BEGIN: receive your block from your parent (rank minus its lowest set bit) unless you are rank 0, then send the far half of the block to each child, largest first
// STARTER: let parent = -1;
let mask = 1;
let parent = -1;
while (mask < size) {
  if (rank & mask) {
    parent = rank - mask;
    block = (await comm.recv(parent, 0)) as Int32Array;
    break;
  }
  mask <<= 1;
}
for (mask >>= 1; mask > 0; mask >>= 1) {
  if (rank + mask < size) {
    await comm.send(block.slice(mask), rank + mask, 0); // the far half goes to the child's subtree
    block = block.slice(0, mask);
  }
}
// SOLUTION END
console.log(rank === 0 ? `rank 0 kept item ${block[0]}` : `rank ${rank} received item ${block[0]} from rank ${parent}`);
await mpi.finalize();
