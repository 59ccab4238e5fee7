// Graders that explain (exercises/README.md, "What a failed check says"): an output-format mistake names
// the line expected and what the rank printed; the trace check still runs; a failed run shows tsrun's whole
// report, the command that reproduces it and the kept trace with its `tsrun view` command; 12.3 requires
// derived datatypes; 10.1's latency is half the round trip; `npm run grade` resolves --program from the
// caller's directory, stops at once on a missing file, and writes --json results.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot, runCommand } from "./lib/run.ts";
import { CheckFailure, Checker } from "./lib/grader.ts";
import { exerciseEntry, gradeResult, RESULT_FORMAT, type GradeResult } from "./lib/result.ts";
import { scratchPolicy, splitTagged } from "./mpi/lib/mpirun.ts";
import { expectFailure, fixture, GUARD, runGrader } from "./mpi/lib/expect-grade.ts";
import { scratchDir } from "../harness/scratch.ts";

const scratch = scratchDir("tsmpi-explain-");

/** `npm run grade -- ARGS` as npm runs it: tsx on grade.ts, INIT_CWD the caller's directory. */
function gradeCli(args: string[], callerDir: string) {
  const tsx = path.join(projectRoot, "node_modules/tsx/dist/cli.mjs");
  return runCommand(process.execPath, [tsx, path.join(projectRoot, "test/graders/grade.ts"), ...args], {
    env: { INIT_CWD: callerDir },
    timeoutMs: GUARD,
  });
}

describe("pure parts", () => {
  it("splits --tag-output lines per rank and keeps untagged lines", () => {
    const { lines, byRank } = splitTagged("[1] b\n[0] a\nplain\n[1] c\n", 2);
    expect(lines).toEqual(["b", "a", "plain", "c"]);
    expect(byRank).toEqual([["a"], ["b", "c"]]);
  });

  it("a JSON result lists each check with its name, outcome, message and duration", async () => {
    const checker = new Checker("10.3", () => {});
    await checker.check("passes", () => "measured");
    await checker.check("fails", () => {
      throw new CheckFailure("3 vs expected 4");
    });
    const result = gradeResult({
      program: "/p.ts",
      np: [2],
      started: new Date(Date.now() - 5),
      exercises: [exerciseEntry("ring", checker)],
    });
    expect(result).toMatchObject({ format: RESULT_FORMAT, program: "/p.ts", np: [2], passed: 1, failed: 1 });
    expect(result.exercises[0]).toMatchObject({ id: "10.3", title: "ring", passed: 1, failed: 1 });
    expect(result.exercises[0].checks.map(({ name, passed, message }) => ({ name, passed, message }))).toEqual([
      { name: "passes", passed: true, message: "measured" },
      { name: "fails", passed: false, message: "3 vs expected 4" },
    ]);
    for (const c of result.exercises[0].checks) expect(c.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe("what a failed check says", () => {
  it(
    "an output-format mistake names the line expected and what the rank printed; the trace check still runs",
    async () => {
      const { checker, output } = await runGrader("10.3", [2], fixture("ring-wrong-format.ts"));
      const values = checker.results.find((r) => r.what.includes("visits every rank"));
      expect(values?.passed, output).toBe(false);
      expect(values!.detail).toContain(
        "no line matched `rank 1 received token T from rank 0`; rank 1 printed: `Rank 1 got token 0 from 0`",
      );
      const trace = checker.results.find((r) => r.what.includes("(trace)"));
      expect(trace?.passed, output).toBe(true); // the ring itself is right
    },
    GUARD,
  );

  it(
    "a failed run shows tsrun's whole report, the command to reproduce it and the kept trace",
    async () => {
      scratchPolicy.keepFailed = true;
      try {
        const { checker, output } = await runGrader("10.3", [2], fixture("ring-deadlock.ts"));
        const failed = checker.results.find((r) => !r.passed);
        expect(failed, output).toBeDefined();
        const detail = failed!.detail;
        expect(detail).toContain("exited with code");
        expect(detail).toMatch(/tsrun's report:\n {4}tsrun: deadlock/); // whole and indented
        expect(detail).toContain("rank 1: recv(source=0, tag=0) at");
        expect(detail).toMatch(/reproduce: tsrun -np 2 --timeout 60 \S*ring-deadlock\.ts/);
        const kept = /trace kept in (\S+): tsrun view (\S+)/.exec(detail);
        expect(kept, detail).not.toBeNull();
        expect(kept![1]).toBe(kept![2]);
        expect(fs.existsSync(path.join(kept![1], "rank-0.jsonl"))).toBe(true);
        fs.rmSync(path.dirname(kept![1]), { recursive: true, force: true });
      } finally {
        scratchPolicy.keepFailed = false;
      }
    },
    GUARD,
  );

  it(
    "12.3 requires the vector and resized types its title names",
    () =>
      expectFailure("12.3", [2], fixture("transpose-no-datatypes.ts"), "builds vector and resized", [
        "no call to mpi.Datatype.vector",
        "derived types",
      ]),
    GUARD,
  );

  it(
    "10.1 fails a latency that is the whole round trip",
    () =>
      expectFailure("10.1", [2], fixture("pingpong-full-round-trip.ts"), "half the round trip", [
        "while the round trips in the trace average",
        "divide the time of a round trip",
      ]),
    GUARD,
  );
});

describe("npm run grade", () => {
  it(
    "resolves --program from the caller's directory and writes a --json result",
    async () => {
      const dir = path.join(scratch, "student");
      fs.mkdirSync(dir);
      fs.copyFileSync(path.join(projectRoot, "exercises/mpi/hello.ts"), path.join(dir, "hello.ts"));
      const run = await gradeCli(["9.2", "--program", "hello.ts", "--np", "1", "--json", "out.json"], dir);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const result = JSON.parse(fs.readFileSync(path.join(dir, "out.json"), "utf8")) as GradeResult;
      expect(result).toMatchObject({
        format: RESULT_FORMAT,
        program: path.join(dir, "hello.ts"),
        np: [1],
        passed: 1,
        failed: 0,
      });
      expect(result.exercises[0].checks[0]).toMatchObject({ name: expect.stringContaining("N=1"), passed: true });
    },
    GUARD,
  );

  it(
    "a missing --program file is one error up front, in the JSON result too",
    async () => {
      const run = await gradeCli(["10.3", "--program", "nothere.ts", "--json", "out.json"], scratch);
      expect(run.code).toBe(2);
      expect(run.stdout).not.toContain("***"); // no check ran
      expect(run.stderr.trim().split("\n")).toEqual([
        `grade: --program nothere.ts: no such file (looked for ${path.join(scratch, "nothere.ts")}, relative to ${scratch}, where the command was run)`,
      ]);
      const result = JSON.parse(fs.readFileSync(path.join(scratch, "out.json"), "utf8")) as GradeResult;
      expect(result).toMatchObject({
        error: expect.stringContaining("no such file"),
        exercises: [],
        passed: 0,
        failed: 0,
      });
    },
    GUARD,
  );
});
