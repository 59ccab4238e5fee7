// Tests of the salad graders (S0, S2, S3, S5, S7): each grader passes the reference programs and fails each
// broken variant in test/graders/fixtures/salad/ with the message a student would need. Also checks the
// salad programs' options (time scale) and the threaded counter race, as real processes.
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { grade, type Grader } from "./lib/grader.ts";
import { projectRoot } from "./lib/run.ts";
import { graders } from "./salad/index.ts";
import { Processes } from "./salad/lib/proc.ts";
import { SEQUENTIAL_UNITS, prepare, saladTasks, timeScale, timeScaleFromArgv } from "../../exercises/salad/fruits.ts";

const fixture = (name: string) => path.join(projectRoot, "test/graders/fixtures/salad", name);
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

/** The grader must fail `check` (a part of its name) with a message containing each of `words`. */
async function expectFailure(id: string, program: string, check: string, words: string[]) {
  const { checker, output } = await run(id, program);
  const failed = checker.results.find((r) => !r.passed && r.what.includes(check));
  expect(failed, output).toBeDefined();
  for (const word of words) expect(failed!.detail, output).toContain(word);
}

const GUARD = 150_000; // hang guard for a whole grading run on a loaded machine, not a speed limit

describe("salad graders pass the reference programs", () => {
  for (const id of ["S0", "S2", "S3", "S5", "S7"]) {
    it(
      `${id} passes ${[byId(id).reference].flat()[0]}`,
      async () => {
        const { checker, output } = await run(id);
        expect(checker.failed, output).toBe(0);
        expect(checker.passed, output).toBeGreaterThanOrEqual(2);
      },
      GUARD,
    );
  }
});

describe("salad graders fail the broken variants", () => {
  it(
    "S0 fails a sequential salad that forgets the last fruit",
    () => expectFailure("S0", fixture("seq-forgets-last.ts"), "every fruit", ["never prepared: pomme×1"]),
    GUARD,
  );

  it(
    "S2 fails a master that hands every fruit out twice",
    () =>
      expectFailure("S2", fixture("rpc-gives-twice"), "exactly once", [
        "prepared 2 times",
        "every fruit prepared exactly once",
      ]),
    GUARD,
  );

  it(
    "S2 fails an RPC layer that lets unexposed methods through",
    () =>
      expectFailure("S2", fixture("rpc-open/master.ts"), "not exposed are refused", [
        "calling toString answered",
        "refused as not exposed",
      ]),
    GUARD,
  );

  it(
    "S3 fails a 'locked' counter whose calls each take their own lock",
    () =>
      expectFailure("S3", fixture("counter-lock-per-call.ts"), "with --lock", [
        "updates lost",
        "expected 3000000 with --lock",
      ]),
    GUARD,
  );

  it(
    "S5 fails a chain whose verify() ignores previousHash",
    () =>
      expectFailure("S5", fixture("chain-no-link.ts"), "broken link", [
        "CHAIN VALID",
        "previousHash with the previous block's hash",
      ]),
    GUARD,
  );

  it(
    "S7 fails a server that crashes on malformed JSON",
    () => expectFailure("S7", fixture("rest-crash-json"), "malformed JSON gets 400", ["got no answer", "SyntaxError"]),
    GUARD,
  );

  it(
    "S7 fails a server that keeps its orders in memory",
    () => expectFailure("S7", fixture("rest-memory"), "restarted mid-order", ["unknown to the server (404)"]),
    GUARD,
  );
});

describe("the salad's shared module (fruits.ts)", () => {
  it("reads the time scale from --time-scale X, --time-scale=X, or nothing (1)", () => {
    expect(timeScaleFromArgv(["--time-scale", "2"])).toBe(2);
    expect(timeScaleFromArgv(["x", "--time-scale=0.5"])).toBe(0.5);
    expect(timeScale(undefined, {})).toBe(1);
    expect(timeScale(undefined, { TSMPI_SALAD_TIME_SCALE: "0.01" })).toBe(0.01);
    expect(() => timeScaleFromArgv(["--time-scale"])).toThrow(/--time-scale must be a positive number/);
    expect(() => timeScale("-1")).toThrow(/got "-1"/);
  });

  it("holds the handout's salad and prepares a fruit by task or by name", async () => {
    const tasks = saladTasks();
    expect(tasks).toHaveLength(11);
    expect(tasks.reduce((sum, t) => sum + t.units, 0)).toBe(SEQUENTIAL_UNITS);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(11);
    await expect(prepare(tasks[3], 0.001)).resolves.toBe("1 cerise préparée");
    await expect(prepare("pastèque", 0.001)).resolves.toBe("1 pastèque préparée");
    await expect(prepare("kiwi", 0.001)).rejects.toThrow(/unknown fruit "kiwi"/);
  });
});

describe("salad programs", () => {
  const procs = new Processes();
  afterAll(() => procs.killAll());
  const seq = path.join(projectRoot, "exercises/salad/seq.ts");
  const counter = path.join(projectRoot, "exercises/salad/counter-race.ts");

  it("take the time scale from TSMPI_SALAD_TIME_SCALE when --time-scale is absent", async () => {
    const p = procs.start("seq", seq, [], { TSMPI_SALAD_TIME_SCALE: "0.002" });
    expect((await p.finished(30_000)).code, p.stderr).toBe(0);
    const units = Number(p.lines(/^TOTAL /)[0]?.split(" ")[1]);
    expect(units).toBeGreaterThanOrEqual(25);
    expect(p.lines(/^PREPARED /)).toHaveLength(11);
  }, 60_000);

  it("refuse a bad time scale with one clear line and exit code 1", async () => {
    const p = procs.start("seq", seq, ["--time-scale", "zero"]);
    expect((await p.finished(30_000)).code).toBe(1);
    expect(p.stderr.trim()).toMatch(
      /^seq: --time-scale must be a positive number of seconds per time unit, got "zero"/,
    );
    expect(p.stderr.trim().split("\n")).toHaveLength(1);
  }, 60_000);

  it("count exactly with --race threads --lock (worker threads on a SharedArrayBuffer)", async () => {
    const server = procs.start("counter server", counter, [
      "server",
      "--port",
      "0",
      "--race",
      "threads",
      "--lock",
      "--n",
      "300000",
      "--rounds",
      "1",
    ]);
    const [, port] = await server.waitForLine(/^LISTENING (\d+)/, "LISTENING");
    const clients = [1, 2, 3].map((k) =>
      procs.start(`client ${k}`, counter, ["client", "--server", `ws://127.0.0.1:${port}`]),
    );
    for (const c of clients) expect((await c.finished(60_000)).code, c.stderr).toBe(0);
    const [final] = await server.waitForLines(/^FINAL /, 1, "FINAL");
    expect(final).toBe("FINAL counter=900000 expected=900000 lost=0");
    expect((await server.finished(30_000)).code).toBe(0);
  }, 90_000);
});
