// `npm run bench -- collectives` (issue 4): per-call time of tsmpi's collectives — Barrier, Bcast 8 B and
// 1 MiB, Allreduce of 1 double and of 1 Mi doubles (Float64Array), Reduce of 1 Mi doubles, Alltoall of 1 int, value-mode allreduce
// of a number — at np = 2, 4, 8, next to mpi4py's (buffer API, and object API for the value case) measured
// in the same run where mpirun + mpi4py are installed, with the ratio. Time per call = max over ranks of
// the mean over a batch of calls, median over repetitions (the usual way to time a collective), after
// warm-up calls (the JIT needs a few thousand calls of a small collective to reach its steady state).
// This file is both the driver (run with tsx) and the tsmpi rank program (run by tsrun); the mpi4py peer
// is written to a temporary file. Env: BENCH_NPS="2,4,8", BENCH_REPS=7, BENCH_CASES="barrier,bcast-1MiB".
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

interface Case {
  name: string;
  /** calls per timed batch */
  batch: number;
  /** untimed calls first: Node needs a few thousand calls before the JIT has compiled the hot path */
  warm: number;
}
const CASES: Case[] = [
  { name: "barrier", batch: 200, warm: 3000 },
  { name: "bcast-8B", batch: 200, warm: 3000 },
  { name: "bcast-1MiB", batch: 20, warm: 60 },
  { name: "allreduce-1double", batch: 200, warm: 3000 },
  { name: "allreduce-1Mi-doubles", batch: 4, warm: 4 },
  { name: "reduce-1Mi-doubles", batch: 4, warm: 4 },
  { name: "alltoall-1int", batch: 200, warm: 3000 },
  { name: "allreduce-value-number", batch: 200, warm: 3000 },
];
const reps = Number(process.env.BENCH_REPS ?? 7);
const wanted = (process.env.BENCH_CASES ?? "").split(",").filter(Boolean);
const cases = wanted.length ? CASES.filter((c) => wanted.includes(c.name)) : CASES;

const PYTHON_PEER = String.raw`
import json, sys, time
import numpy as np
from mpi4py import MPI
comm = MPI.COMM_WORLD
p = comm.size; rank = comm.rank
reps = int(sys.argv[1]); cases = json.loads(sys.argv[2])
def op(name):
    if name == "barrier": return comm.Barrier
    if name == "bcast-8B": b = np.zeros(8, dtype=np.uint8); return lambda: comm.Bcast(b, 0)
    if name == "bcast-1MiB": b = np.full(1 << 20, 3, dtype=np.uint8); return lambda: comm.Bcast(b, 0)
    if name == "allreduce-1double": s = np.ones(1); r = np.zeros(1); return lambda: comm.Allreduce(s, r)
    if name == "allreduce-1Mi-doubles": s = np.ones(1 << 20); r = np.zeros(1 << 20); return lambda: comm.Allreduce(s, r)
    if name == "reduce-1Mi-doubles": s = np.ones(1 << 20); r = np.zeros(1 << 20); return lambda: comm.Reduce(s, r, root=0)
    if name == "alltoall-1int": s = np.arange(p, dtype=np.int32); r = np.zeros(p, dtype=np.int32); return lambda: comm.Alltoall(s, r)
    if name == "allreduce-value-number": return lambda: comm.allreduce(rank + 0.5)
for c in cases:
    f = op(c["name"]); times = []
    for _ in range(min(c["warm"], 100)): f()
    for _ in range(reps):
        comm.Barrier(); t0 = time.perf_counter()
        for _ in range(c["batch"]): f()
        times.append(comm.allreduce((time.perf_counter() - t0) / c["batch"] * 1e6, op=MPI.MAX))
    if rank == 0: print(json.dumps({"case": c["name"], "np": p, "us": sorted(times)[len(times) // 2]}), flush=True)
`;

