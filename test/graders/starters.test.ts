// Every starter of the student pack fails its grader with readable messages: a check fails, and every
// failure is a message, never a stack trace. The MPI starters run at one process count per grader (a
// representative cut); the socket and salad starters at their graders' own settings (the election at one
// ring size), four graders at a time (their checks mostly wait on timeouts). Exercise 5's grader brings up
// SSH test hosts and a ring of seven daemons (minutes): `npm run starters -- 5` grades it, as
// `npm run starters` grades every starter at every count. That every starter type-checks is tested in
// pack.test.ts; that every reference passes its grader, by the grader tests (mpi-p2p, mpi-collectives,
// sockets-client-server, sockets-distributed, sockets-ssh, salad, salad-mpi).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { grade, type Grader } from "./lib/grader.ts";
import { exercises, PENDING_REGIONS } from "./pack/catalogue.ts";
import { buildPack, type PackResult } from "./pack/pack.ts";
import { gradeStarter, starterProgram, unreadableFailure, type StarterGrading } from "./pack/starters.ts";
import { GUARD } from "./mpi/lib/expect-grade.ts";
import { fingerRequirement, ready } from "../harness/requires.ts";
import { projectRoot } from "./lib/run.ts";

/** The smallest process count each grader's exercise makes sense at (13.1 needs 3 ranks, 12.5 a slow worker). */
const NP: Record<string, number> = { "13.1": 3, "12.5": 3 };
const mpi = exercises().filter((e) => e.family === "mpi");

describe("MPI starters", () => {
  let dir = "";
  let pack: PackResult;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-starters-"));
    pack = buildPack(dir, mpi);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const graders = mpi.flatMap((e) => e.graders.map((g) => [e.id, g] as const));
  it.each(graders.map(([id, g]) => [g.id, id, g] as const))(
    "the %s starter fails its grader with readable messages",
    async (_, id, grader) => {
      if (!pack.packed.includes(id)) return; // a reference still without regions (listed in pack.test.ts)
      const lines: string[] = [];
      const checker = await grade(grader, {
        program: starterProgram(grader, dir),
        np: [NP[grader.id] ?? 2],
        out: (l) => lines.push(l),
      });
      expect(unreadableFailure(checker), lines.join("\n")).toBe("");
    },
    GUARD,
  );
});

/** Graded by `npm run starters -- <id>` only, with the reason. */
const BY_SCRIPT: Record<string, string> = { "5": "brings up SSH test hosts and a ring of 7 daemons: minutes" };
/** Graders that need a system package (the file skips them with one line, or fails under TSMPI_REQUIRE_ALL=1). */
const canRun: Record<string, () => boolean> = { "2": () => ready(fingerRequirement()) };
/** Ring sizes, for the graders that take them (the election's default 3..12 waits out a timeout per size). */
const SIZES: Record<string, number[]> = { "6": [3] };
const AT_ONCE = 4;

describe("socket and salad starters", () => {
  const chosen = exercises().filter((e) => e.family !== "mpi" && !BY_SCRIPT[e.id]);
  const graders = chosen.flatMap((e) => e.graders).filter((g) => canRun[g.id]?.() ?? true);
  let dir = "";
  let pack: PackResult;
  const graded = new Map<string, StarterGrading | Error>();

  beforeAll(async () => {
    // inside the project (its gitignored tmp/), so that the starters' npm packages (yargs, ws, …) resolve
    fs.mkdirSync(path.join(projectRoot, "tmp"), { recursive: true });
    dir = fs.mkdtempSync(path.join(projectRoot, "tmp", "starters-"));
    pack = buildPack(dir, chosen);
    const queue: Grader[] = graders.filter((g) =>
      chosen.some((e) => e.graders.includes(g) && pack.packed.includes(e.id)),
    );
    const worker = async () => {
      for (let g = queue.shift(); g; g = queue.shift())
        graded.set(g.id, await gradeStarter(g, dir, SIZES[g.id]).catch((err: Error) => err));
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
  }, 4 * GUARD);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("packs every exercise but those pending (and grades the rest)", () => {
    expect(pack.skipped.map((s) => s.id).filter((id) => !PENDING_REGIONS.has(id))).toEqual([]);
    expect([...graded.keys()].sort()).toEqual(graders.map((g) => g.id).sort());
  });

  it.each(graders.map((g) => [g.id]))("the %s starter fails its grader with readable messages", (id) => {
    const g = graded.get(id);
    if (g instanceof Error) throw g;
    expect(g, `${id} was not graded`).toBeDefined();
    expect(g!.problem, g!.output).toBe("");
    // it failed on what the student has to write, not on the pack's setup
    expect(g!.output).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (package|module)/);
    console.log(`${id}: ${g!.summary} (${(g!.ms / 1000).toFixed(1)} s)`);
  });
});
