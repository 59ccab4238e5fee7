// Grading a whole class (`npm run grade -- --class DIR [ids…]`, or gradeClass() as a library): DIR holds
// one folder per student with files named as the pack's starters (submissions.ts). Every exercise a
// folder has a file for is graded, each run in a sandbox (sandbox.ts), in parallel (jobs.ts); a missing
// file is "not submitted". Results go to OUT (default DIR/.grades): grades.sqlite, grades.csv, report.html.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import cliProgress from "cli-progress";
import type { Grader } from "../lib/grader.ts";
import { allGraders, CLASS_REFUSED, classGraders, submissionIn } from "../submissions.ts";
import { cellKey, toCsv, toHtml, type ClassTable } from "./export.ts";
import { runTasks, type GradingTask, type TaskOutcome } from "./jobs.ts";
import { BWRAP_INSTALL, DEFAULT_LIMITS, hasBubblewrap, type SandboxLimits } from "./sandbox.ts";
import { similarPairs } from "./similarity.ts";
import { GradeStore, type Submission } from "./store.ts";

export interface ClassOptions {
  dir: string;
  /** Exercise ids (or prefixes such as "11.4"); default: every id some student has a file for. */
  ids?: string[];
  out?: string;
  /** Parallel jobs; default: the number of cores. */
  jobs?: number;
  np?: number[];
  limits?: Partial<SandboxLimits>;
  /** Grade again even submissions that did not change. */
  force?: boolean;
  /** false runs without the sandbox (the benchmark's baseline only). */
  sandbox?: boolean;
  /** Progress bar on stderr; default: when stderr is a terminal. */
  progress?: boolean;
  similarityThreshold?: number;
}

export interface ClassResult {
  out: string;
  students: string[];
  exercises: string[];
  graded: number;
  unchanged: number;
  notSubmitted: number;
  errors: number;
  checksPassed: number;
  checksFailed: number;
  seconds: number;
  summary: string;
}

/** A class cannot be graded as asked (bad folder, unknown id, no sandbox). */
export class ClassError extends Error {}

function selectGraders(ids: string[] | undefined): Grader[] {
  if (!ids?.length) return classGraders;
  const matches = (id: string, g: Grader) => g.id === id || g.id.startsWith(`${id}-`);
  const unknown = ids.filter((id) => !allGraders.some((g) => matches(id, g)));
  if (unknown.length)
    throw new ClassError(
      `unknown exercise id ${unknown.join(", ")}. Known ids: ${classGraders.map((g) => g.id).join(", ")}`,
    );
  const refused = ids.filter((id) => id in CLASS_REFUSED);
  if (refused.length)
    throw new ClassError(
      refused.map((id) => `exercise ${id} cannot be graded for a class: ${CLASS_REFUSED[id]}`).join("; "),
    );
  return classGraders.filter((g) => ids.some((id) => matches(id, g)));
}

function studentsIn(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new ClassError(`--class ${dir}: no such folder (it should hold one folder per student)`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
}

/** A submission is a regular file (a link could point at what the grader, not the student, may read). */
const isRegularFile = (file: string) => fs.existsSync(file) && fs.lstatSync(file).isFile();

/**
 * What a grading depends on: the submitted file, the other roles' files beside it (udp-client.ts beside
 * udp-server.ts: the grader runs them too) and the process counts.
 */
function hashOf(grader: Grader, file: string, np: number[] | undefined): string {
  const hash = createHash("sha256").update(fs.readFileSync(file));
  for (const role of [grader.reference]
    .flat()
    .slice(1)
    .map((r) => path.join(path.dirname(file), path.basename(r)))) {
    if (isRegularFile(role)) hash.update(path.basename(role)).update(fs.readFileSync(role));
  }
  return hash.update(JSON.stringify(np ?? null)).digest("hex");
}

function submissionOf(task: GradingTask, hash: string, outcome: TaskOutcome): Submission {
  const base = { student: task.student, exercise: task.exercise, hash, ms: outcome.ms };
  if (!outcome.ok)
    return {
      ...base,
      status: "grader error",
      feedback: outcome.error,
      checks: [{ what: "grader completes", passed: false, message: outcome.error, ms: outcome.ms }],
    };
  return { ...base, status: "graded", feedback: outcome.result.feedback, checks: outcome.result.checks };
}

function progressBar(enabled: boolean, total: number): { tick(label: string): void; stop(): void } {
  if (!enabled || total === 0) return { tick() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      format: "grading [{bar}] {value}/{total} | ETA {eta_formatted} | {label}",
      stream: process.stderr,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: "" });
  return { tick: (label) => bar.increment(1, { label }), stop: () => bar.stop() };
}

