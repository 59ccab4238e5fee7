// The pure parts of class grading (similarity of token sequences, the CSV, the id → file name mapping)
// and what the commands say when they cannot sandbox: a class refuses with the install command, a single
// --program run goes on with a warning, and with bubblewrap a --program run is sandboxed too. Every id is
// a class id, exercise 5 (its SSH hosts run inside the job's sandbox) included.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { commandRequirement, ready } from "../../harness/requires.ts";
import { projectRoot, runCommand } from "../lib/run.ts";
import { allGraders, classGraders, submissionFile, submissionIn } from "../submissions.ts";
import { readWrittenFile, tempDir } from "../sockets/lib/procs.ts";
import { toCsv, toHtml, cellKey } from "./export.ts";
import { gradeClass } from "./index.ts";
import { similarity, similarPairs, tokens } from "./similarity.ts";
import type { Submission } from "./store.ts";
import { scratchDir } from "../../harness/scratch.ts";

const work = scratchDir("tsmpi-class-units-");

const ringA = `const comm = await mpi.init();\nconst left = (comm.rank - 1 + comm.size) % comm.size;\nif (comm.rank === 0) { await comm.send(0, 1, 0); }\nconsole.log("rank " + comm.rank);`;
const ringB = `// my ring\nconst c = await mpi.init();\nconst prev = (c.rank - 7 + c.size) % c.size;\nif (c.rank === 3) { await c.send(42, 9, 1); }\nconsole.log('r ' + c.rank);`;
const other = `for (let i = 0; i < 10; i++) { total += values[i] * 2; }\nexport function f(x: number) { return x ? f(x - 1) : 0; }`;

describe("similarity hint", () => {
  it("ignores names, literals and comments", () => {
    expect(tokens(`const x = "a"; // c\nlet y = 3;`)).toEqual([
      "const",
      "id",
      "=",
      "lit",
      ";",
      "let",
      "id",
      "=",
      "lit",
      ";",
    ]);
    expect(similarity(ringA, ringB)).toBe(1);
    expect(similarity(ringA, other)).toBeLessThan(0.2);
  });

  it("lists the nearly identical pairs of one exercise only", () => {
    const pairs = similarPairs("10.3", [
      { student: "ann", source: ringA },
      { student: "ben", source: ringB },
      { student: "cy", source: other },
    ]);
    expect(pairs.map((p) => [p.a, p.b])).toEqual([["ann", "ben"]]);
  });
});

describe("grades.csv", () => {
  it("has one line per student, quotes what a spreadsheet would misread, and scores fractions of checks", () => {
    const sub = (student: string, passed: boolean[]): Submission => ({
      student,
      exercise: "10.3",
      status: "graded",
      hash: "h",
      ms: 1,
      feedback: "",
      checks: passed.map((p) => ({ what: "w", passed: p, message: "", ms: 1 })),
    });
    const cells = new Map([
      [cellKey("Doe, Jane", "10.3"), sub("Doe, Jane", [true, false])],
      [cellKey("=cmd", "10.3"), sub("=cmd", [true, true])],
    ]);
    const csv = toCsv({ students: ["Doe, Jane", "=cmd", "Late"], exercises: ["10.3"], cells, similar: [] });
    expect(csv.trim().split("\n")).toEqual(["student,10.3", `"Doe, Jane",0.50`, `"=cmd",1.00`, "Late,not submitted"]);
  });
});

describe("report.html", () => {
  it("escapes what students named, and lists similar pairs as a hint", () => {
    const evil = "<img src=x onerror=alert(1)>";
    const cells = new Map([
      [
        cellKey(evil, "10.3"),
        {
          student: evil,
          exercise: "10.3",
          status: "graded" as const,
          hash: "h",
          ms: 1,
          feedback: "</template><script>alert(2)</script>",
          checks: [{ what: "w", passed: false, message: "<b>", ms: 1 }],
        },
      ],
    ]);
    const html = toHtml(
      {
        students: [evil, "ann"],
        exercises: ["10.3"],
        cells,
        similar: [{ exercise: "10.3", a: "ann", b: evil, score: 0.95 }],
      },
      "summary",
    );
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("10.3: ann and &lt;img src=x onerror=alert(1)&gt; (95% of token windows in common)");
    expect(html.match(/<template class="detail">/g)).toHaveLength(2);
  });
});

describe("the exercises graded for a class", () => {
  it("are every id: the MPI, socket and salad exercises, exercise 5 with its SSH hosts inside the job", () => {
    const ids = classGraders.map((g) => g.id);
    expect(ids).toEqual(allGraders.map((g) => g.id));
    for (const id of ["10.3", "1.1", "1.2", "3", "5", "8-ext", "S0", "S2", "S7"]) expect(ids).toContain(id);
  });

  it("are found at the top of a student's folder or where the pack puts them (rpc/master.ts for S2)", () => {
    const dir = fs.mkdtempSync(path.join(work, "layout-"));
    fs.mkdirSync(path.join(dir, "rpc"));
    fs.writeFileSync(path.join(dir, "rpc", "master.ts"), "");
    fs.writeFileSync(path.join(dir, "tcp-server.ts"), "");
    fs.symlinkSync(path.join(projectRoot, "exercises/sockets/udp-server.ts"), path.join(dir, "udp-server.ts"));
    const byId = (id: string) =>
      submissionIn(
        dir,
        allGraders.find((g) => g.id === id)!,
      );
    expect(byId("S2")).toBe(path.join(dir, "rpc", "master.ts"));
    expect(byId("1.2")).toBe(path.join(dir, "tcp-server.ts"));
    expect(byId("1.1")).toBeUndefined(); // a link is not a submission
    expect(byId("S7")).toBeUndefined();
  });
});

