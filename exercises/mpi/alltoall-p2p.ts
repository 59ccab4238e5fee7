// Exercise 11.6 — All-to-all with point-to-point communications only.
// Statement: every rank sends a different integer to every other rank, with nonblocking sends and
// receives all posted at once, then one waitall; rank i ends with, at index j, what rank j sent to i.
// Run:   tsrun -np 4 exercises/mpi/alltoall-p2p.ts
// Grade: npm run grade -- 11.6
// Output: per rank "rank 1 sent [4,5,6,7] received [1,5,9,13]" (value i→j is i*N + j, all distinct).
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const sent = Array.from({ length: size }, (_, j) => rank * size + j); // sent[j] goes to rank j

// SOLUTION BEGIN: post every receive and every send (nonblocking), then wait: received[j] is what rank j sent to this rank
// STARTER: const received: number[] = [];
const receives = Array.from({ length: size }, (_, j) => comm.irecv(j, 0)); // posted before any send
const sends = sent.map((value, j) => comm.isend(value, j, 0));
const received = (await mpi.waitall(receives)) as number[]; // received[j] came from rank j
await mpi.waitall(sends);
// SOLUTION END
console.log(`rank ${rank} sent [${sent.join(",")}] received [${received.join(",")}]`);
await mpi.finalize();
