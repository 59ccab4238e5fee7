// `npm run grade -- <id>[,<id>…] [--program path/to/student.ts] [--np 2,4,7]`: runs the autograders.
// With no id it grades the whole suite. Exit code 0 only if every check passes.
// `npm run grade -- --class DIR [ids…] [--out OUT] [--jobs N]` grades a class (class/index.ts).
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import * as path from "node:path";
import { grade, type Grader } from "./lib/grader.ts";
import { graders as mpiGraders } from "./mpi/index.ts";
import { graders as socketGraders } from "./sockets/index.ts";
import { graders as saladGraders } from "./salad/index.ts";

const all: Grader[] = [...mpiGraders, ...socketGraders, ...saladGraders];

const argv = yargs(hideBin(process.argv))
  .scriptName("npm run grade --")
  .usage("$0 [ids] [--program FILE] [--np LIST]\n\nIds: " + all.map((g) => g.id).join(", "))
  .option("program", { type: "string", describe: "grade this file instead of the reference solution" })
  .option("np", { type: "string", describe: "comma-separated process counts, e.g. 2,4,7" })
  .option("list", { type: "boolean", describe: "list the graders and exit" })
  .option("class", { type: "string", describe: "grade every student folder of DIR, each run in a sandbox" })
  .option("out", { type: "string", describe: "with --class: where results go (default DIR/.grades)" })
  .option("jobs", { type: "number", describe: "with --class: parallel jobs (default: the cores)" })
  .option("force", { type: "boolean", describe: "with --class: grade unchanged submissions again" })
  .strictOptions()
  .help()
  .parseSync();

if (argv.list) {
  for (const g of all) console.log(`${g.id.padEnd(8)} ${g.title}  (${[g.reference].flat().join(", ")})`);
  process.exit(0);
}

const wanted = argv._.flatMap((a) => String(a).split(",")).filter(Boolean);
if (argv.class !== undefined) {
  const { gradeClassCommand } = await import("./class/command.ts");
  process.exit(await gradeClassCommand({ dir: argv.class, ids: wanted, out: argv.out, jobs: argv.jobs, np: argv.np, force: argv.force }));
}
// An exercise with several programs has one id per program ("11.4-star", "11.4-binomial"): "11.4" names them all.
const matches = (id: string, g: Grader) => g.id === id || g.id.startsWith(`${id}-`);
const unknown = wanted.filter((id) => !all.some((g) => matches(id, g)));
if (unknown.length) {
  console.error(`grade: unknown exercise id ${unknown.join(", ")}. Known ids: ${all.map((g) => g.id).join(", ")}`);
  process.exit(2);
}
if (argv.program && (wanted.length !== 1 || all.filter((g) => matches(wanted[0], g)).length !== 1)) {
  console.error("grade: --program grades one exercise; name exactly one id (e.g. npm run grade -- 10.3 --program ring.ts)");
  process.exit(2);
}
const np = argv.np?.split(",").map(Number);
if (np?.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error(`grade: --np takes positive integers separated by commas, got "${argv.np}"`);
  process.exit(2);
}
if (argv.program) (await import("./class/single.ts")).sandboxSingleProgram(all.find((g) => matches(wanted[0], g))!, path.resolve(argv.program));
const selected = wanted.length ? all.filter((g) => wanted.some((id) => matches(id, g))) : all;
let passed = 0;
let failed = 0;
for (const g of selected) {
  const program = argv.program ? path.resolve(argv.program) : undefined;
  const checker = await grade(g, { program, np });
  passed += checker.passed;
  failed += checker.failed;
}
console.log(`grade: ${passed} checks passed, ${failed} failed (${selected.length} exercise${selected.length > 1 ? "s" : ""})`);
process.exit(failed === 0 ? 0 : 1);
