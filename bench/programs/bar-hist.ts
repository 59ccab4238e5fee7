import * as mpi from "tsmpi";
const comm = await mpi.init();
const rt: number[] = [];
for (let i = 0; i < 3000; i++) { const t = performance.now(); await comm.barrier(); rt.push((performance.now() - t) * 1000); }
rt.sort((a, b) => a - b);
const q = (f: number) => rt[Math.floor(f * (rt.length - 1))].toFixed(0);
if (comm.rank === 0) console.log("barrier us p10", q(0.1), "p50", q(0.5), "p90", q(0.9), "p99", q(0.99), "max", q(1), "mean", (rt.reduce((a, b) => a + b) / rt.length).toFixed(0));
await mpi.finalize();
