// Test program for ranks as threads (--transport shm): see test/runtime/shm.test.ts.
import * as mpi from "tsmpi";
import * as readline from "node:readline";
const comm = await mpi.init();
let line = "";
if (comm.rank === 0) { const rl = readline.createInterface({ input: process.stdin }); for await (const l of rl) { line = l; break; } rl.close(); }
const got = await comm.bcast(line, 0);
console.log(`rank ${comm.rank} got ${got}`);
await mpi.finalize();
