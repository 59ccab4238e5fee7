// Exercise 10.2 (question 3) — Simultaneous exchange with nonblocking communications.
// Statement: instead of a ping-pong, ranks pair up (0↔1, 2↔3, …) and send to each other at the same
// time: each posts its irecv and its isend, and only then waits for both.
// Run:   tsrun -np 2 exercises/mpi/exchange.ts [--count 262144]
// Grade: npm run grade -- 10.2-exchange
// Output: "rank 0 sent 262144 int32 to rank 1 and received rank 1's: 1000000 … 1262143 (intact)" per rank.
// Could this be done with blocking calls? Only by luck: 1 MiB is above the 64 KiB eager limit, so two
// blocking sends that wait for their receive would deadlock (as exercise 9.5 shows); sendrecv would not.
import * as mpi from "tsmpi";
import { numberOption } from "../common/args.ts";

const comm = await mpi.init();
const { rank, size } = comm;
const count = numberOption("count", 262144);
const partner = rank % 2 ? rank - 1 : rank + 1;
const valueAt = (owner: number, i: number) => owner * 1000000 + i; // rank r's array: r*1e6 + i

if (partner >= size) {
  console.log(`rank ${rank} has no partner`);
} else {
  const mine = Int32Array.from({ length: count }, (_, i) => valueAt(rank, i));
  // SOLUTION BEGIN: post the receive and the send to `partner` (nonblocking, tag 7), then wait for both; `theirs` is the partner's array
  // STARTER: const theirs = new Int32Array(0);
  const incoming = comm.irecv(partner, 7);
  const outgoing = comm.isend(mine, partner, 7);
  const [, theirs] = (await mpi.waitall([outgoing, incoming])) as [unknown, Int32Array];
  // SOLUTION END
  const intact = theirs.length === count && theirs.every((v, i) => v === valueAt(partner, i));
  console.log(
    `rank ${rank} sent ${count} int32 to rank ${partner} and received rank ${partner}'s: ${theirs[0]} … ${theirs[count - 1]} (${intact ? "intact" : "CORRUPTED"})`,
  );
  if (!intact) throw new Error(`rank ${rank}: the array from rank ${partner} is not the one it sent`);
}
await mpi.finalize();
