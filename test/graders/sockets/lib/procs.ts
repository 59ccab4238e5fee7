// Process and socket helpers for the socket-exercise graders (lab book part 1): start a program as a
// real process (Node + tsx, same pid as the program, so SIGSTOP reaches it), wait for a line of its
// output with a hang guard, signal or kill its process group, and find which file plays which role
// when a teacher grades a student's folder. Every failure becomes a CheckFailure with what was seen.
import { spawn, type ChildProcess } from "node:child_process";
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fail, type GradeOptions, type Grader } from "../../lib/grader.ts";
import { commandsWrapped, projectRoot, wrapCommand, type RunResult } from "../../lib/run.ts";
import { readWrittenFile as readProgramFile, UnsafeFileError } from "../../lib/written-file.ts";

const tsxLoader = import.meta.resolve("tsx");

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

type LineTest = RegExp | ((line: string) => boolean);
const matches = (test: LineTest, line: string) => (typeof test === "function" ? test(line) : test.test(line));

/** A running program: its stdout lines, its stderr text, and its exit once it happened. */
export class Proc {
  readonly lines: string[] = [];
  stderr = "";
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly label: string,
    readonly child: ChildProcess,
  ) {
    let pending = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk;
      const parts = pending.split("\n");
      pending = parts.pop()!;
      this.lines.push(...parts.map((l) => l.replace(/\r$/, "")));
      this.notify();
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    child.stdin!.on("error", () => {});
    this.exited = new Promise((resolve) => {
      child.on(
        "error",
        (error) => (
          (this.stderr += String(error)),
          (this.exit = { code: -1, signal: null }),
          this.notify(),
          resolve(this.exit)
        ),
      );
      child.on("close", (code, signal) => {
        if (pending) {
          this.lines.push(pending);
          pending = "";
        }
        this.exit = { code, signal };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }
  get stdout(): string {
    return this.lines.join("\n");
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Calls `listener` after each new output line and at exit; returns the function that stops it. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** How the process ended, for messages: "exited with code 1: <last line of stderr>". */
  describeExit(): string {
    if (!this.exit) return "still running";
    const useful = this.stderr
      .split("\n")
      .filter((l) => l.trim() && !/^\s+at |^Node\.js v|^\s*\^+\s*$|triggerUncaughtException|^node:internal/.test(l));
    const last = useful.find((l) => /\bError\b|Error:/.test(l)) ?? useful.slice(-1)[0];
    return `${this.label} ${this.exit.signal ? `was killed by ${this.exit.signal}` : `exited with code ${this.exit.code}`}${last ? `: ${last.trim().slice(0, 300)}` : ""}`;
  }

  /** Index of the first stdout line at or after `from` passing `test`, or -1. */
  find(test: LineTest, from = 0): number {
    for (let i = from; i < this.lines.length; i++) if (matches(test, this.lines[i])) return i;
    return -1;
  }

  /** Waits for a stdout line passing `test`; fails the check after `timeoutMs` or if the process ends first. */
  waitFor(test: LineTest, what: string, timeoutMs = 20_000, from = 0): Promise<{ line: string; index: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const attempt = () => {
        const index = this.find(test, from);
        if (index >= 0) return done(() => resolve({ line: this.lines[index], index }));
        if (this.exit)
          return done(() =>
            reject(failure(`${what}: never printed; ${this.describeExit()}`, `${what} printed by ${this.label}`)),
          );
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              failure(
                `${what}: not printed after ${((Date.now() - started) / 1000).toFixed(1)} s`,
                `${what} printed by ${this.label}`,
                lastLines(this),
              ),
            ),
          ),
        timeoutMs,
      );
      const done = (finish: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(attempt);
        finish();
      };
      this.listeners.add(attempt);
      attempt();
    });
  }

  /** Waits for the process to end, failing the check after `timeoutMs`. */
  async waitExit(what: string, timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            failure(
              `${what}: ${this.label} still running after ${timeoutMs / 1000} s`,
              `${this.label} to finish`,
              lastLines(this),
            ),
          ),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, guard]);
    } finally {
      clearTimeout(timer);
    }
  }

  write(line: string): void {
    this.child.stdin!.write(line + "\n");
  }

  /** Sends a signal to the process group (the program and anything it started). */
  signal(signal: NodeJS.Signals): void {
    if (this.exit) return;
    try {
      process.kill(-this.pid, signal);
    } catch {}
  }
}

