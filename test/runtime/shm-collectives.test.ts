// The shared-memory collectives (runtime/collectives/shared.ts) with ranks as threads (--transport shm):
// bcast, allreduce and allgather of buffers large enough for the decision table to pick them, checked on
// every rank against formulas (programs/shm/collectives.ts) and, line for line, against the same program
// over processes (the oracle: the message-passing algorithms), at np 1–8; once with slabs small enough
// that the data goes in several chunks. The barrier through the segment's counters (shared-barrier.ts):
// nobody leaves before the last has entered, on the world and on each half of a split, at np 2, 4 and 8
// (8 ranks on this machine's cores: waiting ranks sleep instead of polling), as the message barrier does.
import { describe, expect, it } from "vitest";
import { runTsrun, type RunResult } from "../harness/run.ts";

const program = "test/runtime/programs/shm/collectives.ts";
const barrierProgram = "test/runtime/programs/shm/barrier.ts";
const lines = (r: RunResult) => r.stdout.split("\n").filter(Boolean).sort();

function expectAllCorrect(r: RunResult, np: number): void {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout.match(/ all correct$/gm)?.length, r.stdout).toBe(np);
}

describe("collectives through shared memory", () => {
  for (const np of [1, 2, 3, 4, 8]) {
    it(`give the results of the process transport at np=${np}`, async () => {
      const shm = await runTsrun(np, program, { tsrunArgs: ["--transport", "shm"], timeoutMs: 120_000 });
      expectAllCorrect(shm, np);
      const processes = await runTsrun(np, program, { tsrunArgs: ["--transport", "unix"], timeoutMs: 120_000 });
      expectAllCorrect(processes, np);
      expect(lines(shm)).toEqual(lines(processes));
    }, 260_000);
  }

  it("move data larger than a slab in chunks", async () => {
    const r = await runTsrun(3, program, {
      tsrunArgs: ["--transport", "shm"],
      env: { TSMPI_SHM_SLAB_BYTES: "65536" },
      timeoutMs: 120_000,
    });
    expectAllCorrect(r, 3);
    const processes = await runTsrun(3, program, { tsrunArgs: ["--transport", "unix"], timeoutMs: 120_000 });
    expect(lines(r)).toEqual(lines(processes));
  }, 260_000);
});

type Barrier = { group: string; entered: number; left: number };

/** Every rank left each barrier after the last rank of its group entered it; every rank finished. */
function expectBarriersHeld(r: RunResult, np: number): void {
  expect(r.code, r.stderr).toBe(0);
  const barriers = new Map<string, Barrier[]>();
  for (const m of r.stdout.matchAll(/^(\S+) (\d) rank \d+ entered (\d+) left (\d+)$/gm)) {
    const group = `${m[1]} ${m[2]}`;
    barriers.set(group, [...(barriers.get(group) ?? []), { group, entered: Number(m[3]), left: Number(m[4]) }]);
  }
  const halves = np > 1 ? 2 : 1;
  expect(barriers.size, r.stdout).toBe(3 * (2 + halves));
  for (const [group, ranks] of barriers) {
    const lastIn = Math.max(...ranks.map((b) => b.entered));
    expect(Math.min(...ranks.map((b) => b.left)), group).toBeGreaterThanOrEqual(lastIn);
  }
  expect(r.stdout.match(new RegExp(`done, ${np} ranks$`, "gm"))?.length, r.stdout).toBe(np);
}

describe("the barrier through the segment's counters", () => {
  for (const np of [2, 4, 8]) {
    it(`lets nobody out before the last rank of the communicator is in, at np=${np}`, async () => {
      const r = await runTsrun(np, barrierProgram, { tsrunArgs: ["--transport", "shm"], timeoutMs: 120_000 });
      expectBarriersHeld(r, np);
    }, 130_000);
  }

  it("holds as the message barrier does (forced with --coll barrier=dissemination)", async () => {
    const args = ["--transport", "shm", "--coll", "barrier=dissemination"];
    expectBarriersHeld(await runTsrun(4, barrierProgram, { tsrunArgs: args, timeoutMs: 120_000 }), 4);
  }, 130_000);
});
