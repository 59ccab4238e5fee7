// Test program: rank 1 prints where it listens; the test connects there as a stranger, then tells rank 0
// (through stdin) to go on. The job must refuse the stranger and finish normally.
import * as mpi from "tsmpi";
import { worldOf } from "../../../runtime/internal.ts";
import * as readline from "node:readline";

const comm = await mpi.init();
if (comm.rank === 1) {
  const me = (worldOf(comm) as unknown as { peers: { tcp?: { host: string; port: number } }[] }).peers[1];
  console.log(`LISTEN ${process.env.TSMPI_SOCKET_DIR}/r1.sock ${process.pid} ${me.tcp ? `${me.tcp.host}:${me.tcp.port}` : "-"}`);
}
if (comm.rank === 0) {
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) if (line.trim() === "go") break;
  rl.close();
  await comm.send("still fine", 1, 0);
} else if (comm.rank === 1) {
  console.log(`rank 1 got: ${await comm.recv(0, 0)}`);
}
await mpi.finalize();
