// One grading job of a class: one student's file for one exercise, graded in this process (the grader
// runs outside the sandbox, in a network namespace of the job's own: jobs.ts) while every command the
// grader starts — tsrun and the student's ranks, the student's servers and clients — runs inside the
// sandbox (sandbox.ts); socket and salad programs share the job's loopback with the grader. Exercise 5's
// SSH hosts run in that sandbox too (ssh-hosts.ts). Started by jobs.ts as `node --import tsx worker.ts
// JOB-JSON`; writes its result as one JSON document to file descriptor 3, which no program's output reaches. Traces of runs whose
// check failed are kept and rendered with `tsrun view` for the report.
import * as fs from "node:fs";
import * as path from "node:path";
import { grade, type GradeOptions } from "../lib/grader.ts";
import { runCommand, setCommandWrapper, tsrunBin, type RunResult } from "../lib/run.ts";
import { programsFor } from "../sockets/lib/procs.ts";
import { allGraders, tsrunGraders } from "../submissions.ts";
import { lendToSandbox, limitReason, sandboxCommand, type SandboxLimits, type SandboxSpec } from "./sandbox.ts";
import { startJobHosts } from "./ssh-hosts.ts";

export interface WorkerJob {
  id: string;
  program: string;
  studentDir: string;
  jobDir: string;
  projectRoot: string;
  limits: SandboxLimits;
  uid?: number;
  np?: number[];
  /** Where failed runs' trace views go (absolute), and their path prefix as the report links them. */
  traceOut: string;
  traceLink: string;
  /** false: run unsandboxed (only the benchmark's baseline does). */
  sandbox: boolean;
  /** The programs share the grader's network namespace (set by runJob for socket and salad exercises). */
  shareNetwork?: boolean;
  /** Files laid over /etc inside (set by runJob when the job has SSH hosts). */
  binds?: SandboxSpec["binds"];
}

export interface CheckRow {
  what: string;
  passed: boolean;
  message: string;
  ms: number;
  trace?: string;
}

export interface WorkerResult {
  checks: CheckRow[];
  /** What the student would see: the grader's lines. */
  feedback: string;
}

interface Progress {
  lines: string[];
  starts: number[];
  ends: number[];
  notes: Map<number, string[]>;
  traces: Map<number, string>;
}

const newProgress = (): Progress => ({ lines: [], starts: [], ends: [], notes: new Map(), traces: new Map() });

/** Every command the grader starts from now on runs in the job's sandbox; `progress` records reasons and traces. */
export function wrapInSandbox(job: WorkerJob, progress: Progress = newProgress()): void {
  let runs = 0;
  const current = () => progress.starts.length - 1;
  setCommandWrapper((cmd, args, env, cwd, given) => {
    const inJob = cwd.startsWith(job.jobDir + path.sep) || cwd === job.jobDir;
    const where = inJob ? cwd : job.jobDir;
    if (job.uid !== undefined && inJob) fs.lchownSync(where, job.uid, job.uid);
    if (job.uid !== undefined)
      lendToSandbox(
        job.jobDir,
        [...args, ...Object.values(given).filter((v): v is string => typeof v === "string")],
        job.uid,
      );
    const wrapped = job.sandbox ? sandboxCommand(job, cmd, args, env, where, given) : { cmd, args, env };
    const done = (result: RunResult): RunResult => {
      const check = current();
      const reason = job.sandbox ? limitReason(job.limits, result, job.shareNetwork) : null;
      if (reason) progress.notes.set(check, [...(progress.notes.get(check) ?? []), reason]);
      const traceAt = args.indexOf("--trace");
      const traceDir = traceAt >= 0 ? args[traceAt + 1] : "";
      if (job.traceOut && traceDir && fs.existsSync(traceDir)) {
        const kept = path.join(job.jobDir, "kept-traces", String(runs++));
        // the trace was written by the student's processes: never follow a link they left in it
        fs.cpSync(traceDir, kept, { recursive: true, filter: (src) => !fs.lstatSync(src).isSymbolicLink() });
        progress.traces.set(check, kept);
      }
      return result;
    };
    return { ...wrapped, done };
  });
}

/** Renders a kept trace as the static view page; returns the report's link to it, or undefined. */
async function traceView(job: WorkerJob, dir: string, name: string): Promise<string | undefined> {
  fs.mkdirSync(job.traceOut, { recursive: true });
  const html = path.join(job.traceOut, `${name}.html`);
  const view = await runCommand(process.execPath, [tsrunBin, "view", dir, "-o", html], { timeoutMs: 60_000 });
  return view.code === 0 && fs.existsSync(html) ? `${job.traceLink}/${name}.html` : undefined;
}

