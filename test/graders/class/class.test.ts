// Grading a class for real: a class folder with a correct ring, a wrong one, an absent one and hostile
// ones (reads a reference solution and prints it, writes into the project, connects to a TCP port outside
// the sandbox, forks without end, allocates without end, loops forever), graded by gradeClass() through
// bubblewrap with tight limits. Each hostile run is contained and reported as that student's failure with
// its reason; the project is unchanged; the others are unaffected; the CSV, SQLite and HTML report (opened
// in Debian's chromium) hold every student; regrading skips unchanged submissions.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext } from "playwright-core";
import { commandRequirement, ready } from "../../harness/requires.ts";
import { projectRoot } from "../lib/run.ts";
import { gradeClass, type ClassResult } from "./index.ts";
import { scratchDir } from "../../harness/scratch.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const LIMITS = { wallSeconds: 40, cpuSeconds: 8, memoryMiB: 512, processes: 160, fileMiB: 16 };
const reference = path.join(projectRoot, "exercises/mpi/ring.ts");
const preamble = `import * as mpi from "tsmpi";\nconst comm = await mpi.init();\n`;

/** The hostile students' ring.ts, each doing one thing a sandbox must stop. */
const hostile = (port: number): Record<string, string> => ({
  reader: `import * as fs from "node:fs";\n${preamble}console.log(fs.readFileSync(${JSON.stringify(reference)}, "utf8"));\nawait mpi.finalize();\n`,
  writer: `import * as fs from "node:fs";\n${preamble}fs.writeFileSync(${JSON.stringify(path.join(projectRoot, "runtime/planted.ts"))}, "export {};\\n");\nawait mpi.finalize();\n`,
  network: `import * as net from "node:net";\n${preamble}await new Promise((ok, ko) => net.connect(${port}, "127.0.0.1", () => ok(null)).on("error", ko));\nconsole.log("connected");\nawait mpi.finalize();\n`,
  forker: `import { spawn } from "node:child_process";\n${preamble}for (;;) await new Promise((ok, ko) => { const c = spawn("sleep", ["1000"], { stdio: "ignore" }); c.once("spawn", ok); c.once("error", ko); });\n`,
  hog: `${preamble}const kept: Buffer[] = [];\nfor (;;) kept.push(Buffer.alloc(64 << 20, 1));\n`,
  spinner: `${preamble}if (comm.rank === 0) for (;;) {}\nawait mpi.finalize();\n`,
});

const work = scratchDir("tsmpi-class-test-");
const classDir = path.join(work, "class");
const out = path.join(work, "grades");
const connections: string[] = [];
let listener: net.Server;
let first: ClassResult;
let gitBefore = "";

const gitStatus = () =>
  execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: projectRoot, encoding: "utf8" });
const rows = () => {
  const db = new Database(path.join(out, "grades.sqlite"), { readonly: true });
  try {
    return db
      .prepare("SELECT student, seq, passed, message, hash FROM checks WHERE exercise = '10.3' ORDER BY student, seq")
      .all() as { student: string; seq: number; passed: number; message: string; hash: string }[];
  } finally {
    db.close();
  }
};
const firstCheck = (student: string) => rows().find((r) => r.student === student && r.seq === 1);

const withChromium = () => ready(commandRequirement(CHROMIUM, "apt-get install -y chromium"));

