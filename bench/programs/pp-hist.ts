import * as mpi from "tsmpi";
const comm = await mpi.init();
const message = new Uint8Array(8);
const reps = 20000;
const rt: number[] = [];
if (comm.rank === 0) {
  for (let i = 0; i < reps; i++) { const t = performance.now(); await comm.send(message, 1, 0); await comm.recv(1, 0); rt.push((performance.now() - t) * 1000); }
} else {
  for (let i = 0; i < reps; i++) await comm.send(await comm.recv(0, 0), 0, 0);
}
if (comm.rank === 0) {
  rt.sort((a, b) => a - b);
  const q = (f: number) => rt[Math.floor(f * (rt.length - 1))].toFixed(1);
  console.log("rt us p10", q(0.1), "p50", q(0.5), "p90", q(0.9), "p99", q(0.99), "mean", (rt.reduce((a, b) => a + b) / rt.length).toFixed(1));
}
await mpi.finalize();
