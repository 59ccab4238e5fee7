// Tests of the tsmpi salad graders (S1 master/worker, S4 Lamport's mutual exclusion, S6 fault tolerance):
// each grader passes its reference program and fails each broken variant in test/graders/fixtures/salad/
// with the message a student would need. Also runs the S6 program's timeout path (a slow worker whose late
// result must be ignored) and the programs' option errors, as real tsrun jobs.
// S1's grader compares times, so its tests run one at a time; the others run side by side.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { grade, type Grader } from "./lib/grader.ts";
import { projectRoot, runTsrun } from "./lib/run.ts";
import { graders } from "./salad/index.ts";
import { checkEveryFruitOnce, parsePrepared, saladOracle } from "./salad/lib/oracle.ts";

const fixture = (name: string) => path.join(projectRoot, "test/graders/fixtures/salad", name);
const exercise = (name: string) => path.join(projectRoot, "exercises/salad", name);
const byId = (id: string): Grader => {
  const g = graders.find((x) => x.id === id);
  if (!g) throw new Error(`no grader ${id}`);
  return g;
};

/** Grades quietly; returns the checker and the printed lines (shown when an assertion fails). */
async function run(id: string, program?: string) {
  const lines: string[] = [];
  const checker = await grade(byId(id), { program, out: (l) => lines.push(l) });
  return { checker, output: lines.join("\n") };
}

async function expectPass(id: string, program?: string) {
  const { checker, output } = await run(id, program);
  expect(checker.failed, output).toBe(0);
  expect(checker.passed, output).toBeGreaterThanOrEqual(4);
}

/** The grader must fail `check` (a part of its name) with a message containing each of `words`. */
async function expectFailure(id: string, program: string, check: string, words: (string | RegExp)[]) {
  const { checker, output } = await run(id, program);
  const failed = checker.results.find((r) => !r.passed && r.what.includes(check));
  expect(failed, output).toBeDefined();
  for (const word of words) {
    if (typeof word === "string") expect(failed!.detail, output).toContain(word);
    else expect(failed!.detail, output).toMatch(word);
  }
}

const GUARD = 150_000; // hang guard for a whole grading run on a loaded machine, not a speed limit

describe("S1 grader (times compared: one run at a time)", () => {
  it("passes exercises/salad/master-worker.ts", () => expectPass("S1"), GUARD);

  it(
    "fails a master that hands the same fruit to several workers",
    () =>
      expectFailure("S1", fixture("mw-gives-twice.ts"), "exactly once", [
        /task 10 \(pomme\) prepared [23] times/,
        "every fruit prepared exactly once",
        "pop",
      ]),
    GUARD,
  );

  it(
    "fails a master that waits for each result before serving the next worker (no speed-up)",
    () =>
      expectFailure("S1", fixture("mw-one-at-a-time.ts"), "a third of the sequential time", [
        "speed-up",
        "at most",
        "answer give_task at once",
      ]),
    GUARD,
  );
});

