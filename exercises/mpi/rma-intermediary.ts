// Exercise 13.1 — One-sided intermediary: rank 1 carries rank 0's pid into rank 2's memory.
// Statement: with at least three ranks, rank 0 stores its pid in a window; rank 1 fetches it with a get
// and writes it into rank 2's window with a put; fences open and close each access epoch.
// Run:   tsrun -np 3 exercises/mpi/rma-intermediary.ts
// Grade: npm run grade -- 13.1
// Output: "rank 0: my pid is 81230" (every rank says its pid), then "rank 2 holds 81230 in its window".
import * as mpi from "tsmpi";

const comm = await mpi.init();
const { rank } = comm;
if (comm.size < 3) throw new Error("this exercise needs at least 3 ranks: run with -np 3");
console.log(`rank ${rank}: my pid is ${process.pid}`);

const cell = new Int32Array(1); // the window: one int32 per rank
if (rank === 0) cell[0] = process.pid;
const win = await mpi.Win.create(cell, comm);
const carried = new Int32Array(1);

// SOLUTION BEGIN: rank 1 gets rank 0's pid into `carried`, then puts it into rank 2's window; fences open and close each epoch
await win.fence(); // epoch 1: rank 1 reads rank 0's pid
if (rank === 1) win.get(carried, 0, 0);
await win.fence(); // the get has completed: carried holds the pid
if (rank === 1) win.put(carried, 2, 0);
await win.fence(); // epoch 2 closed: the put has landed in rank 2's window
// SOLUTION END

if (rank === 2) console.log(`rank 2 holds ${cell[0]} in its window`);
await win.free();
await mpi.finalize();
