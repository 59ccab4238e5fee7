// `npx tsx test/graders/pack/check-starters.ts [ids…]`: builds a pack of the chosen exercises (all by
// default) in a temporary folder and grades every starter with its grader at the grader's usual process
// counts. Each starter must fail with readable messages; prints one line per grader and exits 1 if a
// starter passes or a failure is a stack trace. Slow (every grader, every N): test/graders/starters.test.ts
// runs a representative cut (every MPI starter at one N) in the test suite.
import * as fs from "node:fs";
import * as path from "node:path";
import { grade } from "../lib/grader.ts";
import { projectRoot } from "../lib/run.ts";
import { select } from "./catalogue.ts";
import { buildPack } from "./pack.ts";
import { starterProgram, unreadableFailure } from "./starters.ts";

const { chosen, unknown } = select(process.argv.slice(2));
if (unknown.length) {
  console.error(`check-starters: unknown exercise id ${unknown.join(", ")}`);
  process.exit(2);
}
// inside the project (its gitignored tmp/), so that the helpers' npm packages resolve as after `npm install`
fs.mkdirSync(path.join(projectRoot, "tmp"), { recursive: true });
const dir = fs.mkdtempSync(path.join(projectRoot, "tmp", "starters-"));
let problems = 0;
try {
  const pack = buildPack(dir, chosen);
  for (const ex of chosen.filter((e) => pack.packed.includes(e.id))) {
    for (const grader of ex.graders) {
      const checker = await grade(grader, { program: starterProgram(grader, dir), out: () => {} });
      const problem = unreadableFailure(checker);
      const first = checker.results.find((r) => !r.passed);
      if (problem) problems++;
      console.log(problem ? `PROBLEM ${problem}` : `ok ${grader.id}: ${checker.failed} of ${checker.results.length} checks fail; first: ${first!.what}: ${first!.detail.split("\n")[0].slice(0, 160)}`);
    }
  }
  for (const { id, reason } of pack.skipped) console.log(`skipped ${id}: ${reason}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(problems ? 1 : 0);