export async function gradeClass(options: ClassOptions): Promise<ClassResult> {
  const started = Date.now();
  const sandbox = options.sandbox ?? true;
  const graders = selectGraders(options.ids);
  if (sandbox && !hasBubblewrap())
    throw new ClassError(`grading a class runs each submission in a sandbox and needs bubblewrap: ${BWRAP_INSTALL}`);
  const dir = path.resolve(options.dir);
  const students = studentsIn(dir);
  const out = path.resolve(options.out ?? path.join(dir, ".grades"));
  fs.mkdirSync(out, { recursive: true });
  const store = new GradeStore(path.join(out, "grades.sqlite"));
  const exercises = graders
    .filter((g) => options.ids?.length || students.some((s) => submissionIn(path.join(dir, s), g)))
    .map((g) => g.id);
  const tasks: (GradingTask & { hash: string })[] = [];
  let unchanged = 0;
  let notSubmitted = 0;
  for (const student of students) {
    for (const id of exercises) {
      const program = submissionIn(
        path.join(dir, student),
        graders.find((g) => g.id === id)!,
      );
      if (!program) {
        store.save({
          student,
          exercise: id,
          status: "not submitted",
          hash: "",
          ms: 0,
          feedback: "not submitted",
          checks: [],
        });
        notSubmitted++;
        continue;
      }
      const hash = hashOf(
        graders.find((g) => g.id === id)!,
        program,
        options.np,
      );
      if (!options.force && store.hashOf(student, id) === hash) unchanged++;
      else tasks.push({ student, studentDir: path.join(dir, student), exercise: id, program, hash });
    }
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-class-"));
  fs.chmodSync(workDir, 0o711); // the slots' uids reach their own job directory, and list nothing
  // an interrupted run (the command exits on SIGINT/SIGTERM) leaves no job directory either
  const removeWork = () => fs.rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
  process.on("exit", removeWork);
  const bar = progressBar(options.progress ?? process.stderr.isTTY === true, tasks.length);
  try {
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    const uidBase = sandbox && process.getuid?.() === 0 ? 200_000 : undefined;
    await runTasks(
      tasks,
      {
        jobs: options.jobs ?? os.availableParallelism(),
        workDir,
        outDir: out,
        limits,
        np: options.np,
        sandbox,
        uidBase,
      },
      (task, outcome) => {
        store.save(submissionOf(task, (task as GradingTask & { hash: string }).hash, outcome));
        bar.tick(`${task.student} ${task.exercise}`);
      },
    );
  } finally {
    bar.stop();
    process.off("exit", removeWork);
    removeWork();
  }
  const result = writeReports(store, { dir, out, students, exercises, threshold: options.similarityThreshold ?? 0.9 });
  store.close();
  const seconds = (Date.now() - started) / 1000;
  const errors = result.cells.filter((c) => c.status === "grader error").length;
  const checksPassed = result.cells.flatMap((c) => c.checks).filter((c) => c.passed).length;
  const checksFailed = result.cells.flatMap((c) => c.checks).length - checksPassed;
  const summary =
    `graded ${tasks.length} submission${tasks.length === 1 ? "" : "s"} of ${students.length} students × ${exercises.length} exercise${exercises.length === 1 ? "" : "s"} in ${seconds.toFixed(1)} s` +
    ` (${unchanged} unchanged, ${notSubmitted} not submitted, ${errors} grader errors); checks: ${checksPassed} passed, ${checksFailed} failed; results in ${out}` +
    (options.ids?.length ? "" : notGradedHere(dir, students));
  fs.writeFileSync(path.join(out, "report.html"), toHtml(result.table, summary));
  return {
    out,
    students,
    exercises,
    graded: tasks.length,
    unchanged,
    notSubmitted,
    errors,
    checksPassed,
    checksFailed,
    seconds,
    summary,
  };
}

/** When ids were not named: the refused exercises some student handed in, so that none goes unnoticed. */
function notGradedHere(dir: string, students: string[]): string {
  const handed = allGraders.filter(
    (g) => g.id in CLASS_REFUSED && students.some((s) => submissionIn(path.join(dir, s), g)),
  );
  return handed.map((g) => `; exercise ${g.id} handed in but not graded: ${CLASS_REFUSED[g.id]}`).join("");
}

/** Writes grades.csv from the store and returns the table report.html is made of. */
function writeReports(
  store: GradeStore,
  o: { dir: string; out: string; students: string[]; exercises: string[]; threshold: number },
): { table: ClassTable; cells: Submission[] } {
  const cells = store.load(o.students, o.exercises);
  const similar = o.exercises.flatMap((id) => {
    const grader = allGraders.find((g) => g.id === id)!;
    const files = cells
      .filter((c) => c.exercise === id && c.status !== "not submitted")
      .flatMap((c) => {
        const at = submissionIn(path.join(o.dir, c.student), grader);
        return at ? [{ student: c.student, source: fs.readFileSync(at, "utf8") }] : [];
      });
    return similarPairs(id, files, o.threshold);
  });
  const table: ClassTable = {
    students: o.students,
    exercises: o.exercises,
    cells: new Map(cells.map((c) => [cellKey(c.student, c.exercise), c])),
    similar,
  };
  fs.writeFileSync(path.join(o.out, "grades.csv"), toCsv(table));
  return { table, cells };
}
