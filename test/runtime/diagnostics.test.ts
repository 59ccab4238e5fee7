// tsrun's diagnostics through the real launcher (issue: diagnostics a student can act on): each classic
// deadlock ends the job with the wait-for graph in words, the source line of every blocked call and a
// Graphviz file; mismatched collectives stop every rank with what each called and where (file:line,
// also when every rank already returned from the call and waits in finalize); correct programs that
// look stuck (a rank computing, messages in flight, a long ring) are never reported; finalize warns about
// unreceived messages (with the send's line) and requests never waited for, and --strict makes it fail.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot, runTsrun, tsrunBin } from "../harness/run.ts";
import { scratchDir } from "../harness/scratch.ts";

const deadlocks = path.join(projectRoot, "test/runtime/programs/diag-deadlocks.ts");
const healthy = path.join(projectRoot, "test/runtime/programs/diag-healthy.ts");
const leftovers = path.join(projectRoot, "test/runtime/programs/diag-leftovers.ts");
const work = scratchDir("tsmpi-diag-test-");

interface Stopped {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ms from the moment every rank printed "armed" (the deadlock forms) to tsrun's exit */
  detectionMs: number;
  cwd: string;
}

/** Runs tsrun in a fresh working directory; notes when every rank has printed "armed <rank>". */
function runArmed(np: number, mode: string, tsrunArgs: string[] = [], guardMs = 60_000): Promise<Stopped> {
  const cwd = fs.mkdtempSync(path.join(work, `${mode}-`));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsrunBin, "-np", String(np), ...tsrunArgs, deadlocks, mode], {
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let armedAt = 0;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      if (!armedAt && (stdout.match(/^armed \d+$/gm) ?? []).length >= np) armedAt = Date.now();
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const guard = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* the job already ended */
      }
    }, guardMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, detectionMs: armedAt ? Date.now() - armedAt : Infinity, cwd });
    });
  });
}

const site = (line: number) => new RegExp(`diag-deadlocks\\.ts:${line}:\\d+`);

describe("deadlocks are reported, with the wait-for graph in words", () => {
  it("head-to-head recv at np = 2", async () => {
    const r = await runArmed(2, "cycle");
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toContain(
      "deadlock: rank 0 waits in recv(source=1, tag=0) for rank 1; rank 1 waits in recv(source=0, tag=0) for rank 0 — a cycle 0 → 1 → 0",
    );
    expect(r.stderr).toMatch(new RegExp(`rank 0: recv\\(source=1, tag=0\\) at \\S*${site(25).source}`));
    const dot = fs.readFileSync(path.join(r.cwd, "tsrun-deadlock.dot"), "utf8");
    expect(dot).toMatch(/^digraph deadlock \{/);
    expect(dot).toMatch(/r0 -> r1 \[color=red/);
    expect(r.stderr).toContain(`wait-for graph: ${path.join(r.cwd, "tsrun-deadlock.dot")}`);
    expect(r.detectionMs).toBeLessThan(15_000); // hang guard; the measured figure is printed below
    console.log(`cycle np=2: stopped ${r.detectionMs} ms after the deadlock formed`);
  });

  it("a 3-rank cycle", async () => {
    const r = await runArmed(3, "cycle");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      "deadlock: rank 0 waits in recv(source=1, tag=0) for rank 1; rank 1 waits in recv(source=2, tag=0) for rank 2; rank 2 waits in recv(source=0, tag=0) for rank 0 — a cycle 0 → 1 → 2 → 0",
    );
    console.log(`cycle np=3: stopped ${r.detectionMs} ms after the deadlock formed`);
  });

  it("ssend to itself", async () => {
    const r = await runArmed(1, "ssend-self");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("deadlock: rank 0 waits in ssend(dest=0, tag=0) for itself");
    expect(r.stderr).toMatch(/hint: .*send to itself/);
  });

  it("every rank in recv from ANY_SOURCE lists every candidate", async () => {
    const r = await runArmed(3, "any-source");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      "deadlock: rank 0 waits in recv(source=ANY_SOURCE, tag=0) for any of ranks 1, 2; rank 1 waits in recv(source=ANY_SOURCE, tag=0) for any of ranks 0, 2; rank 2 waits in recv(source=ANY_SOURCE, tag=0) for any of ranks 0, 1",
    );
  });

  it("a rank waiting for one that has exited, or that is in finalize", async () => {
    const exited = await runArmed(2, "exited");
    expect(exited.code).not.toBe(0);
    expect(exited.stderr).toContain(
      "deadlock: rank 0 waits in recv(source=1, tag=0) for rank 1, which exited with code 0",
    );
    const finalized = await runArmed(2, "finalized");
    expect(finalized.code).not.toBe(0);
    expect(finalized.stderr).toContain(
      "deadlock: rank 0 waits in recv(source=1, tag=0) for rank 1, which is in finalize() and will never send again",
    );
  });

  it("a partial deadlock while another rank still computes", async () => {
    const r = await runArmed(3, "partial");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      "deadlock among ranks 0, 1 (rank 2 still running): rank 0 waits in recv(source=1, tag=0) for rank 1; rank 1 waits in recv(source=0, tag=0) for rank 0 — a cycle 0 → 1 → 0",
    );
  });

  it("a collective called by only some ranks", async () => {
    const r = await runArmed(3, "collective");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      "rank 0 waits in barrier() for ranks 1, 2 (rank 2 is in finalize() and will never send again)",
    );
    expect(r.stderr).toContain(
      "on COMM_WORLD, ranks 0, 1 called collective #1 (barrier()) but rank 2 has called only 0",
    );
  });

  for (const [mode, call] of [
    ["exchange-ssend", "ssend"],
    ["exchange-large", "send"],
  ]) {
    it(`exercise 9.5's exchange with blocking ${mode === "exchange-ssend" ? "synchronous" : "large"} sends`, async () => {
      const r = await runArmed(2, mode);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(
        `deadlock: rank 0 waits in ${call}(dest=1, tag=0) for rank 1; rank 1 waits in ${call}(dest=0, tag=0) for rank 0 — a cycle 0 → 1 → 0`,
      );
      expect(r.stderr).toMatch(
        /hint: blocking sends of large messages .* and ssend wait until the receiver posts its recv/,
      );
      console.log(`${mode}: stopped ${r.detectionMs} ms after the deadlock formed`);
    });
  }

  it("--no-check turns the detection off (the job then runs into --timeout)", async () => {
    const r = await runArmed(2, "cycle", ["--no-check", "--timeout", "3"]);
    expect(r.code).toBe(124);
    expect(r.stderr).not.toContain("deadlock:");
    expect(r.stderr).toContain("exceeded --timeout 3 s");
  });
});

