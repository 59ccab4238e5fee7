// Use after finalize and forgotten awaits, through the real tsrun: every MPI call after finalize is an error
// "MPI is finalized" naming the call; a Promise sent as a value is refused; finalize names the calls and
// requests never completed; a rank that ends with code 13 (unsettled top-level await) is explained.
import { describe, expect, it } from "vitest";
import { runTsrun } from "../harness/run.ts";
import { runRanks } from "./lib/ranks.ts";

const program = "test/runtime/programs/fix-finalized.ts";
const run = (mode: string) => runTsrun(2, program, { programArgs: [mode], timeoutMs: 60_000 });

describe("use after finalize and forgotten awaits", () => {
  it("every call after finalize is ERR_OTHER 'MPI is finalized' naming the call", async () => {
    const ranks = await runRanks(2, "fix-finalized.ts", ["after"]);
    for (const r of ranks) {
      expect(r.send).toMatch(
        new RegExp(`^ERR_OTHER: send\\(dest=${(r.rank + 1) % 2}, tag=0\\) on rank ${r.rank}: MPI is finalized`),
      );
      expect(r.recv).toMatch(/^ERR_OTHER: recv\(source=0, tag=0\) on rank \d: MPI is finalized/);
      expect(r.isend).toMatch(/^ERR_OTHER: isend\(dest=0, tag=0\) on rank \d: MPI is finalized/);
      expect(r.barrier).toMatch(/^ERR_OTHER: barrier\(\) on rank \d: MPI is finalized/);
      expect(r.allreduce).toMatch(/^ERR_OTHER: allreduce\(op=SUM\) on rank \d: MPI is finalized/);
    }
  });

  it("a Promise passed as the value to send is ERR_ARG 'did you forget await?'", async () => {
    const r = await run("promise");
    expect(r.stdout).toMatch(
      /"send":"ERR_ARG: send\(dest=1, tag=0\) on rank 0: the value to send is a Promise[^"]*did you forget await\?/,
    );
  });

  it("finalize names the receive never awaited and the request never waited for, with its line", async () => {
    const r = await run("pending");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /rank 1 finalize: 1 call was still pending \(started, never awaited\):\n\s+recv\(source=0, tag=1\) was never completed/,
    );
    expect(r.stderr).toMatch(
      /rank 1 finalize: 1 request was never completed by wait\(\) or test\(\):\n\s+irecv\(source=0, tag=2\) created at test\/runtime\/programs\/fix-finalized\.ts:\d+/,
    );
  });

  it("exit code 13 (a top-level await that never settles) is explained with the MPI call it was blocked in", async () => {
    const r = await run("exit13");
    expect(r.code).toBe(13);
    expect(r.stderr).toMatch(
      /tsmpi: rank 1 exited with code 13: the program's top-level await never settled: it was blocked in recv\(source=0, tag=3\), after mpi\.finalize\(\)/,
    );
  });
});
