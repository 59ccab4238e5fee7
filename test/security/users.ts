// Two real Unix users for the attack tests (created by .ci/run): the victim runs tsrun, the attacker is
// another student logged in on the same machine. Tests run as root and start each side with runuser, with
// the user's own HOME and a clean TMPDIR, so owner and mode checks mean what they mean on a lab machine.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import { isRoot, requirement, type Requirement } from "../harness/requires.ts";

export const VICTIM = "tsmpi-victim";
export const ATTACKER = "tsmpi-attacker";

function userExists(name: string): boolean {
  execFileSync("id", ["-u", name], { stdio: "ignore" });
  return true;
}

/** Root, the two users, and runuser (util-linux). */
export const twoUsers: Requirement = requirement(
  `root and the users ${VICTIM} and ${ATTACKER}`,
  `run as root; useradd -m ${VICTIM}; useradd -m ${ATTACKER} (as .ci/run does)`,
  () => isRoot() && userExists(VICTIM) && userExists(ATTACKER) && fs.existsSync("/usr/sbin/runuser"),
);

export function uidOf(name: string): number {
  return Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
}

export function homeOf(name: string): string {
  return execFileSync("getent", ["passwd", name], { encoding: "utf8" }).split(":")[5];
}

/** The environment a user's login would have (plus `extra`). */
export function userEnv(name: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: homeOf(name),
    USER: name,
    LOGNAME: name,
    TMPDIR: "/tmp",
    LANG: "C.UTF-8",
    ...extra,
  };
}

/** Starts `command args` as `user` (real uid and gid, the user's groups). */
export function spawnAs(
  user: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): ChildProcessWithoutNullStreams {
  return spawn("/usr/sbin/runuser", ["-u", user, "--", command, ...args], {
    cwd: options.cwd ?? "/",
    env: userEnv(user, options.env),
    stdio: ["pipe", "pipe", "pipe"],
  });
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcessWithoutNullStreams, input?: string): Promise<Finished> {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  if (input !== undefined) child.stdin.end(input);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** Runs `command args` as `user` to the end. */
export function runAs(
  user: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<Finished> {
  return finished(spawnAs(user, command, args, options), options.input ?? "");
}

/** A stream's text so far; `wait(pattern)` resolves with the first match in it, now or once it arrives. */
export class Output {
  text = "";
  private waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void; reject: (e: Error) => void }[] = [];
  constructor(stream: NodeJS.ReadableStream) {
    stream.on("data", (d: Buffer) => {
      this.text += d;
      this.waiters = this.waiters.filter((w) => !this.settle(w));
    });
    stream.on("end", () => {
      for (const w of this.waiters) w.reject(new Error(`the output ended without ${w.pattern}:\n${this.text}`));
      this.waiters = [];
    });
  }
  wait(pattern: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const w = { pattern, resolve, reject };
      if (!this.settle(w)) this.waiters.push(w);
    });
  }
  private settle(w: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }): boolean {
    const m = w.pattern.exec(this.text);
    if (m) w.resolve(m);
    return m !== null;
  }
}
