// Shared helpers for benchmarks: run a command and collect its JSON lines, find optional peers (mpirun,
// mpi4py), and print results as JSON lines. Benchmarks measure their baseline in the same run and report ratios.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const tsrun = path.join(root, "launcher/bin/tsrun.mjs");

export function jsonLines(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Record<string, unknown>[] {
  const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l));
}

/** Wall time of a command in ms (median of `runs`). */
export function wallMs(cmd: string, args: string[], runs = 5, env: NodeJS.ProcessEnv = {}): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: root, stdio: "ignore", env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}`);
    times.push(performance.now() - t0);
  }
  return median(times);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** mpirun and mpi4py, when installed (apt-get install openmpi-bin python3-mpi4py python3-numpy). */
export function mpi4pyAvailable(): boolean {
  const r = spawnSync("/usr/bin/python3", ["-c", "import mpi4py, numpy"], { stdio: "ignore" });
  return r.status === 0 && spawnSync("mpirun", ["--version"], { stdio: "ignore" }).status === 0;
}

export const MPIRUN_ENV = {
  OMPI_ALLOW_RUN_AS_ROOT: "1",
  OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: "1",
  OMPI_MCA_rmaps_base_oversubscribe: "1",
};

export function emit(record: Record<string, unknown>): void {
  console.log(JSON.stringify(record));
}
