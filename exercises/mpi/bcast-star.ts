// Exercise 11.4 (question 1) — Broadcast of an integer with send/recv only: the star algorithm.
// Statement: using only point-to-point sends and receives, the root sends the integer to every other
// rank itself, one message each (N-1 messages, all from the root).
// Run:   tsrun -np 8 exercises/mpi/bcast-star.ts [--value 42]
// Grade: npm run grade -- 11.4-star
// Output: "rank 0 (root) broadcasts 42" then "rank 3 received 42 from rank 0" per other rank.
import * as mpi from "tsmpi";
import { numberOption } from "../common/args.ts";

const comm = await mpi.init();
const { rank, size } = comm;
const ROOT = 0;
const value = numberOption("value", 42);

// SOLUTION BEGIN: the root prints "rank 0 (root) broadcasts V" and sends `value` to every other rank itself; the others receive it and print who sent it
if (rank === ROOT) {
  console.log(`rank ${rank} (root) broadcasts ${value}`);
  for (let dest = 0; dest < size; dest++) if (dest !== ROOT) await comm.send(value, dest, 0);
} else {
  const status = new mpi.Status();
  const got = await comm.recv(ROOT, 0, status);
  console.log(`rank ${rank} received ${got} from rank ${status.source}`);
}
// SOLUTION END
await mpi.finalize();
