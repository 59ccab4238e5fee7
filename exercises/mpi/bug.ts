// Exercise 9.5 — A bug! (the program as the handout gives it, kept to show what tsmpi reports)
// Statement: ranks pair up (0↔1, 2↔3, …) and each sends 1000 int32 to its partner with a blocking send;
// nobody receives, so every rank waits forever for a receive that is never posted (fix: bug-fixed.ts).
// Run:   tsrun -np 2 exercises/mpi/bug.ts
// Grade: npm run grade -- 9.5        (shows tsrun's report for this file, grades bug-fixed.ts)
// Output: "rank 0 of 2 sends 1000 int32 to rank 1", then tsrun stops the job and says where each rank
//         waits (deadlock report; before diagnostics, `--timeout 5` prints what each rank is blocked in).
//
// Why ssend: in C, MPI_Send of a message larger than the eager limit waits for the matching receive.
// Here 1000 int32 (4000 B) fit under tsmpi's 64 KiB eager limit, so a standard send would complete
// and the job would only warn about unreceived messages; ssend always waits, as the handout intends.
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank, size } = comm;
const partner = rank % 2 ? rank - 1 : rank + 1;
const dest = partner < size ? partner : mpi.PROC_NULL; // the last rank of an odd job has no partner

console.log(`rank ${rank} of ${size} sends 1000 int32 to rank ${dest === mpi.PROC_NULL ? "nobody" : dest}`);
const data = Int32Array.from({ length: 1000 }, (_, i) => rank * 1000 + i);
await comm.ssend(data, dest, 42);
console.log(`rank ${rank}: sent`);
await mpi.finalize();
