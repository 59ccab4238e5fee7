// Test program for several slots per host under --transport shm (test/launcher/shm-hosts.test.ts): each rank
// prints where it runs (host, pid, socket directory); then a ring of small messages in order and a message
// larger than a shared-memory ring, within hosts and across them; collectives over the world (ranks on
// several hosts) and over each host's ranks (split by host: all on one segment), with data large enough for
// the shared-memory algorithms; stdin to rank 0. Every rank checks its results and prints one line per check.
// argv[2]: "run" (default), "throw" (the last rank throws after everyone has printed), "hang" (all wait for
// a message that never comes), "busy" (the last rank computes forever, the others wait for it).
import * as mpi from "tsmpi";
import * as readline from "node:readline";
import { handshake } from "../../runtime/programs/lib/handshake.ts";

const comm = await mpi.init();
const { rank, size } = comm;
const host = process.env.TESTHOST ?? "here";
console.log(`AT ${rank} ${host} ${process.pid} ${process.env.TSMPI_SOCKET_DIR ?? ""}`);
const mode = process.argv[2] ?? "run";
await handshake(comm);
if (mode === "throw" && rank === size - 1) throw new Error(`boom on rank ${rank}`);
if (mode === "hang") await comm.recv(mpi.ANY_SOURCE, 77);
if (mode === "busy" && rank === size - 1) while (Date.now() > 0);
if (mode === "busy") await comm.recv(size - 1, 77);

const failures: string[] = [];
const next = (rank + 1) % size;
const prev = (rank + size - 1) % size;
// 300 small messages to the next rank, in order; then 3 MiB (three times a ring) byte for byte.
const sends = Array.from({ length: 300 }, (_, i) => comm.send(i, next, 5));
for (let i = 0; i < 300; i++) {
  const got = await comm.recv(prev, 5);
  if (got !== i) failures.push(`message ${i} from ${prev} came as ${String(got)}`);
}
await Promise.all(sends);
const big = Uint8Array.from({ length: 3 << 20 }, (_, i) => (i * 7 + rank) & 255);
const into = new Uint8Array(3 << 20);
await Promise.all([comm.send(mpi.buf(big), next, 6), comm.recvInto(mpi.buf(into), prev, 6)]);
if (!into.every((b, i) => b === ((i * 7 + prev) & 255))) failures.push(`3 MiB from ${prev} damaged`);
console.log(`ring ${rank} from ${prev} ${failures.length ? "FAILED" : "ok"}`);

const n = 40_000; // 320 KB of doubles: the shared-memory algorithms' size
const check = (name: string, ok: boolean) => {
  if (!ok) failures.push(name);
  console.log(`${name} ${rank} ${ok ? "ok" : "FAILED"}`);
};
const sum = (await comm.allreduce(rank, mpi.SUM)) as number;
check("allreduce-scalar", sum === (size * (size - 1)) / 2);
const v = Float64Array.from({ length: n }, (_, i) => i + rank);
const total = new Float64Array(n);
await comm.allreduceInto(mpi.buf(v), mpi.buf(total), mpi.SUM);
check("allreduce-world", total.every((x, i) => x === size * i + (size * (size - 1)) / 2));
const root = size - 1;
const b = Float64Array.from({ length: n }, (_, i) => (rank === root ? i * 3 : -1));
await comm.bcastInto(mpi.buf(b), root);
check("bcast-world", b.every((x, i) => x === i * 3));
const line = rank === 0 ? await firstLine() : "";
check(`stdin=${await comm.bcast(line, 0)}`, true);

// The ranks of this host, as one communicator (every member on this host's segment).
const local = (await comm.split(host === "here" ? 0 : Number(host.replace(/\D/g, "")) || 0, rank))!;
const members = (await local.allgather(rank)) as number[];
const lv = Float64Array.from({ length: n }, (_, i) => i * (rank + 1));
const ltotal = new Float64Array(n);
await local.allreduceInto(mpi.buf(lv), mpi.buf(ltotal), mpi.SUM);
const factor = members.reduce((s, r) => s + r + 1, 0);
check("allreduce-host", ltotal.every((x, i) => x === i * factor));
const lb = Float64Array.from({ length: n }, (_, i) => (local.rank === 0 ? i + rank : -1));
await local.bcastInto(mpi.buf(lb), 0);
check("bcast-host", lb.every((x, i) => x === i + members[0]));
console.log(`HOST ${rank} ${host} members ${members.join(",")}`);
if (failures.length) console.log(`FAILURES ${rank}: ${failures.join("; ")}`);
await mpi.finalize();

async function firstLine(): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin });
  for await (const l of rl) {
    rl.close();
    return l;
  }
  return "";
}
