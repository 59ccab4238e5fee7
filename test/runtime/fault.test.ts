// Fault-tolerant mode (ULFM-like): a dead rank no longer aborts the job; operations that need it fail with
// ERR_PROC_FAILED naming it; live ranks carry on, shrink the communicator and continue; nothing hangs or remains.
import { describe, expect, it } from "vitest";
import { runTsrun } from "../harness/run.ts";

const results = (stdout: string) =>
  Object.fromEntries(
    stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l))
      .map((o) => [o.rank, o]),
  );

describe("fault-tolerant mode", () => {
  for (const mode of ["--fault-tolerant", "errhandler"]) {
    it(`survivors get ERR_PROC_FAILED, keep working and shrink (${mode})`, async () => {
      const r = await runTsrun(4, "test/runtime/programs/ft.ts", {
        tsrunArgs: mode === "--fault-tolerant" ? [mode] : [],
        programArgs: mode === "errhandler" ? ["errhandler"] : [],
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        /fault-tolerant run: rank 2 was killed by SIGKILL at [\d.]+ s; 3 ranks finished normally/,
      );
      const by = results(r.stdout);
      expect(Object.keys(by).sort()).toEqual(["0", "1", "3"]);
      expect(by[0].recvFromDead).toMatch(
        /^ERR_PROC_FAILED: recv on rank 0: rank 2 has failed \(was killed by SIGKILL\)/,
      );
      expect(by[1].ssendToDead).toMatch(/^ERR_PROC_FAILED: .*rank 2 has failed/);
      expect(by[3].bigSendToDead).toMatch(/^ERR_PROC_FAILED: send on rank 3: rank 2 has failed/);
      expect(by[0].liveExchange).toBe("one");
      expect(by[1].liveExchange).toBe("zero");
      for (const rank of [0, 1, 3]) expect(by[rank].failed).toEqual([2]);
      expect(by[0].shrunk).toEqual([0, 3]);
      expect(by[1].shrunk).toEqual([1, 3]);
      expect(by[3].shrunk).toEqual([2, 3]);
      expect(by[0].ring).toBe(3);
    });
  }

  it("--kill-rank kills a rank from outside; a receive waiting for it fails in bounded time", async () => {
    const r = await runTsrun(3, "test/runtime/programs/ft-kill.ts", {
      tsrunArgs: ["--fault-tolerant", "--kill-rank", "1@0.5"],
      timeoutMs: 30_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^CAUGHT ERR_PROC_FAILED failed=\[1\]$/m);
    const caught = /^PROCESS FAILED (.*)$/m.exec(r.stdout);
    expect(caught, "the error is an mpi.ProcessFailedError").not.toBeNull();
    expect(JSON.parse(caught![1])).toEqual({
      failedRanks: [1],
      call: "recv",
      rank: 0,
      peer: 1,
      fatal: false,
      isMpiError: true,
    });
    expect(r.stderr).toMatch(/rank 1 was killed by SIGKILL at \d+\.\d s/);
  });

  it("without fault tolerance the same death aborts the job", async () => {
    const r = await runTsrun(3, "test/runtime/programs/ft-kill.ts", {
      tsrunArgs: ["--kill-rank", "1@0.5"],
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(137);
    expect(r.stderr).toMatch(/rank 1 \(pid \d+ on .+\) was killed by SIGKILL/);
  });

  it("--kill-rank is checked", async () => {
    const r = await runTsrun(3, "test/runtime/programs/ft-kill.ts", { tsrunArgs: ["--kill-rank", "7@1"] });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--kill-rank 7@1: expected RANK@SECONDS with RANK below 3/);
  });
});
