// Every MPI starter of the student pack fails its grader with readable messages (at one process count per
// grader, a representative cut; `npx tsx test/graders/pack/check-starters.ts` grades every starter at
// every count, the socket and salad ones included). References passing their graders is tested by the
// grader tests (mpi-p2p, mpi-collectives, sockets-*, salad-*).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { grade } from "./lib/grader.ts";
import { exercises } from "./pack/catalogue.ts";
import { buildPack, type PackResult } from "./pack/pack.ts";
import { starterProgram, unreadableFailure } from "./pack/starters.ts";
import { GUARD } from "./mpi/lib/expect-grade.ts";

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
  it.each(graders.map(([id, g]) => [g.id, id, g] as const))("the %s starter fails its grader with readable messages", async (_, id, grader) => {
    if (!pack.packed.includes(id)) return; // a reference still without regions (listed in pack.test.ts)
    const lines: string[] = [];
    const checker = await grade(grader, { program: starterProgram(grader, dir), np: [NP[grader.id] ?? 2], out: (l) => lines.push(l) });
    expect(unreadableFailure(checker), lines.join("\n")).toBe("");
  }, GUARD);
});