describe.skipIf(!ready(commandRequirement("bwrap", "apt-get install -y bubblewrap")))(
  "grading a class in the sandbox",
  () => {
    beforeAll(async () => {
      listener = net.createServer((s) => {
        connections.push(String(s.remoteAddress));
        s.destroy();
      });
      await new Promise<void>((ok) => listener.listen(0, "127.0.0.1", ok));
      const port = (listener.address() as net.AddressInfo).port;
      const files: Record<string, string> = {
        ...hostile(port),
        correct: fs.readFileSync(reference, "utf8"),
        wrong: fs.readFileSync(path.join(projectRoot, "test/graders/fixtures/mpi/ring-skips-rank.ts"), "utf8"),
      };
      for (const [student, source] of Object.entries(files)) {
        fs.mkdirSync(path.join(classDir, student), { recursive: true });
        fs.writeFileSync(path.join(classDir, student, "ring.ts"), source);
      }
      fs.mkdirSync(path.join(classDir, "absent"));
      fs.writeFileSync(path.join(classDir, "absent", "notes.txt"), "nothing handed in\n");
      execFileSync("chmod", ["-R", "a+rX", work]); // the sandbox's unprivileged uid reads the submissions
      gitBefore = gitStatus();
      first = await gradeClass({
        dir: classDir,
        ids: ["10.3"],
        out,
        np: [2],
        jobs: 2,
        limits: LIMITS,
        progress: false,
      });
    }, 600_000);

    afterAll(() => {
      listener?.close();
      fs.rmSync(work, { recursive: true, force: true });
    });

    it("grades every student: the correct one passes, the wrong one fails its ring check, the absent one is not submitted", () => {
      expect(first.students).toEqual([
        "absent",
        "correct",
        "forker",
        "hog",
        "network",
        "reader",
        "spinner",
        "writer",
        "wrong",
      ]);
      expect(first.graded).toBe(8);
      expect(first.notSubmitted).toBe(1);
      expect(first.errors, first.summary).toBe(0);
      expect(
        rows()
          .filter((r) => r.student === "correct")
          .map((r) => r.passed),
      ).toEqual([1, 1]);
      expect(firstCheck("wrong")?.passed).toBe(0);
      expect(firstCheck("wrong")?.message).toContain("rank 1 never received the token");
    });

    it("hides the reference solutions: the reader fails and its output holds none of the solution", () => {
      const row = firstCheck("reader")!;
      expect(row.passed).toBe(0);
      expect(row.message).toContain("ENOENT");
      const db = fs.readFileSync(path.join(out, "grades.sqlite")).toString("latin1");
      expect(db).not.toContain("token back with ${token} (expected ${expected})");
    });

    it("keeps the project read-only: the writer fails and git status is unchanged", () => {
      const row = firstCheck("writer")!;
      expect(row.passed).toBe(0);
      expect(row.message).toMatch(/EROFS|read-only/);
      expect(fs.existsSync(path.join(projectRoot, "runtime/planted.ts"))).toBe(false);
      expect(gitStatus()).toBe(gitBefore);
    });

    it("has no network: the listener outside saw no connection and the student fails with the reason", () => {
      expect(connections).toEqual([]);
      const row = firstCheck("network")!;
      expect(row.passed).toBe(0);
      expect(row.message).toContain("network");
    });

    it("stops a fork bomb, an allocation without end and an endless loop at their limits, naming the limit", () => {
      expect(firstCheck("forker")?.message).toContain("process limit");
      expect(firstCheck("hog")?.message).toContain("memory");
      expect(firstCheck("spinner")?.message).toMatch(/CPU-time limit|wall-time limit/);
      for (const s of ["forker", "hog", "spinner"]) expect(firstCheck(s)?.passed, s).toBe(0);
      // the PID namespace ended with each run: no process of a sandbox uid is left
      const left = execFileSync("ps", ["-e", "-o", "uid=,args="], { encoding: "utf8" })
        .split("\n")
        .filter((l) => /^\s*2000\d\d\s/.test(l) && (l.includes("sleep 1000") || l.includes(classDir)));
      expect(left).toEqual([]);
    });

    it("writes a CSV with one line per student and one column per exercise", () => {
      const csv = fs.readFileSync(path.join(out, "grades.csv"), "utf8").trim().split("\n");
      expect(csv[0]).toBe("student,10.3");
      expect(csv).toContain("correct,1.00");
      expect(csv).toContain("absent,not submitted");
      expect(csv).toContain("wrong,0.00");
      expect(csv).toHaveLength(10);
    });

    it.skipIf(!withChromium())(
      "shows every student in the HTML report; a click shows the feedback, and a failed run links its trace view",
      async () => {
        const browser: BrowserContext = await chromium.launchPersistentContext(
          fs.mkdtempSync(path.join(work, "profile-")),
          {
            executablePath: CHROMIUM,
            headless: true,
            args: [
              "--headless",
              "--no-sandbox",
              "--disable-gpu",
              "--no-first-run",
              "--disable-background-networking",
              "--disable-component-update",
              "--disable-sync",
            ],
          },
        );
        try {
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on("pageerror", (e) => errors.push(String(e)));
          page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
          await page.goto(`file://${path.join(out, "report.html")}`);
          const students = await page.locator("th.student").allTextContents();
          expect(students).toEqual(first.students);
          await page.click('button[data-student="wrong"]');
          const detail = await page.locator("#detail").textContent();
          expect(detail).toContain("rank 1 never received the token");
          const trace = await page.locator("#detail a.trace").first().getAttribute("href");
          expect(trace).toBeTruthy();
          expect(fs.existsSync(path.join(out, trace!))).toBe(true);
          await page.click('button[data-student="absent"]');
          expect(await page.locator("#detail").textContent()).toContain("not submitted");
          await page.goto(`file://${path.join(out, trace!)}`);
          expect(await page.title()).not.toBe("");
          expect(errors).toEqual([]);
        } finally {
          await browser.close();
        }
      },
      120_000,
    );

    it("regrades only what changed", async () => {
      fs.appendFileSync(path.join(classDir, "wrong", "ring.ts"), "\n// edited\n");
      const again = await gradeClass({
        dir: classDir,
        ids: ["10.3"],
        out,
        np: [2],
        jobs: 2,
        limits: LIMITS,
        progress: false,
      });
      expect(again.graded).toBe(1);
      expect(again.unchanged).toBe(7);
      expect(firstCheck("correct")?.passed).toBe(1);
    }, 300_000);
  },
);
