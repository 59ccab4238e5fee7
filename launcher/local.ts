// Starting ranks as local child processes. Each rank runs the job's bundled program under plain node,
// in its own process group (so a rank's own children are stopped with it), with the bootstrap variables
// of runtime/wire/bootstrap.ts in its environment; the job secret arrives on descriptor 3, a pipe tsrun fills
// and closes (never in the environment, where /proc/<pid>/environ keeps it, nor on a command line).
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Readable, Writable } from "node:stream";
import { compileCacheEnv } from "./bundle.ts";

export interface RankSpec {
  rank: number;
  bundle: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdin: boolean; // only rank 0 reads the launcher's stdin
  nodeArgs?: string[];
  /** A whole command line to start instead of node running the bundle (tsrun -np 4 hostname). */
  command?: string[];
  /** Variables exported with -x (remote ranks get these and the TSMPI_ ones, not the launcher's whole environment). */
  exported: string[];
  /** The job secret: written to the rank's descriptor SECRET_FD (the variable TSMPI_SECRET_FD names it). */
  secret?: string;
}

/** The descriptor a local rank reads the job secret from. */
export const SECRET_FD = 3;

/** A started rank, wherever it runs. */
export interface RankProcess {
  rank: number;
  pid: number;
  host: string;
  stdout: Readable;
  stderr: Readable;
  stdin: Writable | null;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals the rank and everything it started. */
  kill(signal: NodeJS.Signals): void;
}

export class SpawnError extends Error {}

export function spawnLocalRank(spec: RankSpec, host: string): Promise<RankProcess> {
  return new Promise((resolve, reject) => {
    const [file, ...argv] = spec.command ?? [
      process.execPath,
      ...(spec.nodeArgs ?? []),
      "--enable-source-maps",
      spec.bundle,
      ...spec.args,
    ];
    const child: ChildProcess = spawn(file, argv, {
      cwd: spec.cwd,
      env: spec.command ? spec.env : compileCacheEnv(spec.env),
      stdio: [spec.stdin ? "pipe" : "ignore", "pipe", "pipe", spec.secret !== undefined ? "pipe" : "ignore"],
      detached: true,
    });
    const secretPipe = child.stdio[SECRET_FD] as Writable | null;
    secretPipe?.on("error", () => {}); // the rank died before reading it
    secretPipe?.end(`${spec.secret}\n`);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on("exit", (code, signal) => done({ code, signal })),
    );
    child.once("error", (err) => reject(new SpawnError(`cannot start rank ${spec.rank}: ${err.message}`)));
    child.once("spawn", () =>
      resolve({
        rank: spec.rank,
        pid: child.pid!,
        host,
        stdout: child.stdout!,
        stderr: child.stderr!,
        stdin: child.stdin ?? null,
        exited,
        kill(signal) {
          try {
            process.kill(-child.pid!, signal);
          } catch {
            /* already gone */
          }
        },
      }),
    );
  });
}

/**
 * A watchdog for the case tsrun cannot handle itself: if tsrun is killed outright (SIGKILL), a rank busy in
 * a synchronous loop would never notice its control socket closing, and nobody would remove the job's
 * directory. This tiny shell process, started as soon as the directory exists, polls tsrun and, once it is
 * gone, kills the process group of every rank recorded so far (`add`) and removes the directory. tsrun
 * stops it when the job ends normally. The pid list lives in the job's own 0700 directory.
 */
export function startReaper(jobDir: string): { add(pid: number): void; stop(): void } {
  const pidFile = path.join(jobDir, "reap.pids");
  const script =
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
    `[ -s "$1/reap.pids" ] && xargs kill -9 -- < "$1/reap.pids" 2>/dev/null; rm -rf -- "$1"`;
  const reaper = spawn("/bin/sh", ["-c", script, "tsrun-reaper", jobDir], { detached: true, stdio: "ignore" });
  reaper.on("error", () => {});
  reaper.unref();
  const recorded = new Set<number>();
  return {
    add(pid) {
      if (recorded.has(pid)) return; // the ranks of --transport shm share one process
      recorded.add(pid);
      fs.appendFileSync(pidFile, `-${pid}\n`, { mode: 0o600 });
    },
    stop() {
      try {
        reaper.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    },
  };
}
