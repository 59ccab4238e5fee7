// `npm run grade -- <id>[,<id>…] [--program path/to/student.ts] [--np 2,4,7] [--json FILE]`: runs the
// autograders. With no id it grades the whole suite. Paths are relative to the directory the command was
// called from (npm's INIT_CWD). Exit code 0 only if every check passes; 2 when grading cannot start.
// `npm run grade -- --class DIR [ids…] [--out OUT] [--jobs N]` grades a class (class/index.ts).
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import * as fs from "node:fs";
import * as path from "node:path";
import { grade, type Grader } from "./lib/grader.ts";
import { exerciseEntry, gradeResult, type ExerciseEntry } from "./lib/result.ts";
import { scratchPolicy } from "./mpi/lib/mpirun.ts";
import { graders as mpiGraders } from "./mpi/index.ts";
import { graders as socketGraders } from "./sockets/index.ts";
import { graders as saladGraders } from "./salad/index.ts";

const all: Grader[] = [...mpiGraders, ...socketGraders, ...saladGraders];
const started = new Date();
const callerDir = process.env.INIT_CWD ?? process.cwd();

const argv = yargs(hideBin(process.argv))
  .scriptName("npm run grade --")
  .usage("$0 [ids] [--program FILE] [--np LIST] [--json FILE]\n\nIds: " + all.map((g) => g.id).join(", "))
  .option("program", {
    type: "string",
    describe: "grade this file (or folder, for several programs) instead of the reference",
  })
  .option("np", { type: "string", describe: "comma-separated process counts, e.g. 2,4,7" })
  .option("json", { type: "string", describe: "also write the result as JSON to this file (- for stdout)" })
  .option("list", { type: "boolean", describe: "list the graders and exit" })
  .option("class", { type: "string", describe: "grade every student folder of DIR, each run in a sandbox" })
  .option("out", { type: "string", describe: "with --class: where results go (default DIR/.grades)" })
  .option("jobs", { type: "number", describe: "with --class: parallel jobs (default: the cores)" })
  .option("force", { type: "boolean", describe: "with --class: grade unchanged submissions again" })
  .strictOptions()
  .help()
  .parseSync();

const jsonFile = argv.json === undefined ? undefined : argv.json === "-" ? "-" : path.resolve(callerDir, argv.json);
function writeJson(exercises: ExerciseEntry[], error?: string): void {
  if (!jsonFile) return;
  const text = JSON.stringify(gradeResult({ program, np, started, exercises, error }), null, 2) + "\n";
  if (jsonFile === "-") process.stdout.write(text);
  else fs.writeFileSync(jsonFile, text);
}
/** A mistake in the command itself: one message, the JSON result says it too, exit code 2. */
function stop(message: string): never {
  console.error(`grade: ${message}`);
  writeJson([], message);
  process.exit(2);
}

if (argv.list) {
  for (const g of all) console.log(`${g.id.padEnd(8)} ${g.title}  (${[g.reference].flat().join(", ")})`);
  process.exit(0);
}

const program = argv.program === undefined ? undefined : path.resolve(callerDir, argv.program);
const np = argv.np?.split(",").map(Number);
const wanted = argv._.flatMap((a) => String(a).split(",")).filter(Boolean);
if (argv.class !== undefined) {
  const { gradeClassCommand } = await import("./class/command.ts");
  process.exit(
    await gradeClassCommand({
      dir: path.resolve(callerDir, argv.class),
      ids: wanted,
      out: argv.out === undefined ? undefined : path.resolve(callerDir, argv.out),
      jobs: argv.jobs,
      np: argv.np,
      force: argv.force,
    }),
  );
}
// An exercise with several programs has one id per program ("11.4-star", "11.4-binomial"): "11.4" names them all.
const matches = (id: string, g: Grader) => g.id === id || g.id.startsWith(`${id}-`);
const unknown = wanted.filter((id) => !all.some((g) => matches(id, g)));
if (unknown.length) stop(`unknown exercise id ${unknown.join(", ")}. Known ids: ${all.map((g) => g.id).join(", ")}`);
if (program !== undefined && (wanted.length !== 1 || all.filter((g) => matches(wanted[0], g)).length !== 1)) {
  stop("--program grades one exercise; name exactly one id (e.g. npm run grade -- 10.3 --program ring.ts)");
}
if (program !== undefined && !fs.existsSync(program)) {
  stop(
    `--program ${argv.program}: no such file (looked for ${program}, relative to ${callerDir}, where the command was run)`,
  );
}
if (np?.some((n) => !Number.isInteger(n) || n < 1))
  stop(`--np takes positive integers separated by commas, got "${argv.np}"`);

// a failed run keeps its trace and deadlock graph for `tsrun view`; the message says where
scratchPolicy.keepFailed = true;
if (program !== undefined)
  (await import("./class/single.ts")).sandboxSingleProgram(
    all.find((g) => matches(wanted[0], g))!,
    program,
  );
const selected = wanted.length ? all.filter((g) => wanted.some((id) => matches(id, g))) : all;
const entries: ExerciseEntry[] = [];
const out = jsonFile === "-" ? (line: string) => console.error(line) : undefined;
for (const g of selected) {
  const checker = await grade(g, { program, np, out });
  entries.push(exerciseEntry(g.title, checker));
}
const passed = entries.reduce((n, e) => n + e.passed, 0);
const failed = entries.reduce((n, e) => n + e.failed, 0);
(out ?? console.log)(
  `grade: ${passed} checks passed, ${failed} failed (${selected.length} exercise${selected.length > 1 ? "s" : ""})`,
);
writeJson(entries);
process.exit(failed === 0 ? 0 : 1);
