// Grading starters: which program of a pack `--program` names for a grader (the starter with the name the
// student submits; the folder when the grader runs several programs), and whether a grading run failed
// the way a student should see it: at least one check failed, every failure a message, never a stack;
// and gradeStarter(), which grades one starter and sums the run up in one line.
import * as path from "node:path";
import { grade, type Checker, type Grader } from "../lib/grader.ts";
import { GIVEN_AS_IS } from "./catalogue.ts";

/** The path a student passes to `--program` for this grader, inside a pack written at `packDir`. */
export function starterProgram(grader: Grader, packDir: string): string {
  const all = [grader.reference].flat();
  const written = all.filter((r) => !GIVEN_AS_IS.has(r));
  // every program given as it is (S4, S6): the student's part is a module they import, so submit them
  const refs = written.length ? written : all;
  const inPack = (r: string) => path.join(packDir, r.replace(/^exercises\//, ""));
  return refs.length === 1 ? inPack(refs[0]) : path.dirname(inPack(refs[0]));
}

/** "" when the run failed readably; else what is wrong with it (a starter that passes, a grader error). */
export function unreadableFailure(checker: Checker): string {
  if (checker.failed === 0)
    return `${checker.id}: the starter passed all ${checker.passed} checks (a region hides nothing?)`;
  // tsrun's report may quote the program's own error with its line (that is readable); a frame inside the
  // grader, node or a dependency means the grader broke
  const graderFrame = /\n\s+at .*(\/test\/graders\/|node:internal|node_modules)/;
  const bad = checker.results.filter(
    (r) => !r.passed && (r.detail.startsWith("grader error") || graderFrame.test(r.detail)),
  );
  return bad.length
    ? `${checker.id}: "${bad[0].what}" failed with a stack, not a message: ${bad[0].detail.slice(0, 300)}`
    : "";
}

export interface StarterGrading {
  grader: string;
  /** "" when the starter failed readably (see unreadableFailure) */
  problem: string;
  /** one line: how many checks fail, and the first failure's message */
  summary: string;
  /** every line the grader printed */
  output: string;
  ms: number;
}

/** Grades the starter of `grader` inside the pack at `packDir` (at the grader's own process counts unless `np`). */
export async function gradeStarter(grader: Grader, packDir: string, np?: number[]): Promise<StarterGrading> {
  const lines: string[] = [];
  const started = Date.now();
  const checker = await grade(grader, {
    program: starterProgram(grader, packDir),
    ...(np ? { np } : {}),
    out: (l) => lines.push(l),
  });
  const first = checker.results.find((r) => !r.passed);
  const summary = first
    ? `${checker.failed} of ${checker.results.length} checks fail; first: ${first.what}: ${first.detail.split("\n")[0].slice(0, 160)}`
    : `all ${checker.passed} checks pass`;
  return {
    grader: grader.id,
    problem: unreadableFailure(checker),
    summary,
    output: lines.join("\n"),
    ms: Date.now() - started,
  };
}
