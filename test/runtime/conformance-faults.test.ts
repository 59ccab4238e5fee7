// Fault-tolerant mode under a race, through the real tsrun: a rank killed right after a barrier (its last
// barrier token and the launcher's notice of its death race each other); survivors catch ERR_PROC_FAILED
// from a receive and finish, every time. And a rank that ends on its own error has that error printed.
import { describe, expect, it } from "vitest";
import { runTsrun } from "../harness/run.ts";

const program = "test/runtime/programs/fix-ft-race.ts";

describe("fault-tolerant mode: a death right after a barrier", () => {
  it("50 runs in a row: the survivors catch ERR_PROC_FAILED and finish normally", async () => {
    const outcomes = new Map<string, number>();
    for (let run = 0; run < 50; run++) {
      const r = await runTsrun(run % 2 === 0 ? 2 : 3, program, { tsrunArgs: ["--fault-tolerant"], timeoutMs: 60_000 });
      const survivors = run % 2 === 0 ? 1 : 2;
      const ok =
        !r.timedOut &&
        r.code === 0 &&
        (r.stdout.match(/^rank \d caught ERR_PROC_FAILED$/gm) ?? []).length === survivors &&
        new RegExp(`rank 1 was killed by SIGKILL at [\\d.]+ s; ${survivors} ranks? finished normally`).test(r.stderr);
      const key = ok ? "correct" : `code ${r.code}: ${r.stdout.trim()} | ${r.stderr.trim()}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({ correct: 50 });
  }, 900_000);

  it("a rank that then fails on its own error: tsrun prints the error, in fault-tolerant mode too", async () => {
    const r = await runTsrun(2, program, {
      tsrunArgs: ["--fault-tolerant"],
      programArgs: ["throw"],
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /tsrun: rank 0 \(pid \d+ on .+\) failed:\n\s+RangeError: rank 0 gives up after the failure\n\s+at .*fix-ft-race\.ts/,
    );
    expect(r.stderr).toMatch(/rank 1 was killed by SIGKILL/);
  });

  it("without fault tolerance the same error is printed (and the job stops)", async () => {
    const r = await runTsrun(2, "test/runtime/programs/fix-ft-race.ts", { programArgs: ["throw"], timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/rank 1 \(pid \d+ on .+\) was killed by SIGKILL/);
  });
});
