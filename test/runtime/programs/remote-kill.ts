// Test program for multi-host runs: every rank prints its host and pid; rank argv[2] then kills itself
// (SIGKILL) as argv[3] says ("kill"), or all hang ("hang"), or all finish ("none").
import * as mpi from "tsmpi";
import { handshake } from "./lib/handshake.ts";

const comm = await mpi.init();
console.log(`AT ${comm.rank} ${mpi.processorName()} ${process.pid} ${process.env.TESTHOST ?? ""}`);
const victim = Number(process.argv[2] ?? -1);
const what = process.argv[3] ?? "kill";
await handshake(comm); // everybody has printed before anyone misbehaves
if (comm.rank === victim && what === "kill") process.kill(process.pid, "SIGKILL");
if (what !== "none") await comm.recv(mpi.ANY_SOURCE, 77);
await mpi.finalize();
