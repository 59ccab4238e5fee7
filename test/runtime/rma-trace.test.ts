// One-sided operations in the diagnostics: windows never freed are reported at finalize (an error with
// --strict), and puts, gets and epochs appear in the trace with their target and source line.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runTsrun } from "../harness/run.ts";

describe("one-sided operations in diagnostics and traces", () => {
  it("a window never freed is a finalize warning naming where it was created; --strict makes it an error", async () => {
    const warned = await runTsrun(2, "test/runtime/programs/rma-nofree.ts");
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(
      /rank 0 finalize: 1 window was never freed:\n {2}Win\.create\(32 bytes\) on COMM_WORLD at .*rma-nofree\.ts:4:\d+/,
    );
    const strict = await runTsrun(2, "test/runtime/programs/rma-nofree.ts", { tsrunArgs: ["--strict"] });
    expect(strict.code).not.toBe(0);
  });

  it("the trace records each get, put and fence with its target and source line", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-rma-trace-"));
    try {
      const r = await runTsrun(3, "exercises/mpi/rma-intermediary.ts", { tsrunArgs: ["--trace", dir] });
      expect(r.code, r.stderr).toBe(0);
      const events = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".jsonl"))
        .flatMap((f) =>
          fs
            .readFileSync(path.join(dir, f), "utf8")
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l)),
        );
      const rma = events.filter((e) => e.kind === "rma");
      expect(rma.some((e) => e.rank === 1 && e.op === "get" && e.target === 0)).toBe(true);
      expect(rma.some((e) => e.rank === 1 && e.op === "put" && e.target === 2)).toBe(true);
      expect(rma.every((e) => /rma-intermediary\.ts:\d+:\d+$/.test(e.site))).toBe(true);
      expect(events.filter((e) => e.kind === "epoch" && e.op === "fence").length).toBeGreaterThanOrEqual(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
