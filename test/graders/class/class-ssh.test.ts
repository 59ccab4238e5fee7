// Grading a class of exercise 5 (the ring of daemons started over SSH) for real, through gradeClass() and
// bubblewrap: each job brings up its SSH hosts inside its own sandbox (ssh-hosts.ts: unprivileged sshd, one
// sandbox per host, the job's private network), so the daemons the student's launcher starts over SSH are
// contained like every other program of the job. Students: a correct one (the reference programs), a wrong
// one (a launcher that skips a member), an absent one, and a hostile one whose daemon tries to reach the
// teacher's machine (a listener in the test's own network sees nothing), leaves a process behind with its
// environment wiped and ignoring SIGTERM (the grader still finds it, in the host's PID namespace), then
// reads a reference solution (ENOENT). Afterwards no sshd, no daemon, no leftover process and no directory;
// nor after a class run interrupted (SIGINT to its process group, as Ctrl-C) while a job's hosts are up. Needs bubblewrap and OpenSSH; takes the hosts lock
// like every test that starts sshd: `flock /work/wt/hosts.lock npx vitest run test/graders/class/class-ssh.test.ts`
// is how a shared machine runs it.
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandRequirement, ready, sshKeygenRequirement } from "../../harness/requires.ts";
import { waitFor } from "../../launcher/testhosts.ts";
import { projectRoot } from "../lib/run.ts";
import { gradeClass, type ClassResult } from "./index.ts";
import { readableByEveryone, referenceStudent } from "./reference-student.ts";
import { SSHD_INSTALL } from "./ssh-hosts.ts";
import { scratchDir } from "../../harness/scratch.ts";

const LIMITS = { wallSeconds: 90, cpuSeconds: 30, memoryMiB: 1024, processes: 600, fileMiB: 16 };
const referenceLauncher = path.join(projectRoot, "exercises/sockets/ring-ssh.ts");

const work = scratchDir("tsmpi-class-ssh-");
const classDir = path.join(work, "class");
const out = path.join(work, "grades");
/** The grading's own temporary directory (TMPDIR while grading): empty again afterwards. */
const scratch = path.join(work, "tmp");
const connections: string[] = [];
let listener: net.Server;
let result: ClassResult;
let gitBefore = "";

/** The hostile student's daemon: reaches out, leaves a process nothing names, then reads a solution. */
const hostileDaemon = (port: number) =>
  [
    `import { spawn } from "node:child_process";`,
    `import * as fs from "node:fs";`,
    `import * as net from "node:net";`,
    `await new Promise<void>((done) => {`,
    `  const socket = net.connect(${port}, "127.0.0.1", () => { console.log("reached the teacher's machine"); done(); });`,
    `  socket.on("error", (e) => { console.error("ring-daemon: " + e.message); done(); });`,
    `});`,
    `const code = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);";`,
    `spawn(process.execPath, ["-e", code, ${JSON.stringify(work)}], { detached: true, stdio: "ignore", env: {} }).unref();`,
    `console.log(fs.readFileSync(${JSON.stringify(referenceLauncher)}, "utf8"));`,
    "",
  ].join("\n");

/** A grader fixture as a student's file: its imports of the exercises point into the student's folder. */
const fixture = (name: string) =>
  fs
    .readFileSync(path.join(projectRoot, "test/graders/fixtures", name), "utf8")
    .replace(/\.\.\/\.\.\/\.\.\/\.\.\/exercises\/sockets\//g, "./");

type Row = { seq: number; passed: number; what: string; message: string };
function rows(student: string): Row[] {
  const db = new Database(path.join(out, "grades.sqlite"), { readonly: true });
  try {
    return db
      .prepare("SELECT seq, passed, what, message FROM checks WHERE student = ? AND exercise = '5' ORDER BY seq")
      .all(student) as Row[];
  } finally {
    db.close();
  }
}

/** A student's pack folder with the socket family, then `replace` (file → source) applied. */
function student(name: string, replace: Record<string, string> = {}): void {
  const folder = path.join(classDir, name);
  referenceStudent(folder, ["sockets"]);
  for (const [file, source] of Object.entries(replace)) fs.writeFileSync(path.join(folder, file), source);
}

/** Processes whose command line names the test's directory (sshd configs, daemons, the hostile leftover). */
const processesOfTheTest = () =>
  execFileSync("ps", ["-e", "-o", "pid=,uid=,args="], { encoding: "utf8" })
    .split("\n")
    .filter((l) => l.includes(work) && !l.includes("ps -e"));

const gitStatus = () =>
  execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: projectRoot, encoding: "utf8" });

