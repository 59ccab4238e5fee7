// Process helpers for graders and tests: run a command (or a program through the real tsrun)
// with a hang guard, capture its output, and kill its whole process group on timeout.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const tsrunBin = path.join(projectRoot, "launcher/bin/tsrun.mjs");

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Hang guard in milliseconds (not a benchmark); the process group is killed past it. */
  timeoutMs?: number;
}

/**
 * Rewrites a command before it starts (class grading runs each student's processes in a sandbox).
 * `env` is the whole environment; `given` only what the grader set on purpose (a PATH, a variable).
 */
export type CommandWrapper = (
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  given: NodeJS.ProcessEnv,
) => { cmd: string; args: string[]; env: NodeJS.ProcessEnv; done?: (result: RunResult) => RunResult };
let commandWrapper: CommandWrapper | null = null;
export function setCommandWrapper(wrapper: CommandWrapper | null): void {
  commandWrapper = wrapper;
}

/** Whether commands are being wrapped (a grader then knows its programs run sandboxed and unprivileged). */
export function commandsWrapped(): boolean {
  return commandWrapper !== null;
}

/**
 * The command that actually starts for `cmd args` in `cwd` with `given` on top of this process's
 * environment: unchanged, or wrapped. Every helper that starts a student's program goes through here
 * (runCommand, the socket graders' Procs, the salad graders' Live).
 */
export function wrapCommand(
  cmd: string,
  args: string[],
  cwd: string,
  given: NodeJS.ProcessEnv = {},
): ReturnType<CommandWrapper> {
  const env = { ...process.env, ...given };
  return commandWrapper ? commandWrapper(cmd, args, env, cwd, given) : { cmd, args, env };
}

export function runCommand(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const cwd = options.cwd ?? projectRoot;
  const run = wrapCommand(cmd, args, cwd, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(run.cmd, run.args, {
      cwd,
      env: run.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
    // Past the hang guard: SIGTERM first (tsrun then stops its ranks, even busy ones), SIGKILL 2 s later.
    const kill = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {}
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      kill("SIGTERM");
      killTimer = setTimeout(() => kill("SIGKILL"), 2000);
    }, options.timeoutMs ?? 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      const result = { code, signal, stdout, stderr, timedOut, ms: Date.now() - started };
      resolve(run.done ? run.done(result) : result);
    });
  });
}

/** Runs `tsrun -np N [args] program [programArgs]` through the real launcher. */
export function runTsrun(
  np: number,
  program: string,
  options: RunOptions & { tsrunArgs?: string[]; programArgs?: string[] } = {},
): Promise<RunResult> {
  const args = [tsrunBin, "-np", String(np), ...(options.tsrunArgs ?? []), program, ...(options.programArgs ?? [])];
  return runCommand(process.execPath, args, options);
}

/** A TCP port free on 127.0.0.1 at the time of the call (the launcher's helper). */
export { freePort } from "../../../launcher/ports.ts";
