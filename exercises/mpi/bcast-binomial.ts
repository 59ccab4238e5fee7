// Exercise 11.4 (question 2) — Broadcast of an integer with send/recv only: the binomial tree.
// Statement: using only point-to-point sends and receives, every rank that holds the value forwards it,
// so the number of holders doubles each round: ceil(log2 N) rounds, N-1 messages.
// Run:   tsrun -np 8 exercises/mpi/bcast-binomial.ts [--value 42]
// Grade: npm run grade -- 11.4-binomial
// Output: "rank 0 (root) broadcasts 42" then "rank 6 received 42 from rank 4" per other rank.
// Tree: rank r receives from r minus its lowest set bit, then sends to r + 2^k for every 2^k below that
// bit, largest first (so the far half of the tree starts earliest), as MPICH's binomial broadcast does.
import * as mpi from "tsmpi";
import { numberOption } from "../common/args.ts";

const comm = await mpi.init();
const { rank, size } = comm;
let value = numberOption("value", 42);

// SOLUTION BEGIN: receive `value` from your parent in the binomial tree (except rank 0), print it, then forward it to your children; rank 0 prints "rank 0 (root) broadcasts V"
// STARTER: if (rank === 0) console.log(`rank 0 (root) broadcasts ${value}`);
// receive phase: the lowest set bit of the rank names the parent (the root, rank 0, has none)
let mask = 1;
while (mask < size) {
  if (rank & mask) {
    value = (await comm.recv(rank - mask, 0)) as number;
    console.log(`rank ${rank} received ${value} from rank ${rank - mask}`);
    break;
  }
  mask <<= 1;
}
if (rank === 0) console.log(`rank 0 (root) broadcasts ${value}`);

// send phase: to each child, from the farthest to the nearest
for (mask >>= 1; mask > 0; mask >>= 1) {
  if (rank + mask < size) await comm.send(value, rank + mask, 0);
}
// SOLUTION END
await mpi.finalize();
