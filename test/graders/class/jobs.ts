// Runs the grading jobs of a class in parallel: one worker process per (student, exercise), at most
// `jobs` at a time, each in its own slot (its own job directory and, when grading as root, its own
// unprivileged uid, so that process limits apply per slot). Sandboxed, each worker runs in a network
// namespace of its own (bubblewrap --unshare-net, the whole file system as it is: the grader is the
// teacher's code): a socket exercise's grader and the student's programs talk over that namespace's
// loopback and reach nothing else, and two jobs never compete for a port. A worker that dies is a
// "grader error" for that submission only; an interrupted run hands its signal on to the workers
// (interruptWorkers), which stop what their jobs started before the run exits.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { projectRoot } from "../lib/run.ts";
import { bwrapCommand, prepareJobDir, type SandboxLimits } from "./sandbox.ts";
import type { WorkerJob, WorkerResult } from "./worker.ts";

const workerFile = path.join(path.dirname(fileURLToPath(import.meta.url)), "worker.ts");

export interface GradingTask {
  student: string;
  studentDir: string;
  exercise: string;
  program: string;
}

export interface PoolOptions {
  jobs: number;
  workDir: string;
  outDir: string;
  limits: SandboxLimits;
  np?: number[];
  sandbox: boolean;
  /** First uid of the slots when grading as root (slot k runs as uidBase + k). */
  uidBase?: number;
}

export type TaskOutcome = { ok: true; result: WorkerResult; ms: number } | { ok: false; error: string; ms: number };

/** The workers running now (the spawned process: the network sandbox around the worker, or the worker). */
const running = new Map<ChildProcess, boolean>();

/** The children of a process (from /proc), e.g. the worker inside its network sandbox. */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = fs.readFileSync(`/proc/${e}/stat`, "latin1");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * An interrupted class run: passes `signal` on to every running worker (which then stops what its job
 * started: worker.ts) and waits for them to end, at most `ms`. Exiting at once would kill the workers
 * before they can (their network sandbox dies with this process).
 */
export async function interruptWorkers(signal: NodeJS.Signals, ms: number): Promise<void> {
  const ended = [...running.keys()].map((child) => {
    const done = new Promise((resolve) => child.once("close", resolve));
    for (const pid of running.get(child) ? childrenOf(child.pid!) : [child.pid!])
      try {
        process.kill(pid, signal);
      } catch {}
    return done;
  });
  await Promise.race([Promise.all(ended), new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

/** Spawns the worker for one task and reads its result line. */
function runWorker(task: GradingTask, slot: number, options: PoolOptions, sequence: number): Promise<TaskOutcome> {
  const started = Date.now();
  const uid = options.uidBase !== undefined ? options.uidBase + slot : undefined;
  const jobDir = path.join(options.workDir, `j${sequence}`);
  prepareJobDir(jobDir, uid);
  const link = ["traces", task.student, task.exercise].map(encodeURIComponent).join("/");
  const job: WorkerJob = {
    id: task.exercise,
    program: task.program,
    studentDir: task.studentDir,
    jobDir,
    projectRoot,
    limits: options.limits,
    uid,
    np: options.np,
    traceOut: path.join(options.outDir, "traces", task.student, task.exercise),
    traceLink: link,
    sandbox: options.sandbox,
  };
  fs.rmSync(job.traceOut, { recursive: true, force: true });
  return new Promise((resolve) => {
    const worker = [process.execPath, "--import", "tsx", workerFile, JSON.stringify(job)];
    const command = options.sandbox ? [...ownNetwork(), ...worker] : worker;
    const child = spawn(command[0], command.slice(1), {
      cwd: projectRoot,
      env: { ...process.env, TMPDIR: jobDir },
      stdio: ["ignore", "ignore", "pipe", "pipe"],
      // a session of its own: a terminal's Ctrl-C reaches this run alone, which hands it on to the worker
      // (interruptWorkers); reaching the network sandbox, it would kill it, and the worker with it
      // (--die-with-parent) before the worker could stop what its job started
      detached: options.sandbox,
    });
    running.set(child, options.sandbox);
    let output = "";
    let stderr = "";
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding("utf8").on("data", (d: string) => (output += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
    child.on("close", (code) => {
      running.delete(child);
      fs.rmSync(jobDir, { recursive: true, force: true });
      const ms = Date.now() - started;
      if (code === 0 && output) resolve({ ok: true, result: JSON.parse(output) as WorkerResult, ms });
      else resolve({ ok: false, error: `the grader stopped (exit ${code}): ${whatWentWrong(stderr)}`, ms });
    });
  });
}

/**
 * The prefix that runs the worker in a network namespace of its own, with only a loopback (bubblewrap
 * brings it up). As root the worker keeps its capabilities: it drops each student program to the
 * slot's uid (setpriv) itself.
 */
function ownNetwork(): string[] {
  const root = process.getuid?.() === 0;
  return [
    bwrapCommand(),
    "--unshare-net",
    "--dev-bind",
    "/",
    "/",
    "--die-with-parent",
    ...(root ? ["--cap-add", "ALL"] : []),
    "--chdir",
    projectRoot,
    "--",
  ];
}

/** The worker's error line and where it came from, rather than the last lines of a stack trace. */
function whatWentWrong(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const error = lines.findIndex((l) => /Error\b|error:/.test(l));
  return (error >= 0 ? lines.slice(error, error + 3) : lines.slice(-3)).join(" | ");
}

/** Runs every task, `jobs` at a time; calls `done` as each one ends (in completion order). */
export async function runTasks(
  tasks: GradingTask[],
  options: PoolOptions,
  done: (task: GradingTask, outcome: TaskOutcome) => void,
): Promise<void> {
  let next = 0;
  const slot = async (k: number) => {
    while (next < tasks.length) {
      const i = next++;
      done(tasks[i], await runWorker(tasks[i], k, options, i));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, tasks.length)) }, (_, k) => slot(k)));
}
