// Test program: barriers with staggered arrivals (rank r arrives r × 25 ms late) on the world, on each half
// of a split, and on the world again, printing when each rank entered and left each one; then many quick
// barriers alternating between a half and the world (a rank leaving one enters the next at once).
import * as mpi from "tsmpi";

const comm = await mpi.init();
const half = (await comm.split(comm.rank % 2, comm.rank))!;
const phases: [string, mpi.Intracomm][] = [
  ["world", comm],
  [`half${comm.rank % 2}`, half],
  ["world-again", comm],
];
for (const [name, c] of phases) {
  for (let round = 0; round < 3; round++) {
    await new Promise((resolve) => setTimeout(resolve, c.rank * 25)); // arrival order, not synchronisation
    const entered = Date.now();
    await c.barrier();
    console.log(`${name} ${round} rank ${comm.rank} entered ${entered} left ${Date.now()}`);
  }
}
for (let i = 0; i < 500; i++) {
  await half.barrier();
  await comm.barrier();
}
const total = await comm.allreduce(1, mpi.SUM);
console.log(`rank ${comm.rank} done, ${total} ranks`);
await mpi.finalize();
