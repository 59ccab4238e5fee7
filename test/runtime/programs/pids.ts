// Test program: every rank prints its pid, then rank (argv[2]) misbehaves as asked in argv[3]
// ("throw", "exit3", "kill9", "abort5", "hang", "none"); the others wait for a message that never comes.
import * as mpi from "tsmpi";
import { handshake } from "./lib/handshake.ts";

const comm = await mpi.init();
const who = Number(process.argv[2] ?? 0);
const what = process.argv[3] ?? "none";
console.log(`PID ${comm.rank} ${process.pid}`);
await handshake(comm); // everybody has printed before anyone misbehaves
if (comm.rank === who) {
  if (what === "throw") throw new Error(`rank ${who} fails on purpose`);
  if (what === "exit3") process.exit(3);
  if (what === "kill9") process.kill(process.pid, "SIGKILL");
  if (what === "abort5") comm.abort(5);
  if (what === "hang") await new Promise(() => setInterval(() => {}, 1000));
}
if (what !== "none") await comm.recv(mpi.ANY_SOURCE, 77);
await mpi.finalize();
