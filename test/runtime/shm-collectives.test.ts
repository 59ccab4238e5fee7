// The shared-memory collectives (runtime/collectives/shared.ts) with ranks as threads (--transport shm):
// bcast, allreduce and allgather of buffers large enough for the decision table to pick them, checked on
// every rank against formulas (programs/shm/collectives.ts) and, line for line, against the same program
// over processes (the oracle: the message-passing algorithms), at np 1–8; once with slabs small enough
// that the data goes in several chunks.
import { describe, expect, it } from "vitest";
import { runTsrun, type RunResult } from "../harness/run.ts";

const program = "test/runtime/programs/shm/collectives.ts";
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
