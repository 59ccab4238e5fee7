// `npm run bench -- launch` (Slurm rows, issue 12): wall time to start and finish an empty tsmpi program
// with 4 ranks under a real throw-away Slurm cluster (test/slurm/cluster.sh, two fake nodes), next to
// `tsrun -np 4` on this machine and `srun -n 4 true` (Slurm's own floor), measured in one run, the
// variants interleaved so that load from other work on the machine falls on all of them alike.
// Rows: srun --mpi=pmi2 -n 4 tsrun (direct launch, one node and both nodes), salloc -n 4 tsrun (tsrun
// inside an allocation, which runs srun itself), tsrun -np 4 (local), srun -n 4 true. JSON lines.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { emit, median, root, tsrun } from "./lib.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const script = path.join(root, "test/slurm/cluster.sh");
const empty = "bench/programs/empty.ts";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-bench-slurm-"));

interface Variant {
  name: string;
  cmd: string;
  args: string[];
  times: number[];
}

const variants: Variant[] = [
  {
    name: "srun --mpi=pmi2 -n 4 tsrun (direct launch)",
    cmd: "srun",
    args: ["--mpi=pmi2", "-n", "4", process.execPath, tsrun, empty],
  },
  {
    name: "srun --mpi=pmi2 -N 2 -n 4 tsrun (direct launch, 2 nodes)",
    cmd: "srun",
    args: ["--mpi=pmi2", "-N", "2", "--ntasks-per-node=2", process.execPath, tsrun, empty],
  },
  {
    name: "salloc -n 4 tsrun (inside an allocation)",
    cmd: "salloc",
    args: ["-n", "4", process.execPath, tsrun, empty],
  },
  { name: "tsrun -np 4 (local)", cmd: process.execPath, args: [tsrun, "-np", "4", empty] },
  { name: "srun -n 4 true", cmd: "srun", args: ["-n", "4", "true"] },
].map((v) => ({ ...v, times: [] }));

function timeOnce(v: Variant, env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync(v.cmd, v.args, {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${v.name} failed (exit ${r.status}): ${r.stderr?.toString().slice(-500)}`);
  return ms;
}

const missing = ["slurmctld", "slurmd", "srun", "munged"].filter(
  (c) => spawnSync("sh", ["-c", `command -v ${c}`]).status !== 0,
);
if (missing.length || process.getuid?.() !== 0) {
  emit({
    bench: "launch-slurm",
    skipped: missing.length
      ? `not installed: ${missing.join(", ")} (apt-get install -y --no-install-recommends slurmctld slurmd slurm-client munge)`
      : "needs root (starts a test cluster)",
  });
  process.exit(0);
}
try {
  const up = spawnSync("bash", [script, "up", dir], { encoding: "utf8", timeout: 60_000 });
  if (up.status !== 0) throw new Error(`cluster.sh up failed: ${up.stderr}`);
  const env = { SLURM_CONF: path.join(dir, "slurm.conf") };
  for (const v of variants) timeOnce(v, env); // warm up: bundle cache, page cache, first-job set-up
  for (let i = 0; i < RUNS; i++) for (const v of variants) v.times.push(timeOnce(v, env));
  const local = median(variants.find((v) => v.name.startsWith("tsrun -np 4"))!.times);
  for (const v of variants) {
    const ms = median(v.times);
    emit({
      bench: "launch-slurm",
      np: 4,
      what: v.name,
      medianMs: Math.round(ms),
      minMs: Math.round(Math.min(...v.times)),
      runs: RUNS,
      vsLocalTsrun: Number((ms / local).toFixed(2)),
    });
  }
} finally {
  execFileSync("bash", [script, "down", dir], { stdio: "ignore" });
}
