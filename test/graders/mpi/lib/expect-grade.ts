// Helpers for the vitest files that test the MPI graders (test/graders/mpi-*.test.ts): grade quietly with
// few process counts, and assert that a grader passes a reference or fails a broken variant with the
// message a student would need (the failed check's name and the words of its detail).
import * as path from "node:path";
import { expect } from "vitest";
import { grade, type Grader } from "../../lib/grader.ts";
import { projectRoot } from "../../lib/run.ts";
import { graders } from "../index.ts";

export const fixture = (name: string) => path.join(projectRoot, "test/graders/fixtures/mpi", name);
export const exercise = (name: string) => path.join(projectRoot, "exercises/mpi", name);

/** Hang guard for one grading run on a loaded 2-core machine (not a speed limit). */
export const GUARD = 150_000;

function byId(id: string): Grader {
  const g = graders.find((x) => x.id === id);
  if (!g) throw new Error(`no MPI grader ${id}`);
  return g;
}

export async function runGrader(id: string, np: number[], program?: string) {
  const lines: string[] = [];
  const checker = await grade(byId(id), { program, np, out: (l) => lines.push(l) });
  return { checker, output: lines.join("\n") };
}

/** The grader passes every check on the reference at these process counts. */
export async function expectPass(id: string, np: number[], minimumChecks = 1): Promise<void> {
  const { checker, output } = await runGrader(id, np);
  expect(checker.failed, output).toBe(0);
  expect(checker.passed, output).toBeGreaterThanOrEqual(minimumChecks);
}

/** The grader fails the check whose name contains `check`, with each of `words` in its detail. */
export function expectFailure(
  id: string,
  np: number[],
  program: string,
  check: string,
  words: string[],
): Promise<void> {
  return expectFailures(id, np, program, [[check, words]]);
}

/** One grading run that must fail several checks, each [part of its name, words of its detail]. */
export async function expectFailures(
  id: string,
  np: number[],
  program: string,
  expected: [string, string[]][],
): Promise<void> {
  const { checker, output } = await runGrader(id, np, program);
  for (const [check, words] of expected) {
    const failed = checker.results.find((r) => !r.passed && r.what.includes(check));
    expect(failed, output).toBeDefined();
    for (const word of words) expect(failed!.detail, output).toContain(word);
  }
}
