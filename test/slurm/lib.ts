// Helpers of the Slurm tests: a throw-away cluster per test file (test/slurm/cluster.sh, two fake nodes
// n1/n2), Slurm clients run against it with the hang guard of test/harness/run.ts, and a process
// whose output can be waited for line by line (to scancel a job once its ranks are up).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { projectRoot, runCommand, tsrunBin, type RunResult } from "../harness/run.ts";

export { projectRoot, tsrunBin };
export const clusterScript = path.join(projectRoot, "test/slurm/cluster.sh");
export const programs = path.join(projectRoot, "test/slurm/programs");
export const ring = path.join(projectRoot, "exercises/mpi/ring.ts");
export const JOB_GUARD_MS = 60_000;

export interface Cluster {
  dir: string;
  /** The environment a Slurm client needs to reach this cluster (never set on the test process itself). */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

/** Starts a cluster in a fresh directory; it is stopped by stop(), and at the latest when this process exits. */
export function startCluster(): Cluster {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-slurm-"));
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    spawnSync("bash", [clusterScript, "down", dir], { stdio: "inherit", timeout: 60_000 });
  };
  process.once("exit", stop);
  const up = spawnSync("bash", [clusterScript, "up", dir], { encoding: "utf8", timeout: 60_000 });
  if (up.status !== 0) {
    stop();
    throw new Error(`cluster.sh up failed (exit ${up.status}): ${up.stderr}${up.stdout}`);
  }
  return { dir, env: { SLURM_CONF: path.join(dir, "slurm.conf") }, stop };
}

/** Runs a Slurm client (srun, salloc, sbatch, …) against the cluster, from the project root. */
export function slurm(
  cluster: Cluster,
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  return runCommand(cmd, args, { env: { ...cluster.env, ...options.env }, cwd: options.cwd, timeoutMs: JOB_GUARD_MS });
}

/** `node tsrun.mjs …`: the command line a task or an allocation runs. */
export function tsrun(...args: string[]): string[] {
  return [process.execPath, tsrunBin, ...args];
}

/** JSON lines of an output. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Resolves when `check()` is true, polling every 50 ms; rejects after `guardMs` (a hang guard). */
export async function waitFor(what: string, check: () => boolean, guardMs = 30_000): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${guardMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A running client whose stdout lines can be awaited; kill() stops its process group. */
export class Running {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(cluster: Cluster, cmd: string, args: string[]) {
    this.child = spawn(cmd, args, {
      cwd: projectRoot,
      env: { ...process.env, ...cluster.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  kill(): void {
    try {
      process.kill(-this.child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

/** True while `pid` is a live process (a zombie is not alive). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Live processes of session `sid` (a client started detached leads its own session, with what it started). */
export function sessionMembers(sid: number): number[] {
  const members: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , , session] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(session) === sid && state !== "Z") members.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return members;
}

/** The command line of `pid` ("" once it is gone). */
export function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

/** Pids of the live children of `ppid`. */
export function childrenOf(ppid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = (() => {
      try {
        return fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        return "";
      }
    })();
    const [state, parent] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(parent) === ppid && state !== "Z") children.push(Number(entry));
  }
  return children;
}