async function rankProgram(): Promise<void> {
  const mpi = await import("tsmpi");
  const comm = await mpi.init();
  const p = comm.size;
  const op = (name: string): (() => Promise<unknown>) => {
    switch (name) {
      case "barrier":
        return () => comm.barrier();
      case "bcast-8B": {
        const b = mpi.buf(new Uint8Array(8));
        return () => comm.bcastInto(b, 0);
      }
      case "bcast-1MiB": {
        const b = mpi.buf(new Uint8Array(1 << 20).fill(3));
        return () => comm.bcastInto(b, 0);
      }
      case "allreduce-1double": {
        const s = mpi.buf(new Float64Array(1).fill(1));
        const r = mpi.buf(new Float64Array(1));
        return () => comm.allreduceInto(s, r);
      }
      case "allreduce-1Mi-doubles": {
        const s = mpi.buf(new Float64Array(1 << 20).fill(1));
        const r = mpi.buf(new Float64Array(1 << 20));
        return () => comm.allreduceInto(s, r);
      }
      case "reduce-1Mi-doubles": {
        const s = mpi.buf(new Float64Array(1 << 20).fill(1));
        const r = mpi.buf(new Float64Array(1 << 20));
        return () => comm.reduceInto(s, comm.rank === 0 ? r : null, mpi.SUM, 0);
      }
      case "alltoall-1int": {
        const s = mpi.buf(Int32Array.from({ length: p }, (_, i) => i));
        const r = mpi.buf(new Int32Array(p));
        return () => comm.alltoallInto(s, r);
      }
      case "allreduce-value-number":
        return () => comm.allreduce(comm.rank + 0.5);
    }
    throw new Error(`unknown case ${name}`);
  };
  for (const c of JSON.parse(process.argv[2]) as Case[]) {
    const f = op(c.name);
    for (let i = 0; i < c.warm; i++) await f();
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      await comm.barrier();
      const t0 = performance.now();
      for (let i = 0; i < c.batch; i++) await f();
      times.push((await comm.allreduce(((performance.now() - t0) / c.batch) * 1000, mpi.MAX)) as number);
    }
    times.sort((a, b) => a - b);
    if (comm.rank === 0) console.log(JSON.stringify({ case: c.name, np: p, us: times[Math.floor(times.length / 2)] }));
  }
  await mpi.finalize();
}

async function driver(): Promise<void> {
  const { emit, jsonLines, mpi4pyAvailable, MPIRUN_ENV, tsrun } = await import("./lib.ts");
  const nps = (process.env.BENCH_NPS ?? "2,4,8").split(",").map(Number);
  const self = path.relative(process.cwd(), fileURLToPath(import.meta.url));
  const peer = mpi4pyAvailable();
  const pyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-bench-")), "collectives_mpi4py.py");
  fs.writeFileSync(pyFile, PYTHON_PEER);
  const extra = (process.env.BENCH_TSRUN_ARGS ?? "").split(" ").filter(Boolean);
  try {
    for (const np of nps) {
      const ours = jsonLines(process.execPath, [tsrun, "-np", String(np), ...extra, self, JSON.stringify(cases)]);
      const theirs = peer
        ? jsonLines(
            "mpirun",
            ["-np", String(np), "--oversubscribe", "/usr/bin/python3", pyFile, String(reps), JSON.stringify(cases)],
            MPIRUN_ENV,
          )
        : [];
      for (const r of ours) {
        const m = theirs.find((t) => t.case === r.case);
        const us = r.us as number;
        emit({
          bench: "collectives",
          case: r.case,
          np,
          tsmpiUs: Number(us.toFixed(1)),
          ...(m
            ? { mpi4pyUs: Number((m.us as number).toFixed(1)), ratio: Number((us / (m.us as number)).toFixed(2)) }
            : { mpi4py: "not installed" }),
        });
      }
    }
  } finally {
    fs.rmSync(path.dirname(pyFile), { recursive: true, force: true });
  }
}

if (process.env.TSMPI_RANK !== undefined) await rankProgram();
else await driver();
