// The polling path of the process transport through the real tsrun: with spinning forced on (TSMPI_SPIN_US,
// even with more ranks than cores) and off, many messages of mixed sizes and tags arrive complete, in MPI's
// order per (source, tag), whether received by wildcard, by source, or into a buffer (large values kept and
// checked again after many receives into a buffer reused pooled buffers); a ping-pong completes;
// --fault-tolerant jobs spin too.
import { describe, expect, it } from "vitest";
import { runTsrun } from "../harness/run.ts";

const program = "test/runtime/programs/p2p-spin.ts";
const summaryOf = (stdout: string) =>
  JSON.parse(
    stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .pop() ?? "null",
  );

describe("process transport, polling receive", () => {
  for (const [np, spin, extra] of [
    [2, "1000", []],
    [4, "1000", []],
    [3, "0", []],
    [3, "300", ["--fault-tolerant"]],
  ] as const) {
    it(`keeps p2p order and every byte at np=${np}, TSMPI_SPIN_US=${spin} ${extra.join(" ")}`, async () => {
      const r = await runTsrun(np, program, {
        tsrunArgs: [...extra],
        programArgs: ["300"],
        env: { ...process.env, TSMPI_SPIN_US: spin },
        timeoutMs: 240_000,
      });
      expect(r.code, r.stderr).toBe(0);
      const summary = summaryOf(r.stdout);
      expect(summary.failures).toEqual([]);
      expect(summary.received).toBe(300 * (np - 1));
      expect(summary.pingPongs).toBe(2000);
      expect(summary.kept).toBeGreaterThan(0); // large values were kept and re-checked after later receives
    }, 300_000);
  }
});
