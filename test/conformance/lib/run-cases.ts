// The vitest side of the conformance suite: runs one ported program through the real tsrun at a given
// np and reads the per-case lines its harness prints (programs/lib/harness.ts). A test asserts that
// the set of failing cases is exactly the file's list of known failures, so fixing a bug flips it.
import { expect } from "vitest";
import * as path from "node:path";
import { runTsrun, projectRoot } from "../../harness/run.ts";

export interface CaseReport {
  passed: string[];
  failed: Map<string, string>;
  declared: number | null;
  stdout: string;
  stderr: string;
  code: number | null;
}

export function parseReport(stdout: string): Omit<CaseReport, "stdout" | "stderr" | "code"> {
  const passed: string[] = [];
  const failed = new Map<string, string>();
  let declared: number | null = null;
  for (const line of stdout.split("\n")) {
    const pass = /^CASE PASS (.+)$/.exec(line);
    const fail = /^CASE FAIL (.+?) :: (.*)$/.exec(line);
    const total = /^CASES (\d+)$/.exec(line);
    if (pass) passed.push(pass[1]);
    if (fail) failed.set(fail[1], fail[2]);
    if (total) declared = Number(total[1]);
  }
  return { passed, failed, declared };
}

/** Runs test/conformance/programs/<name>.ts at np through tsrun (hang guard, not a benchmark). */
export async function runCases(name: string, np: number, programArgs: string[] = []): Promise<CaseReport> {
  const program = path.join(projectRoot, "test/conformance/programs", `${name}.ts`);
  const full = process.env.CONFORMANCE_FULL === "1";
  const r = await runTsrun(np, program, { timeoutMs: full ? 7_200_000 : 150_000, programArgs });
  expect(r.timedOut, `hang guard: ${r.stdout}\n${r.stderr}`).toBe(false);
  return { ...parseReport(r.stdout), stdout: r.stdout, stderr: r.stderr, code: r.code };
}

/**
 * Asserts a complete, clean run whose failing cases are exactly `knownFailures` (names as printed).
 * `minCases` guards against a program that silently registers fewer cases.
 */
export function expectConformance(report: CaseReport, knownFailures: readonly string[], minCases: number): void {
  const context = `${report.stdout}\n${report.stderr}`.slice(-6000);
  expect(report.declared, `no CASES line (the run ended early):\n${context}`).not.toBeNull();
  expect(report.passed.length + report.failed.size, context).toBe(report.declared);
  expect(report.declared!, context).toBeGreaterThanOrEqual(minCases);
  const unexpected = [...report.failed].filter(([n]) => !knownFailures.includes(n)).map(([n, why]) => `${n} :: ${why}`);
  expect(unexpected, "cases that fail and are not known failures").toEqual([]);
  const fixed = knownFailures.filter((n) => report.passed.includes(n));
  expect(fixed, "known failures that now pass: remove them from the list").toEqual([]);
  expect(report.code, context).toBe(0);
  // a conformance program completes every request and receives every message: finalize has nothing to say
  expect(
    report.stderr.split("\n").filter((l) => l.includes("warning")),
    "finalize warnings",
  ).toEqual([]);
}

export interface ConformanceFile {
  /** Process counts this file runs at in vitest (the full 1–5 matrix is `npm run conformance`). */
  nps: number[];
  /** The fewest cases a run must report (guards against cases silently not registered). */
  minCases: number;
  /** Case names (as printed) known to fail at np, each with its reason in docs/conformance.md. */
  knownFailures?: (np: number) => string[];
}
