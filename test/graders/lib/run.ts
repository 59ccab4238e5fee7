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

/** Rewrites a command before it starts (class grading runs each student's processes in a sandbox). */
export type CommandWrapper = (cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) =>
  { cmd: string; args: string[]; env: NodeJS.ProcessEnv; done?: (result: RunResult) => RunResult };
let commandWrapper: CommandWrapper | null = null;
export function setCommandWrapper(wrapper: CommandWrapper | null): void {
  commandWrapper = wrapper;
}

export function runCommand(cmd: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const cwd = options.cwd ?? projectRoot;
  const plain = { cmd, args, env: { ...process.env, ...options.env } };
  const run: ReturnType<CommandWrapper> = commandWrapper ? commandWrapper(cmd, args, plain.env, cwd) : plain;
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
