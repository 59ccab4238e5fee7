// Exercise 11.5 (question 1) — Scatter of integers with send/recv only: the linear algorithm.
// Statement: the root holds one integer per rank and sends each rank its own, one message per rank
// (N-1 messages, all from the root; the root keeps item 0).
// Run:   tsrun -np 8 exercises/mpi/scatter-linear.ts [--seed 42]
// Grade: npm run grade -- 11.5-linear
// Output: "rank 3 received item 731 from rank 0" per rank ("rank 0 kept item 12" at the root).
// Items: item i = floor(1000 * next()) for i = 0..N-1, with next = mulberry32(seed) (the grader recomputes).
import * as mpi from "tsmpi";
import { mulberry32, numberOption } from "../common/args.ts";

const comm = await mpi.init();
const { rank, size } = comm;
const seed = numberOption("seed", 42);

// SOLUTION BEGIN: rank 0 draws the items (items[i] = floor(1000 * next()), next = mulberry32(seed)), keeps item 0 and sends item i to rank i; every other rank receives and prints its item
if (rank === 0) {
  const next = mulberry32(seed);
  const items = Array.from({ length: size }, () => Math.floor(1000 * next()));
  for (let dest = 1; dest < size; dest++) await comm.send(items[dest], dest, 0);
  console.log(`rank 0 kept item ${items[0]}`);
} else {
  const item = await comm.recv(0, 0);
  console.log(`rank ${rank} received item ${item} from rank 0`);
}
// SOLUTION END
await mpi.finalize();