describe.skipIf(
  !ready(
    commandRequirement("bwrap", "apt-get install -y bubblewrap"),
    commandRequirement("/usr/sbin/sshd", SSHD_INSTALL, "sshd"),
    sshKeygenRequirement(),
  ),
)("grading a class of exercise 5: the SSH hosts inside each job's sandbox", () => {
  beforeAll(async () => {
    listener = net.createServer((s) => {
      connections.push(String(s.remoteAddress));
      s.destroy();
    });
    await new Promise<void>((ok) => listener.listen(0, "127.0.0.1", ok));
    const port = (listener.address() as net.AddressInfo).port;
    student("correct");
    student("wrong", { "sockets/ring-ssh.ts": fixture("sockets/ring-ssh-skips-member.ts") });
    student("hostile", { "sockets/ring-daemon.ts": hostileDaemon(port) });
    fs.mkdirSync(path.join(classDir, "absent"));
    fs.writeFileSync(path.join(classDir, "absent", "notes.txt"), "nothing handed in\n");
    fs.mkdirSync(scratch);
    readableByEveryone(work); // the sandbox's unprivileged uid reads the submissions
    gitBefore = gitStatus();
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      result = await gradeClass({ dir: classDir, ids: ["5"], out, jobs: 2, np: [3], limits: LIMITS, progress: false });
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    }
  }, 900_000);

  afterAll(() => {
    listener?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("passes the reference on every check (N=3 on 3 hosts, N=4 as a chain, a bad machine list); the absent student has nothing submitted", () => {
    expect(result.students).toEqual(["absent", "correct", "hostile", "wrong"]);
    expect(result.errors, result.summary).toBe(0);
    expect(result.graded).toBe(3);
    const checks = rows("correct");
    expect(checks.map((c) => c.what)).toEqual([
      expect.stringMatching(/^SSH hosts from .*\/hostfile$/),
      "N=3 daemons on 3 hosts: the ring closes and the gathered message lists every member",
      "N=3: the token gives mutual exclusion on the shared file",
      "N=3: no process of the job left on any host",
      "N=4 daemons on 3 hosts as a chain (--chain): the ring closes and the gathered message lists every member",
      "N=4 as a chain (--chain): the token gives mutual exclusion on the shared file",
      "N=4 as a chain (--chain): no process of the job left on any host",
      "an unknown host and a refused port: one line naming them, nothing started",
    ]);
    expect(checks.filter((c) => !c.passed).map((c) => `${c.what}: ${c.message}`)).toEqual([]);
    expect(checks[1].message).toBe("3 daemons on 3 hosts");
    const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n");
    expect(csv).toEqual([
      "student,5",
      "absent,not submitted",
      "correct,1.00",
      expect.stringMatching(/^hostile,0\.\d\d$/),
      expect.stringMatching(/^wrong,0\.\d\d$/),
    ]);
  });

  it("fails the launcher that skips a member with the grader's message", () => {
    const ring = rows("wrong")[1];
    expect(ring.passed).toBe(0);
    expect(ring.message).toMatch(/GATHERED lists 2 daemons \(d0@th1, d2@th3\) vs expected 3, every daemon once/);
  });

  it("keeps the hostile daemon in the job: the listener outside saw nothing, the solution was out of reach", () => {
    expect(connections).toEqual([]);
    const ring = rows("hostile")[1];
    expect(ring.passed).toBe(0);
    expect(ring.message).toContain("ENOENT");
    const solution = fs
      .readFileSync(referenceLauncher, "utf8")
      .split("\n")
      .find((l) => l.includes("launcherBindAddress(placement)"))!;
    expect(solution).toBeTruthy();
    expect(fs.readFileSync(path.join(out, "grades.sqlite")).toString("utf8")).not.toContain(solution.trim());
  });

  it("finds the process the hostile daemon hid (no job id, no session variable: it is in a host's PID namespace) and fails it", () => {
    const left = rows("hostile").find((c) => c.what === "N=3: no process of the job left on any host")!;
    expect(left.passed).toBe(0);
    expect(left.message).toMatch(
      /\d+ left 15 s after the launcher ended: pid \d+ on th\d: \S*node -e process\.on\('SIGTERM'/,
    );
  });

  it("leaves nothing: no sshd, no daemon, not the process the hostile daemon hid; no directory; the project unchanged", () => {
    expect(processesOfTheTest()).toEqual([]);
    expect(fs.readdirSync(scratch)).toEqual([]);
    expect(gitStatus()).toBe(gitBefore);
  });

  it("an interrupted class run (Ctrl-C while a job's SSH hosts are up) leaves no sshd, no daemon, no directory", async () => {
    const tmp = path.join(work, "tmp-interrupted");
    fs.mkdirSync(tmp, { mode: 0o755 });
    const args = ["--class", classDir, "5", "--np", "3", "--jobs", "1", "--force", "--out", path.join(work, "again")];
    const command = spawn(process.execPath, ["--import", "tsx", "test/graders/grade.ts", ...args], {
      cwd: projectRoot,
      env: { ...process.env, TMPDIR: tmp },
      detached: true, // its own process group, as a terminal's Ctrl-C reaches it
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    command.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => command.on("close", (code) => resolve(code)));
    const inTmp = () => processesOfTheTest().filter((l) => l.includes(tmp));
    await waitFor("a job's sshd", () => inTmp().some((l) => /sshd -D/.test(l)), 180_000);
    process.kill(-command.pid!, "SIGINT");
    expect(await exited, stderr).toBe(130);
    expect(stderr).toContain("grade: interrupted (SIGINT)");
    await waitFor("every process of the interrupted run to end", () => inTmp().length === 0, 30_000).catch(() => {});
    expect(inTmp()).toEqual([]);
    // (tsx-<uid>: the compile cache of tsx itself, which ran the command with this TMPDIR)
    expect(fs.readdirSync(tmp).filter((e) => !/^tsx-\d+$/.test(e))).toEqual([]);
  }, 300_000);
});
