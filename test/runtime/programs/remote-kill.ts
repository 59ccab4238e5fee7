// Test program for multi-host runs: every rank prints its host and pid; rank argv[2] then kills itself
// (SIGKILL) as argv[3] says ("kill"), or all hang ("hang"), or all finish ("none").
import * as mpi from "tsmpi";

const comm = await mpi.init();
console.log(`AT ${comm.rank} ${mpi.processorName()} ${process.pid} ${process.env.TESTHOST ?? ""}`);
const victim = Number(process.argv[2] ?? -1);
const what = process.argv[3] ?? "kill";
// Everybody has printed before anyone dies (a hand-made barrier over point-to-point).
if (comm.rank === 0) {
  for (let r = 1; r < comm.size; r++) await comm.recv(mpi.ANY_SOURCE, 99);
  for (let r = 1; r < comm.size; r++) await comm.send("go", r, 98);
} else {
  await comm.send("ready", 0, 99);
  await comm.recv(0, 98);
}
if (comm.rank === victim && what === "kill") process.kill(process.pid, "SIGKILL");
if (what !== "none") await comm.recv(mpi.ANY_SOURCE, 77);
await mpi.finalize();
