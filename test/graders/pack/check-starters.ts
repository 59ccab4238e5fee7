// `npm run starters -- [--jobs N] [ids…]`: builds a pack of the chosen exercises (all by default) in a
// temporary folder and grades every starter with its grader at the grader's usual process counts, N
// graders at a time (default 1). Each starter must fail with readable messages; prints one line per
// grader with its duration and exits 1 if a starter passes or a failure is a stack trace. Slow (every
// grader, every N, exercise 5 over SSH test hosts): test/graders/starters.test.ts runs every starter
// but exercise 5's, the MPI ones at one N.
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../lib/run.ts";
import { select } from "./catalogue.ts";
import { buildPack } from "./pack.ts";
import { gradeStarter } from "./starters.ts";

const args = process.argv.slice(2);
const jobsAt = args.indexOf("--jobs");
const jobs = jobsAt >= 0 ? Number(args.splice(jobsAt, 2)[1]) : 1;
if (!Number.isInteger(jobs) || jobs < 1) {
  console.error("check-starters: --jobs needs a whole number of at least 1");
  process.exit(2);
}
const { chosen, unknown } = select(args);
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
  const queue = chosen.filter((e) => pack.packed.includes(e.id)).flatMap((e) => e.graders);
  const worker = async () => {
    for (let grader = queue.shift(); grader; grader = queue.shift()) {
      const g = await gradeStarter(grader, dir);
      if (g.problem) problems++;
      console.log(
        `${g.problem ? `PROBLEM ${g.problem}` : `ok ${g.grader}: ${g.summary}`} (${(g.ms / 1000).toFixed(1)} s)`,
      );
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  for (const { id, reason } of pack.skipped) console.log(`skipped ${id}: ${reason}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(problems ? 1 : 0);
