// Test program: rank 0 prints every rank's pid and rank 1's addresses, then reads one line on stdin:
// "direct", or "via unix PATH" / "via tcp HOST:PORT" (rank 1's address as the network would route it,
// through an attacker's process), and sends rank 1 a message; rank 1 prints what it received.
import * as mpi from "tsmpi";
import { worldOf } from "../../../runtime/internal.ts";
import * as readline from "node:readline";

interface Peer { unix?: string; tcp?: { host: string; port: number } }
const comm = await mpi.init();
const peers = (worldOf(comm) as unknown as { peers: Peer[] }).peers;
console.log(`PID ${comm.rank} ${process.pid}`);
if (comm.rank === 0) {
  console.log(`PEER1 ${peers[1].tcp ? `${peers[1].tcp.host}:${peers[1].tcp.port}` : "-"} ${peers[1].unix}`);
  const rl = readline.createInterface({ input: process.stdin });
  let order = "direct";
  for await (const line of rl) {
    order = line.trim();
    break;
  }
  rl.close();
  const via = /^via (unix|tcp) (.+)$/.exec(order);
  if (via?.[1] === "unix") peers[1] = { ...peers[1], unix: via[2] };
  if (via?.[1] === "tcp") peers[1] = { ...peers[1], tcp: { host: via[2].split(":")[0], port: Number(via[2].split(":")[1]) } };
  await comm.send("the secret message 42", 1, 0);
} else if (comm.rank === 1) {
  console.log(`rank 1 got: ${await comm.recv(0, 0)}`);
}
await mpi.finalize();