export async function runJob(job: WorkerJob): Promise<WorkerResult> {
  const grader = allGraders.find((g) => g.id === job.id);
  if (!grader) throw new Error(`no grader ${job.id}`);
  const progress = newProgress();
  const sandboxed = { ...job, shareNetwork: !tsrunGraders.includes(grader) };
  const out = (line: string) => {
    if (line.startsWith("*** ")) progress.starts.push(Date.now());
    if (line.startsWith("--- ")) progress.ends.push(Date.now());
    progress.lines.push(line);
  };
  // exercise 5: its SSH hosts inside the job's sandbox (a host that cannot start is a grader error)
  const hosts =
    grader.sshHosts && job.sandbox
      ? await startJobHosts(
          { ...sandboxed, alsoRuns: programsFor(grader, { program: job.program }) },
          grader.sshHosts,
          hostsWallSeconds(job),
        )
      : undefined;
  wrapInSandbox({ ...sandboxed, binds: hosts?.binds }, progress);
  let checker: Awaited<ReturnType<typeof grade>>;
  try {
    checker = await grade(grader, { program: job.program, np: job.np, out, hostfile: hosts?.hostfile } as GradeOptions);
  } finally {
    setCommandWrapper(null);
    await hosts?.down();
  }
  const checks: CheckRow[] = [];
  for (const [i, r] of checker.results.entries()) {
    const notes = progress.notes.get(i) ?? [];
    const message = r.passed || !notes.length ? r.detail : `${r.detail} [sandbox: ${[...new Set(notes)].join("; ")}]`;
    const ms = (progress.ends[i] ?? Date.now()) - (progress.starts[i] ?? Date.now());
    const kept = progress.traces.get(i);
    const trace = !r.passed && kept ? await traceView(job, kept, `check-${i + 1}`) : undefined;
    checks.push({ what: r.what, passed: r.passed, message, ms, trace });
  }
  return { checks, feedback: feedbackText(progress.lines, checks) };
}

/**
 * How long a job's SSH hosts may live: one sandbox wall-time limit per run of the launcher the ring grader
 * makes (one per N, one as a chain, one with a bad machine list), plus one for the checks between them.
 */
function hostsWallSeconds(job: WorkerJob): number {
  const runs = (job.np?.length ?? 2) + 2;
  return (runs + 1) * job.limits.wallSeconds;
}

/** The grader's lines as the student reads them, each FAIL line with the sandbox's reason. */
function feedbackText(lines: string[], checks: CheckRow[]): string {
  let index = -1;
  return lines
    .map((line) => {
      if (!line.startsWith("--- ")) return line;
      const row = checks[++index];
      return line.startsWith("--- FAIL") && row && !row.passed ? `--- FAIL: ${row.message}` : line;
    })
    .join("\n");
}

const STOP_MS = 5_000;

/** The other live processes in this worker's network namespace (a zombie has no namespace left to read). */
function othersInJobNetwork(): number[] {
  const own = fs.readlinkSync("/proc/self/ns/net");
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
    .filter((e) => {
      try {
        return fs.readlinkSync(`/proc/${e}/ns/net`) === own;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Kills every other process in this worker's network namespace: the job's own (jobs.ts gives each job
 * one), so this reaches exactly what the job started there, in whatever sandbox or PID namespace. Again
 * and again until none is left (at most STOP_MS): a process forked during one pass (a session an SSH host
 * accepts, a sandbox starting) is found at the next.
 */
function stopJobNetwork(): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const until = Date.now() + STOP_MS; Date.now() < until; Atomics.wait(pause, 0, 0, 10)) {
    const left = othersInJobNetwork();
    if (!left.length) return;
    for (const pid of left)
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const job = JSON.parse(process.argv[2]) as WorkerJob;
  // an interrupted grading (Ctrl-C on a class run) still runs the exit handlers: whatever the job started
  // in its network (servers, exercise 5's hosts and daemons) goes with it
  if (job.sandbox) process.on("exit", stopJobNetwork);
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)
    process.on(signal, () => process.exit(code));
  runJob(job).then(
    (result) => {
      fs.writeSync(3, JSON.stringify(result));
      fs.closeSync(3);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`grade worker: ${(err as Error)?.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
