// `npm run bench -- rma` (issue 6): one-sided latency and bandwidth of tsmpi at np = 4 — put and get of 8 B
// and 1 MiB from rank 0 to rank 1 per epoch under fence (collective over the 4 ranks), under lock/unlock,
// and inside one lock epoch with flush — and fetchAndOp throughput (one origin, then every rank on one
// counter), next to a point-to-point ping-pong of the same sizes between the same ranks in the same run.
// Prints JSON lines: one per case with µs per epoch (or per op), MB/s, and its ratio to the ping-pong
// round trip. This file is both the driver (run by tsx) and the tsrun program (when TSMPI_RANK is set).
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as mpi from "tsmpi";

const SIZES = [8, 1 << 20];
const NP = 4;
const reps = (size: number) => (size <= 1024 ? 1000 : 30);
const PASSES = 3;

/** Median over passes of the µs per repetition of `body`, slowest rank of each pass (one warm-up pass first). */
async function timeUs(comm: mpi.Intracomm, n: number, body: () => Promise<void>): Promise<number> {
  const passes: number[] = [];
  for (let pass = 0; pass <= PASSES; pass++) {
    await comm.barrier();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await body();
    const slowest = (await comm.allreduce(performance.now() - t0, mpi.MAX)) as number;
    if (pass > 0) passes.push((slowest / n) * 1000);
  }
  passes.sort((a, b) => a - b);
  return passes[Math.floor(passes.length / 2)];
}

async function rank(): Promise<void> {
  const comm = await mpi.init();
  const me = comm.rank;
  const out = (record: Record<string, unknown>) => me === 0 && console.log(JSON.stringify(record));
  const win = await mpi.Win.create(new Uint8Array(1 << 20), comm);
  for (const size of SIZES) {
    const data = new Uint8Array(size).fill(7);
    const n = reps(size);
    // the baseline: blocking ping-pong between ranks 0 and 1 (one-way = round trip / 2)
    const roundTrip = await timeUs(comm, n, async () => {
      if (me === 0) {
        await comm.send(data, 1, 0);
        await comm.recv(1, 0);
      } else if (me === 1) await comm.send(await comm.recv(0, 0), 0, 0);
    });
    out({ case: "pingpong", size, us: roundTrip / 2, roundTripUs: roundTrip });
    for (const op of ["put", "get"] as const) {
      const access = () => (op === "put" ? win.put(data, 1, 0) : win.get(data, 1, 0));
      await win.fence();
      const fence = await timeUs(comm, n, async () => {
        if (me === 0) access();
        await win.fence();
      });
      await win.fence(mpi.MODE_NOSUCCEED);
      out({ case: `${op}+fence`, size, us: fence, roundTripUs: roundTrip });
      const lock = await timeUs(comm, n, async () => {
        if (me !== 0) return;
        await win.lock(1, mpi.LOCK_EXCLUSIVE);
        access();
        await win.unlock(1);
      });
      out({ case: `lock+${op}+unlock`, size, us: lock, roundTripUs: roundTrip });
      if (me === 0) await win.lock(1, mpi.LOCK_SHARED);
      const flush = await timeUs(comm, n, async () => {
        if (me !== 0) return;
        access();
        await win.flush(1);
      });
      if (me === 0) await win.unlock(1);
      out({ case: `${op}+flush`, size, us: flush, roundTripUs: roundTrip });
    }
  }
  const eightByteRoundTrip = await timeUs(comm, 1000, async () => {
    if (me === 0) {
      await comm.send(new Uint8Array(8), 1, 0);
      await comm.recv(1, 0);
    } else if (me === 1) await comm.send(await comm.recv(0, 0), 0, 0);
  });
  const counter = await mpi.Win.allocate(1, mpi.INT64, comm);
  await counter.lockAll();
  const one = await timeUs(comm, 1000, async () => {
    if (me === 1) await counter.fetchAndOp(1n, 0, 0, mpi.SUM);
  });
  out({
    case: "fetchAndOp (rank 1 → rank 0)",
    size: 8,
    us: one,
    opsPerSecond: 1e6 / one,
    roundTripUs: eightByteRoundTrip,
  });
  const all = await timeUs(comm, 500, async () => {
    await counter.fetchAndOp(1n, 0, 0, mpi.SUM);
  });
  out({
    case: `fetchAndOp (all ${comm.size} ranks → rank 0)`,
    size: 8,
    us: all / comm.size,
    opsPerSecond: (comm.size * 1e6) / all,
    roundTripUs: eightByteRoundTrip,
  });
  await counter.unlockAll();
  await counter.free();
  await win.free();
  await mpi.finalize();
}

function drive(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const r = spawnSync(
    process.execPath,
    [path.join(root, "launcher/bin/tsrun.mjs"), "-np", String(NP), path.join(root, "bench/rma.ts")],
    { cwd: root, encoding: "utf8", maxBuffer: 16 << 20 },
  );
  if (r.status !== 0) {
    console.error(`bench rma: tsrun failed (${r.status}): ${r.stderr}`);
    process.exit(1);
  }
  for (const line of r.stdout.split("\n").filter((l) => l.startsWith("{"))) {
    const m = JSON.parse(line) as {
      case: string;
      size: number;
      us: number;
      roundTripUs: number;
      opsPerSecond?: number;
    };
    console.log(
      JSON.stringify({
        bench: "rma",
        np: NP,
        case: m.case,
        size: m.size,
        us: Number(m.us.toFixed(2)),
        bandwidthMBs: Number((m.size / m.us).toFixed(1)),
        ...(m.opsPerSecond ? { opsPerSecond: Math.round(m.opsPerSecond) } : {}),
        pingpongRoundTripUs: Number(m.roundTripUs.toFixed(2)),
        ratioToRoundTrip: Number((m.us / m.roundTripUs).toFixed(2)),
      }),
    );
  }
}

if (process.env.TSMPI_RANK !== undefined) await rank();
else drive();