describe.concurrent("S4 and S6 graders, and the S6 program", () => {
  it("S4 passes exercises/salad/lamport-mutex.ts", () => expectPass("S4"), GUARD);

  it(
    "S4 fails a Lamport mutex that enters without the n-1 permissions",
    () =>
      expectFailure("S4", fixture("lamport-no-permission.ts"), "never two workers", [
        "entered the bowl at",
        "was in it",
        "one worker at a time",
      ]),
    GUARD,
  );

  it(
    "S4 fails a Lamport mutex without the release step (the job never ends)",
    () =>
      expectFailure("S4", fixture("lamport-no-release.ts"), "exits 0", [
        /deadlock|hung/,
        "LEAVE lines",
        "send release to the n-1 others",
      ]),
    GUARD,
  );

  it("S6 passes exercises/salad/fault-tolerant.ts", () => expectPass("S6"), GUARD);

  it(
    "S6 fails a master that hangs once every worker has died, by its hang guard",
    () =>
      expectFailure("S6", fixture("ft-hangs-when-all-dead.ts"), "every worker crashes", [
        "still running 15 s after the last of the 3 workers died",
        "all workers have died",
        "every worker has been silent too long",
      ]),
    GUARD,
  );

  it(
    "S6's naive master hangs once a crashed worker's fruit is lost, and tsrun --timeout shows it blocked in recv",
    async () => {
      const result = await runTsrun(4, exercise("fault-tolerant-naive.ts"), {
        tsrunArgs: ["--fault-tolerant", "--timeout", "10"],
        programArgs: ["--time-scale", "0.02", "--crash-probability", "1", "--crash-workers", "1"],
        timeoutMs: 90_000,
      });
      expect(result.code, result.stderr).toBe(124);
      expect(result.stderr).toMatch(
        /the job exceeded --timeout 10 s; what each rank was doing:\n\s+rank 0: blocked in recv\(source=ANY_SOURCE/,
      );
      expect(result.stdout).toMatch(/^CRASH \d+ \S+ by worker-1$/m);
    },
    GUARD,
  );

  it(
    "S6's extension with the runtime's failure detector passes the same grader",
    () => expectPass("S6", exercise("fault-tolerant-exact.ts")),
    GUARD,
  );

  it(
    "S6: a slow worker's task is re-queued after its timeout, and its late result is not counted again",
    async () => {
      const result = await runTsrun(4, exercise("fault-tolerant.ts"), {
        // silence longer than the slow worker's fruit: it is late, not dead, and must still be told to stop
        programArgs: ["--time-scale", "0.02", "--slow-workers", "1", "--slow-factor", "40", "--silence", "400"],
        timeoutMs: 60_000,
      });
      const out = `${result.stdout}\n${result.stderr}`;
      expect(result.code, out).toBe(0);
      const lines = result.stdout.split("\n");
      const requeued = lines.filter((l) => /^REQUEUED \d+ \S+ from worker-1 \(no result after \d+ ms\)/.test(l));
      expect(requeued.length, out).toBeGreaterThanOrEqual(1);
      expect(
        lines.some((l) => /reçue de worker-\d en retard : déjà préparée, ignorée/.test(l)),
        out,
      ).toBe(true);
      checkEveryFruitOnce(parsePrepared(lines), await saladOracle()); // throws "… prepared 2 times …" otherwise
    },
    GUARD,
  );

  it(
    "S6: idle workers wait while a slow worker still holds a fruit, then everyone stops",
    async () => {
      // worker 1 takes 30× each fruit's time (≥ 60 units for its first one) and no timeout fires (1000 units):
      // workers 2 and 3 finish the other fruits (≈ 12 units) and must wait, not stop, until its result is in
      const result = await runTsrun(4, exercise("fault-tolerant.ts"), {
        programArgs: ["--time-scale", "0.02", "--slow-workers", "1", "--slow-factor", "30", "--task-timeout", "1000"],
        timeoutMs: 60_000,
      });
      const out = `${result.stdout}\n${result.stderr}`;
      expect(result.code, out).toBe(0);
      const lines = result.stdout.split("\n");
      expect(
        lines.some((l) => /^\[worker-[23]\] pas de fruit pour l'instant, j'attends 1 unité/.test(l)),
        out,
      ).toBe(true);
      expect(
        lines.filter((l) => l.startsWith("REQUEUED")),
        out,
      ).toEqual([]);
      const prepared = parsePrepared(lines);
      checkEveryFruitOnce(prepared, await saladOracle());
      expect(prepared.filter((p) => p.worker === "worker-1").length, out).toBe(1);
    },
    GUARD,
  );

  it(
    "the salad programs refuse bad options and a job without workers, in one line",
    async () => {
      const noWorker = await runTsrun(1, exercise("master-worker.ts"), { timeoutMs: 60_000 });
      expect(noWorker.code).not.toBe(0);
      expect(noWorker.stderr).toContain(
        "master-worker: rank 0 is the master and needs at least 1 worker (0 vs 1). Run it with tsrun -np 2 or more",
      );
      const badProbability = await runTsrun(2, exercise("fault-tolerant.ts"), {
        programArgs: ["--crash-probability", "2"],
        timeoutMs: 60_000,
      });
      expect(badProbability.code).not.toBe(0);
      expect(badProbability.stderr).toContain(
        'fault-tolerant: --crash-probability must be a number between 0 and 1, got "2"',
      );
      expect(badProbability.stderr).not.toMatch(/^\s+at /m);
    },
    GUARD,
  );
});
