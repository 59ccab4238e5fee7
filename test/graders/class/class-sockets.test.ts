// Grading a class of socket and salad exercises for real, through gradeClass() and bubblewrap: each job's
// grader in a network namespace of its own, the students' servers and clients in the file-system sandbox
// sharing that loopback. A representative cut of ids: 1.2 (TCP), 1.1 (UDP), S1 (salad under tsrun) and S3
// (salad over WebSocket); every other id is checked once by grade-every-id.ts. Students: a correct one (the
// reference programs), a wrong one (the graders' broken fixtures), an absent one, and hostile 1.2 servers:
// one connects to a TCP port outside the namespace (a listener in the test's own namespace sees nothing),
// one reads a reference solution. The CSV and SQLite hold every student; the project is unchanged.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandRequirement, ready } from "../../harness/requires.ts";
import { projectRoot } from "../lib/run.ts";
import { gradeClass, type ClassResult } from "./index.ts";
import { readableByEveryone, referenceStudent } from "./reference-student.ts";
import { scratchDir } from "../../harness/scratch.ts";

const LIMITS = { wallSeconds: 90, cpuSeconds: 30, memoryMiB: 1024, processes: 400, fileMiB: 16 };
const IDS = ["1.1", "1.2", "S1", "S3"];
const referenceServer = path.join(projectRoot, "exercises/sockets/tcp-server.ts");

/** A grader fixture as a student's file: its imports of the exercises point into the student's folder. */
const fixture = (name: string) =>
  fs
    .readFileSync(path.join(projectRoot, "test/graders/fixtures", name), "utf8")
    .replace(/\.\.\/\.\.\/\.\.\/\.\.\/exercises\/(sockets|salad)\//g, "./");

/** The hostile students' tcp-server.ts. */
const hostile = (port: number): Record<string, string> => ({
  network: `import * as net from "node:net";\nconst socket = net.connect(${port}, "127.0.0.1", () => { console.log("listening: reached the teacher's machine"); });\nsocket.on("error", (e) => { console.error("tcp-server: " + e.message); process.exit(1); });\n`,
  reader: `import * as fs from "node:fs";\nconsole.log(fs.readFileSync(${JSON.stringify(referenceServer)}, "utf8"));\n`,
});

const work = scratchDir("tsmpi-class-sockets-");
const classDir = path.join(work, "class");
const out = path.join(work, "grades");
const connections: string[] = [];
let listener: net.Server;
let result: ClassResult;
let gitBefore = "";

const gitStatus = () =>
  execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: projectRoot, encoding: "utf8" });
type Row = { student: string; exercise: string; seq: number; passed: number; what: string; message: string };
const rows = (student: string, exercise: string): Row[] => {
  const db = new Database(path.join(out, "grades.sqlite"), { readonly: true });
  try {
    return db
      .prepare(
        "SELECT student, exercise, seq, passed, what, message FROM checks WHERE student = ? AND exercise = ? ORDER BY seq",
      )
      .all(student, exercise) as Row[];
  } finally {
    db.close();
  }
};
const status = (student: string, exercise: string) => {
  const db = new Database(path.join(out, "grades.sqlite"), { readonly: true });
  try {
    return (
      db.prepare("SELECT status FROM submissions WHERE student = ? AND exercise = ?").get(student, exercise) as
        { status: string } | undefined
    )?.status;
  } finally {
    db.close();
  }
};

/** A student's pack folder with the reference families, then `replace` (file → source) and `remove` applied. */
function student(name: string, replace: Record<string, string>, remove: string[] = []): void {
  const folder = path.join(classDir, name);
  referenceStudent(folder, ["sockets", "salad"]);
  for (const [file, source] of Object.entries(replace)) fs.writeFileSync(path.join(folder, file), source);
  for (const file of remove) fs.rmSync(path.join(folder, file));
}

