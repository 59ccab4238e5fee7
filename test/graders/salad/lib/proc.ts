// Salad graders: start TypeScript programs as real processes (node --import tsx, each in its own process
// group), wait for a line of their output with a hang guard, and kill every process a grader started.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { fail } from "../../lib/grader.ts";
import { projectRoot, wrapCommand } from "../../lib/run.ts";

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running program: its output so far, its exit, and line waits with a hang guard. */
export class Live {
  stdout = "";
  stderr = "";
  exitInfo: Exit | undefined;
  readonly exit: Promise<Exit>;
  private readonly pid: number;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    file: string,
    args: string[],
    env: NodeJS.ProcessEnv = {},
  ) {
    const started = Date.now();
    // through the command wrapper: when a class is graded, the program runs in the student's sandbox
    const run = wrapCommand(process.execPath, ["--import", tsxLoader, file, ...args], projectRoot, env);
    const child = spawn(run.cmd, run.args, {
      cwd: projectRoot,
      env: run.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.pid = child.pid!;
    const changed = () => this.listeners.forEach((l) => l());
    child.stdout.setEncoding("utf8").on("data", (d: string) => ((this.stdout += d), changed()));
    child.stderr.setEncoding("utf8").on("data", (d: string) => ((this.stderr += d), changed()));
    this.exit = new Promise((resolve) => {
      child.on("error", (err) => {
        this.stderr += String(err);
        this.exitInfo = { code: -1, signal: null };
        changed();
        resolve(this.exitInfo);
      });
      child.on("close", (code, signal) => {
        run.done?.({
          code,
          signal,
          stdout: this.stdout,
          stderr: this.stderr,
          timedOut: false,
          ms: Date.now() - started,
        });
        this.exitInfo = { code, signal };
        changed();
        resolve(this.exitInfo);
      });
    });
  }

  lines(pattern?: RegExp): string[] {
    const all = this.stdout.split("\n").filter(Boolean);
    return pattern ? all.filter((l) => pattern.test(l)) : all;
  }

  /** "exited with code 1: <last stderr line>" or "still running". */
  describe(): string {
    if (!this.exitInfo) return `${this.name} still running`;
    // the line that says what happened: not a stack frame, not Node's version banner; an Error line first
    const lines = this.stderr
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("at ") && !/^Node\.js v/.test(l) && l !== "^");
    const last = [...lines].reverse().find((l) => /Error\b|error:/.test(l)) ?? lines[lines.length - 1];
    const how = this.exitInfo.signal
      ? `was killed by ${this.exitInfo.signal}`
      : `exited with code ${this.exitInfo.code}`;
    return `${this.name} ${how}${last ? `: ${last.slice(0, 300)}` : ""}`;
  }

  /** Resolves with the first `count` stdout lines matching `pattern`; fails if the program exits first or after `timeoutMs`. */
  waitForLines(pattern: RegExp, count: number, what: string, timeoutMs = 45_000): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          done(() =>
            fail(
              `${this.name} printed ${this.lines(pattern).length} ${what} line(s) in ${timeoutMs / 1000} s`,
              `${count}`,
            ),
          ),
        timeoutMs,
      );
      const done = (outcome: () => string[]) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        try {
          resolve(outcome());
        } catch (err) {
          reject(err);
        }
      };
      const listener = () => {
        const found = this.lines(pattern);
        if (found.length >= count) done(() => found.slice(0, count));
        else if (this.exitInfo)
          done(() => fail(`${this.describe()}, after ${found.length} ${what} line(s)`, `${count} ${what} line(s)`));
      };
      this.listeners.add(listener);
      listener();
    });
  }

  async waitForLine(pattern: RegExp, what: string, timeoutMs?: number): Promise<RegExpMatchArray> {
    const [line] = await this.waitForLines(pattern, 1, what, timeoutMs);
    return line.match(pattern)!;
  }

  /** Waits for the exit, failing past `timeoutMs` (the process is then killed). */
  async finished(timeoutMs = 45_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const outcome = await Promise.race([this.exit, guard]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      this.kill();
      fail(
        `${this.name} still running after ${timeoutMs / 1000} s`,
        "it to finish",
        "It may be waiting forever: look at what it printed last",
      );
    }
    return outcome;
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (this.exitInfo) return;
    try {
      process.kill(-this.pid, signal);
    } catch {}
  }
}

/** Every process a grader starts, so that all are killed when it ends, on every path. */
export class Processes {
  private readonly all: Live[] = [];
  start(name: string, file: string, args: string[] = [], env?: NodeJS.ProcessEnv): Live {
    const live = new Live(name, file, args, env);
    this.all.push(live);
    return live;
  }
  async killAll(): Promise<void> {
    for (const p of this.all) p.kill();
    await Promise.all(this.all.map((p) => p.exit));
  }
}

/** Runs `body` with a fresh process registry and kills what is left when it ends. */
export async function withProcesses<T>(body: (procs: Processes) => Promise<T>): Promise<T> {
  const procs = new Processes();
  try {
    return await body(procs);
  } finally {
    await procs.killAll();
  }
}
