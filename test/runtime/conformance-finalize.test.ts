// Finalize and flow control, through the real tsrun: every unreceived message is reported every time (rank 0
// sends and finalizes at once, its frame possibly still queued on a connection being opened); collective
// traffic never waits behind point-to-point credit; a send held back by flow control is named as such.
import { describe, expect, it } from "vitest";
import { runTsrun } from "../harness/run.ts";

describe("finalize reports unreceived messages deterministically", () => {
  it("30 runs in a row: the unreceived message is reported with its send's line every time", async () => {
    let reported = 0;
    const misses: string[] = [];
    for (let run = 0; run < 30; run++) {
      const r = await runTsrun(2, "test/runtime/programs/fix-unreceived.ts", { timeoutMs: 60_000 });
      const ok =
        r.code === 0 &&
        /rank 1 finalize: 1 message sent to rank 1 was never received:\n\s+from rank 0, tag 7, \d+ bytes, sent at test\/runtime\/programs\/fix-unreceived\.ts:6/.test(
          r.stderr,
        );
      if (ok) reported++;
      else misses.push(`code ${r.code}: ${r.stderr}`);
    }
    expect(misses).toEqual([]);
    expect(reported).toBe(30);
  }, 900_000);
});

describe("collective traffic never waits behind point-to-point credit", () => {
  it("300 000 unreceived small isends (far past the credit window), then barrier and bcast complete", async () => {
    const r = await runTsrun(2, "test/runtime/programs/fix-credit.ts", {
      programArgs: ["flood", "300000"],
      timeoutMs: 400_000,
    });
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^barrier done 0$/m);
    expect(r.stdout).toMatch(/^barrier done 1$/m);
    expect(r.stdout).toContain(`{"rank":1,"sum":${(300000 * 299999) / 2}}`);
    expect(r.stderr).not.toMatch(/never completed/);
  }, 450_000);

  it("a send blocked for lack of credit is named as such in the deadlock report", async () => {
    const r = await runTsrun(2, "test/runtime/programs/fix-credit.ts", {
      programArgs: ["blocked"],
      timeoutMs: 120_000,
    });
    expect(r.timedOut, r.stderr).toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /tsrun: deadlock: rank 0 waits in send\(dest=1, tag=5\), held back by flow control: no credit until rank 1 receives this rank's earlier messages/,
    );
    expect(r.stderr).toMatch(
      /rank 0: send\(dest=1, tag=5\), held back by flow control[^\n]* at test\/runtime\/programs\/fix-credit\.ts:\d+/,
    );
  }, 150_000);
});