describe.skipIf(!ready(commandRequirement("bwrap", "apt-get install -y bubblewrap")))(
  "grading a class of socket and salad exercises in the sandbox",
  () => {
    beforeAll(async () => {
      listener = net.createServer((s) => {
        connections.push(String(s.remoteAddress));
        s.destroy();
      });
      await new Promise<void>((ok) => listener.listen(0, "127.0.0.1", ok));
      const port = (listener.address() as net.AddressInfo).port;
      const onlyTcp = ["sockets/udp-server.ts", "salad/master-worker.ts", "salad/counter-race.ts"];
      student("correct", {});
      student(
        "wrong",
        {
          "sockets/tcp-server.ts": fixture("sockets/tcp-server-one-at-a-time.ts"),
          "salad/master-worker.ts": fixture("salad/mw-gives-twice.ts"),
        },
        ["sockets/udp-server.ts", "salad/counter-race.ts"],
      );
      for (const [name, source] of Object.entries(hostile(port)))
        student(name, { "sockets/tcp-server.ts": source }, onlyTcp);
      fs.mkdirSync(path.join(classDir, "absent"));
      fs.writeFileSync(path.join(classDir, "absent", "notes.txt"), "nothing handed in\n");
      readableByEveryone(work); // the sandbox's unprivileged uid reads the submissions
      gitBefore = gitStatus();
      result = await gradeClass({ dir: classDir, ids: IDS, out, jobs: 2, limits: LIMITS, progress: false });
    }, 900_000);

    afterAll(() => {
      listener?.close();
      fs.rmSync(work, { recursive: true, force: true });
    });

    it("grades every student: the reference passes every check of every id, the absent student has nothing submitted", () => {
      expect(result.students).toEqual(["absent", "correct", "network", "reader", "wrong"]);
      expect(result.errors, result.summary).toBe(0);
      expect(result.graded).toBe(4 + 2 + 1 + 1);
      for (const id of IDS) {
        const checks = rows("correct", id);
        expect(checks.length, id).toBeGreaterThan(0);
        expect(checks.filter((c) => !c.passed).map((c) => `${id} ${c.what}: ${c.message}`)).toEqual([]);
        expect(status("absent", id)).toBe("not submitted");
      }
      expect(status("network", "1.1")).toBe("not submitted");
    });

    it("fails the wrong student's broken TCP server and master-worker with the graders' messages", () => {
      const tcp = rows("wrong", "1.2");
      expect(
        tcp.some((c) => !c.passed),
        JSON.stringify(tcp),
      ).toBe(true);
      expect(tcp[0].passed).toBe(1); // one client at a time still serves the first client
      const salad = rows("wrong", "S1");
      expect(
        salad.some((c) => !c.passed && /twice|more than once|once/.test(c.message)),
        JSON.stringify(salad),
      ).toBe(true);
    });

    it("keeps a server inside its job's network: the listener outside saw no connection and the student fails", () => {
      expect(connections).toEqual([]);
      const checks = rows("network", "1.2");
      expect(checks[0].passed).toBe(0);
      expect(checks[0].message).toContain("ECONNREFUSED");
    });

    it("hides the reference solutions from a server: the reader fails and nothing of the solution is in the results", () => {
      const checks = rows("reader", "1.2");
      expect(checks[0].passed).toBe(0);
      expect(checks[0].message).toContain("ENOENT");
      const solution = fs
        .readFileSync(referenceServer, "utf8")
        .split("\n")
        .find((l) => l.includes("socketErrorText(") && l.length > 40)!;
      expect(solution).toBeTruthy();
      expect(fs.readFileSync(path.join(out, "grades.sqlite")).toString("utf8")).not.toContain(solution.trim());
    });

    it("writes a CSV and an HTML report holding every student, leaves the project unchanged and no process behind", () => {
      const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n");
      expect(csv[0]).toBe("student,1.1,1.2,S3,S1");
      expect(csv.slice(1).map((l) => l.split(",")[0])).toEqual(result.students);
      expect(csv).toContain("correct,1.00,1.00,1.00,1.00");
      expect(csv).toContain("absent,not submitted,not submitted,not submitted,not submitted");
      const html = fs.readFileSync(path.join(out, "report.html"), "utf8");
      for (const s of result.students) expect(html).toContain(`data-student="${s}"`);
      expect(gitStatus()).toBe(gitBefore);
      const left = execFileSync("ps", ["-e", "-o", "uid=,args="], { encoding: "utf8" })
        .split("\n")
        .filter((l) => l.includes(classDir));
      expect(left).toEqual([]);
    });
  },
);