function failure(measured: string, expected: string, hint = ""): Error {
  try {
    fail(measured, expected, hint);
  } catch (error) {
    return error as Error;
  }
}

function lastLines(proc: Proc): string {
  const out = proc.lines.slice(-3).join(" | ");
  return out ? `last output of ${proc.label}: ${out.slice(0, 300)}` : `${proc.label} printed nothing`;
}

/** Every process a grader starts, so that it can stop them all whatever happens. */
export class Procs {
  private readonly all: Proc[] = [];

  start(program: string, args: (string | number)[], label: string, options: StartOptions = {}): Proc {
    const cwd = options.cwd ?? projectRoot;
    const run = wrapCommand(process.execPath, ["--import", tsxLoader, program, ...args.map(String)], cwd, options.env);
    // a wrapped (sandboxed) program already runs as an unprivileged user: the grader's uid/gid is not applied
    const ids = commandsWrapped() ? {} : { uid: options.uid, gid: options.gid };
    const started = Date.now();
    const child = spawn(run.cmd, run.args, {
      cwd,
      env: run.env,
      ...ids,
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    const proc = new Proc(label, child);
    if (run.done) {
      const done = run.done;
      void proc.exited.then((exit) =>
        done({
          ...exit,
          stdout: proc.stdout,
          stderr: proc.stderr,
          timedOut: false,
          ms: Date.now() - started,
        } satisfies RunResult),
      );
    }
    this.all.push(proc);
    return proc;
  }

  /** Starts a program and waits for its end (a client run). */
  async run(
    program: string,
    args: (string | number)[],
    label: string,
    options: StartOptions & { timeoutMs?: number; input?: string } = {},
  ): Promise<Proc> {
    const proc = this.start(program, args, label, options);
    proc.child.stdin!.end(options.input ?? "");
    await proc.waitExit(`${label} ${args.join(" ")}`, options.timeoutMs ?? 20_000);
    return proc;
  }

  /** Resumes stopped processes and kills every process group still alive, then waits for them. */
  async stopAll(): Promise<void> {
    for (const proc of this.all) {
      proc.signal("SIGCONT");
      proc.signal("SIGKILL");
    }
    await Promise.all(this.all.map((p) => Promise.race([p.exited, new Promise((r) => setTimeout(r, 5000))])));
  }
}

/**
 * The files a grader runs, one per role (the reference's file names). `--program` may name a folder
 * holding files with those names, or one file: it plays the role its name starts with (fingerd-broken.ts
 * plays fingerd.ts), and the other roles come from files beside it with the standard names, else the reference.
 */
export function programsFor(grader: Grader, options: GradeOptions): string[] {
  const references = [grader.reference].flat().map((r) => path.join(projectRoot, r));
  if (!options.program) return references;
  const given = path.resolve(options.program);
  const roles = references.map((r) => path.basename(r, ".ts"));
  if (fs.existsSync(given) && fs.statSync(given).isDirectory()) {
    return roles.map((role) => {
      const file = [".ts", ".mts", ".js", ".mjs"]
        .map((ext) => path.join(given, role + ext))
        .find((f) => fs.existsSync(f));
      return file ?? fail(`no ${role}.ts in ${given}`, `one file per role: ${roles.map((r) => r + ".ts").join(", ")}`);
    });
  }
  if (!fs.existsSync(given)) fail(`${given} does not exist`, "the path of a program file or folder");
  const base = path.basename(given).replace(/\.[cm]?[jt]s$/, "");
  const played =
    roles
      .map((role, i) => ({ role, i }))
      .filter(({ role }) => base.startsWith(role))
      .sort((a, b) => b.role.length - a.role.length)[0]?.i ?? 0;
  return roles.map((role, i) => {
    if (i === played) return given;
    const sibling = path.join(path.dirname(given), role + ".ts");
    return fs.existsSync(sibling) ? sibling : references[i];
  });
}

/**
 * The pids a program started by `proc` has, in every PID namespace (from /proc/PID/status NSpid): its own
 * pid when it runs directly, and also the pid it sees itself as when a sandbox gives it a PID namespace.
 */
export function programPids(proc: Proc): Set<number> {
  const pids = new Set<number>([proc.pid]);
  const status = (pid: number) => {
    try {
      return fs.readFileSync(`/proc/${pid}/status`, "utf8");
    } catch {
      return "";
    }
  };
  const field = (text: string, name: string) => (text.match(new RegExp(`^${name}:\\s*(.*)$`, "m"))?.[1] ?? "").trim();
  const all = fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const children = new Map<number, number[]>();
  for (const pid of all) {
    const parent = Number(field(status(pid), "PPid"));
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  for (let queue = [proc.pid]; queue.length;) {
    const pid = queue.shift()!;
    for (const child of children.get(pid) ?? []) {
      queue.push(child);
      // only the program itself (a Node process), not the sandbox's own processes
      if (field(status(child), "Name") === "node")
        field(status(child), "NSpid")
          .split(/\s+/)
          .map(Number)
          .forEach((p) => pids.add(p));
    }
  }
  return pids;
}

/** A UDP port free on 127.0.0.1 right now. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    socket.once("error", reject);
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/**
 * Reads a file a student's program wrote in a grader's temporary directory (lib/written-file.ts: only a
 * regular file of the program's, never through a link, bounded in size), and only inside a directory
 * tempDir() made in this process (not merely under /tmp: a checkout there is under /tmp too). Fails the
 * check otherwise; "" when the file does not exist.
 */
export function readWrittenFile(file: string): string {
  try {
    return readProgramFile(file, { within: graderTempDirs });
  } catch (error) {
    if (error instanceof UnsafeFileError) fail(error.message, "a regular file written by the program");
    throw error;
  }
}

/** The directories tempDir() made in this process (resolved): the only places readWrittenFile reads. */
const graderTempDirs = new Set<string>();

/** A fresh temporary directory in `parent` (removed by the caller with fs.rmSync). */
export function tempDir(prefix: string, parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, `tsmpi-${prefix}-`));
  graderTempDirs.add(fs.realpathSync(dir));
  return dir;
}

/** Checks that a server refused a port cleanly: non-zero exit, no stack trace, a short message naming the port. */
export function expectCleanPortError(proc: Proc, port: number, situation: string): void {
  const stderr = proc.stderr.trim();
  if (proc.exit?.code === 0) {
    fail(
      `${situation}: exit code 0${stderr ? "" : " and nothing on stderr"}`,
      "a non-zero exit code and one line saying why",
      "handle the socket's error event and exit with an error code when the port cannot be used",
    );
  }
  if (/^\s+at .+\(?.*:\d+:\d+\)?$/m.test(stderr) || /node:internal|triggerUncaughtException/.test(stderr)) {
    fail(
      `${situation}: a stack trace on stderr (${stderr.split("\n").length} lines, first: "${stderr.split("\n")[0].slice(0, 120)}")`,
      "one clear error line",
      "catch the socket error and print what happened and what to do",
    );
  }
  const lines = stderr.split("\n").filter((l) => l.trim());
  if (lines.length === 0)
    fail(`${situation}: nothing on stderr (stdout: "${proc.stdout.slice(0, 120)}")`, "an error message on stderr");
  if (lines.length > 3) fail(`${situation}: ${lines.length} lines on stderr`, "one clear error line");
  if (!new RegExp(`\\b${port}\\b`).test(stderr))
    fail(
      `${situation}: "${lines[0].slice(0, 160)}"`,
      `a message naming port ${port}`,
      "say which port could not be used",
    );
}