describe("files a student's program wrote, read by a grader running as the teacher", () => {
  it("are read only as regular files inside the temporary folder, never through a link", () => {
    const dir = tempDir("written");
    try {
      fs.writeFileSync(path.join(dir, "real.log"), "GET root\n");
      fs.symlinkSync(path.join(projectRoot, "exercises/sockets/fingerd.ts"), path.join(dir, "real.pid"));
      expect(readWrittenFile(path.join(dir, "real.log"))).toBe("GET root\n");
      expect(readWrittenFile(path.join(dir, "absent.log"))).toBe("");
      expect(() => readWrittenFile(path.join(dir, "real.pid"))).toThrow(/real\.pid cannot be opened \(it is a link\)/);
      expect(() => readWrittenFile(path.join(projectRoot, "package.json"))).toThrow(
        /not a regular file of the program's directory/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("submission file names", () => {
  it("come from the reference programs, one distinct name per exercise graded for a class", () => {
    const byId = (id: string) => submissionFile(allGraders.find((g) => g.id === id)!);
    expect(byId("10.3")).toBe("ring.ts");
    expect(byId("9.5")).toBe("bug-fixed.ts");
    const names = classGraders.map(submissionFile);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe("without a sandbox", () => {
  const noBwrap = { TSMPI_BWRAP: path.join(work, "no-such-bwrap") };

  it("refuses to grade a class, naming the install command", async () => {
    fs.mkdirSync(path.join(work, "class", "ann"), { recursive: true });
    process.env.TSMPI_BWRAP = noBwrap.TSMPI_BWRAP;
    try {
      await expect(gradeClass({ dir: path.join(work, "class"), progress: false })).rejects.toThrow(
        /needs bubblewrap: apt-get install -y bubblewrap/,
      );
    } finally {
      delete process.env.TSMPI_BWRAP;
    }
    const cli = await runCommand("npx", ["tsx", "test/graders/grade.ts", "--class", path.join(work, "class")], {
      env: noBwrap,
    });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("apt-get install -y bubblewrap");
    expect(fs.existsSync(path.join(work, "class", ".grades"))).toBe(false);
  });

  it("refuses an unknown id and a missing folder; exercise 5 (SSH hosts inside the job) is a class id like the others", async () => {
    expect(classGraders.find((g) => g.id === "5")?.sshHosts).toBe(3);
    await expect(gradeClass({ dir: path.join(work, "class"), ids: ["1.2", "55"], progress: false })).rejects.toThrow(
      /unknown exercise id 55\. Known ids: .*\b5\b/,
    );
    await expect(gradeClass({ dir: path.join(work, "nowhere"), progress: false })).rejects.toThrow(/no such folder/);
    expect(fs.existsSync(path.join(work, "class", ".grades"))).toBe(false);
  });

  it("grades a single --program with a warning that it is unsandboxed", async () => {
    const run = await runCommand(
      "npx",
      ["tsx", "test/graders/grade.ts", "9.2", "--program", "exercises/mpi/hello.ts", "--np", "1"],
      { env: noBwrap, timeoutMs: 150_000 },
    );
    expect(run.stderr).toContain("runs unsandboxed");
    expect(run.code, run.stdout + run.stderr).toBe(0);
  }, 180_000);
});

describe.skipIf(!ready(commandRequirement("bwrap", "apt-get install -y bubblewrap")))(
  "a single --program run with bubblewrap",
  () => {
    it("runs the student's file in the sandbox: the reference solutions are out of its reach", async () => {
      const dir = fs.mkdtempSync(path.join(work, "student-"));
      fs.chmodSync(work, 0o755);
      fs.chmodSync(dir, 0o755);
      const program = path.join(dir, "hello.ts");
      fs.writeFileSync(
        program,
        `import * as fs from "node:fs";\nimport * as mpi from "tsmpi";\nawait mpi.init();\nconsole.log(fs.readFileSync(${JSON.stringify(path.join(projectRoot, "exercises/mpi/hello.ts"))}, "utf8"));\nawait mpi.finalize();\n`,
        { mode: 0o644 },
      );
      const run = await runCommand("npx", ["tsx", "test/graders/grade.ts", "9.2", "--program", program, "--np", "1"], {
        timeoutMs: 150_000,
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("ENOENT");
      expect(run.stdout).not.toContain("Exercise 9.2");
    }, 180_000);
  },
);