describe("mismatched collectives stop every rank", () => {
  it("different roots", async () => {
    const r = await runArmed(4, "mismatch-root");
    expect(r.code).not.toBe(0);
    // Reported as soon as it is certain: some ranks may not have reached the call yet.
    expect(r.stderr).toMatch(
      /mismatched collectives on COMM_WORLD \(collective call #1 on it\): [^\n]*rank 3 called bcast\(root=1\)/,
    );
    expect(r.stderr).toMatch(/mismatched collectives on COMM_WORLD [^\n]*ranks? [\d, ]+ called bcast\(root=0\)/);
    // every rank that made the call is listed with its line; one that has not yet is listed as such
    expect(r.stderr).toMatch(/\n {2}rank 3: bcast\(root=1\) at \S*diag-deadlocks\.ts:83:\d+\n/);
    expect(r.stderr).toMatch(/\n {2}rank [012]: bcast\(root=0\) at \S*diag-deadlocks\.ts:83:\d+\n/);
    for (const rank of [0, 1, 2])
      expect(r.stderr).toMatch(
        new RegExp(
          `\\n {2}rank ${rank}: (bcast\\(root=0\\) at \\S*diag-deadlocks\\.ts:83:\\d+|has not reached it yet)`,
        ),
      );
  });

  it("different ops, even though the call completes", async () => {
    const r = await runArmed(3, "mismatch-op");
    expect(r.code).not.toBe(0);
    // Reported as soon as it is certain: rank 2 may not have reached the call yet (then "rank 0 called SUM").
    expect(r.stderr).toMatch(
      /mismatched collectives on COMM_WORLD \(collective call #1 on it\): [^\n]*rank 1 called allreduce\(op=MAX\)/,
    );
    expect(r.stderr).toMatch(/mismatched collectives on COMM_WORLD [^\n]*ranks? [\d, ]+ called allreduce\(op=SUM\)/);
    expect(r.stderr).toMatch(/\n {2}rank 1: allreduce\(op=MAX\) at \S*diag-deadlocks\.ts:88:\d+\n/);
  });

  it("different buffer-mode type signatures, even with equal byte counts", async () => {
    const r = await runTsrun(3, "test/runtime/programs/diag-type-mismatch.ts", { timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    // Reported as soon as it is certain: some ranks may not have reached the call yet.
    expect(r.stderr).toMatch(
      /mismatched collectives on COMM_WORLD [^\n]*rank 1 called allreduceInto\(op=SUM, type=INT32×4\)/,
    );
    expect(r.stderr).toMatch(
      /mismatched collectives on COMM_WORLD [^\n]*ranks? [\d, ]+ called allreduceInto\(op=SUM, type=FLOAT64×2\)/,
    );
    expect(r.stderr).toMatch(
      /\n {2}rank 1: allreduceInto\(op=SUM, type=INT32×4\) at \S*diag-type-mismatch\.ts:6:\d+\n/,
    );
  });
});

describe("the mismatch report names each rank's call and file:line", () => {
  const program = path.join(projectRoot, "test/runtime/programs/diag-mismatch-sites.ts");
  const line = (n: number) => `\\S*diag-mismatch-sites\\.ts:${n}:\\d+`;
  // Each run is a race between the ranks' reports, the finalize path and the detailed poll: run it a few times.
  const cases: [mode: string, rank0: string, rank1: string][] = [
    ["completed", `bcast\\(root=0\\) at ${line(15)}`, `reduce\\(op=SUM, root=0\\) at ${line(16)}`],
    ["stuck", `bcast\\(root=1\\) at ${line(19)}`, `allreduce\\(op=SUM\\) at ${line(20)}`],
    [
      "repeated",
      `bcast\\(root=0\\), the same call as its first one at ${line(25)}`,
      `allreduce\\(op=SUM\\) at ${line(24)}`,
    ],
  ];
  for (const [mode, rank0, rank1] of cases) {
    it(`${mode}: each rank's call and line, every time (2 runs)`, async () => {
      for (let run = 0; run < 2; run++) {
        const r = await runTsrun(2, program, { programArgs: [mode], timeoutMs: 60_000, cwd: work });
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(/mismatched collectives on COMM_WORLD/);
        expect(r.stderr).toMatch(new RegExp(`\\n {2}rank 0: ${rank0}\\n`));
        expect(r.stderr).toMatch(new RegExp(`\\n {2}rank 1: ${rank1}\\n`));
        expect(r.stderr).not.toMatch(/did not say where|deadlock/);
      }
    });
  }

  it("the same with ranks as threads (--transport shm), where finalize holds the same way", async () => {
    const [, rank0, rank1] = cases[0];
    const r = await runTsrun(2, program, {
      tsrunArgs: ["--transport", "shm"],
      programArgs: ["completed"],
      timeoutMs: 60_000,
      cwd: work,
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`\\n {2}rank 0: ${rank0}\\n`));
    expect(r.stderr).toMatch(new RegExp(`\\n {2}rank 1: ${rank1}\\n`));
  });
});

describe("no false alarm on correct programs", () => {
  for (const [np, mode] of [
    [2, "slow"],
    [2, "flood"],
    [8, "ring"],
    [4, "collectives"],
  ] as const) {
    it(`${mode} at np = ${np}`, async () => {
      const r = await runTsrun(np, healthy, { programArgs: [mode], timeoutMs: 120_000, cwd: work });
      expect(r.stderr).not.toMatch(/deadlock|mismatched/);
      expect(r.code, r.stderr).toBe(0);
      expect((r.stdout.match(/^ok \d+$/gm) ?? []).length).toBe(np);
    });
  }
});

describe("what finalize finds left behind", () => {
  it("warns with the send's source line and the request never waited for; exit code unchanged", async () => {
    const r = await runTsrun(2, leftovers, { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("tsmpi warning: rank 1 finalize: 2 messages sent to rank 1 were never received:");
    expect(r.stderr).toMatch(/from rank 0, tag 7, 10 bytes, sent at \S*diag-leftovers\.ts:8:\d+/);
    expect(r.stderr).toMatch(/from rank 0, tag 7, 14 bytes, sent at \S*diag-leftovers\.ts:9:\d+/);
    expect(r.stderr).toMatch(
      /tsmpi warning: rank 0 finalize: 1 request was never completed by wait\(\) or test\(\):\n {2}irecv\(source=1, tag=99\) created at \S*diag-leftovers\.ts:10:\d+/,
    );
  });

  it("--strict makes them errors", async () => {
    const r = await runTsrun(2, leftovers, { tsrunArgs: ["--strict"], cwd: work });
    expect(r.code).not.toBe(0);
    // the first rank to fail stops the other, which may not have printed its own report yet
    expect(r.stderr).toMatch(
      /tsmpi error: rank (1 finalize: 2 messages sent to rank 1 were never received|0 finalize: 1 request was never completed)/,
    );
  });
});
