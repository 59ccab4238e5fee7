// `npm run bench -- grade-class`: grades a class of 30 students × the token ring (10.3; 25 correct rings,
// 5 wrong ones) with `gradeClass`, once in the sandbox and once without it (the baseline, same run), and
// once more unchanged (every submission skipped). Prints seconds per submission and the sandbox's overhead
// as a ratio; then the overhead of one `tsrun -np 2` ring run, sandboxed and not, interleaved (median of 7
// pairs), which drifts less with the machine's load than two whole classes one after the other. Then a class
// of BENCH_SOCKET_STUDENTS (default 10) × the TCP exercise 1.2, whose grader and the student's server and
// clients share a network namespace of the job's own: seconds per submission, sandboxed and not.
// BENCH_STUDENTS (0: no ring class), BENCH_NP (default "2,4") and BENCH_JOBS (default: the cores) change
// the ring's class.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gradeClass } from "../test/graders/class/index.ts";
import { readableByEveryone, referenceStudent } from "../test/graders/class/reference-student.ts";
import { DEFAULT_LIMITS, prepareJobDir, sandboxCommand } from "../test/graders/class/sandbox.ts";
import { runTsrun, setCommandWrapper } from "../test/graders/lib/run.ts";
import { emit, median, root } from "./lib.ts";

/** Median wall time of one ring run at np 2, with and without the sandbox, alternating. */
async function ringRunOverhead(work: string, studentDir: string): Promise<{ sandboxedMs: number; plainMs: number }> {
  const jobDir = path.join(work, "overhead-job");
  const uid = process.getuid?.() === 0 ? 200_000 : undefined;
  prepareJobDir(jobDir, uid);
  const program = path.join(studentDir, "ring.ts");
  const spec = { projectRoot: root, studentDir, jobDir, limits: DEFAULT_LIMITS, uid };
  const times = { sandboxed: [] as number[], plain: [] as number[] };
  for (let i = 0; i < 7; i++) {
    for (const mode of ["sandboxed", "plain"] as const) {
      setCommandWrapper(mode === "sandboxed" ? (cmd, args, env) => sandboxCommand(spec, cmd, args, env, jobDir) : null);
      const run = await runTsrun(2, program, { cwd: jobDir, env: { TMPDIR: jobDir } });
      if (run.code !== 0) throw new Error(`ring run (${mode}) failed: ${run.stderr}`);
      times[mode].push(run.ms);
    }
  }
  setCommandWrapper(null);
  return { sandboxedMs: median(times.sandboxed), plainMs: median(times.plain) };
}

/** A class of `count` students × 1.2 (the reference TCP server and client), sandboxed then not. */
async function socketClass(work: string, count: number, jobs: number): Promise<void> {
  const dir = path.join(work, "socket-class");
  for (let s = 0; s < count; s++) {
    const folder = path.join(dir, `student${String(s).padStart(2, "0")}`);
    referenceStudent(folder, ["sockets"]);
    fs.appendFileSync(path.join(folder, "sockets", "tcp-server.ts"), `\n// student ${s}\n`);
  }
  // the unsandboxed baseline gets what the sandbox puts beside the students' folders: the packages, ES modules
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "package.json"), `{ "type": "module" }\n`);
  readableByEveryone(dir);
  fs.chmodSync(work, 0o755);
  const common = { dir, ids: ["1.2"], jobs, progress: false, similarityThreshold: 2 };
  const sandboxed = await gradeClass({ ...common, out: path.join(work, "socket-sandboxed") });
  const plain = await gradeClass({ ...common, out: path.join(work, "socket-plain"), sandbox: false });
  emit({
    bench: "grade-class-socket",
    students: count,
    exercise: "1.2",
    jobs,
    cores: os.availableParallelism(),
    load: os.loadavg().map((l) => Number(l.toFixed(1))),
    sandboxedS: Number(sandboxed.seconds.toFixed(1)),
    unsandboxedS: Number(plain.seconds.toFixed(1)),
    secondsPerSubmission: Number((sandboxed.seconds / count).toFixed(2)),
    unsandboxedSecondsPerSubmission: Number((plain.seconds / count).toFixed(2)),
    sandboxOverhead: Number((sandboxed.seconds / plain.seconds).toFixed(2)),
    checksPassed: sandboxed.checksPassed,
    checksFailed: sandboxed.checksFailed,
    unsandboxedChecksPassed: plain.checksPassed,
    unsandboxedChecksFailed: plain.checksFailed,
    sameResults: sandboxed.checksPassed === plain.checksPassed && sandboxed.checksFailed === plain.checksFailed,
  });
}

/** The ring's class (BENCH_STUDENTS × 10.3, sandboxed, not, and unchanged) and one run's overhead. */
async function ringClass(work: string): Promise<void> {
  const dir = path.join(work, "class");
  const correct = fs.readFileSync(path.join(root, "exercises/mpi/ring.ts"), "utf8");
  const wrong = fs.readFileSync(path.join(root, "test/graders/fixtures/mpi/ring-skips-rank.ts"), "utf8");
  for (let s = 0; s < students; s++) {
    const folder = path.join(dir, `student${String(s).padStart(2, "0")}`);
    fs.mkdirSync(folder, { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(folder, "ring.ts"), `${s % 6 === 5 ? wrong : correct}\n// student ${s}\n`, {
      mode: 0o644,
    });
  }
  fs.chmodSync(work, 0o755);
  fs.chmodSync(dir, 0o755);
  const common = { dir, ids: ["10.3"], np, jobs, progress: false, similarityThreshold: 2 };
  const sandboxed = await gradeClass({ ...common, out: path.join(work, "sandboxed") });
  const plain = await gradeClass({ ...common, out: path.join(work, "plain"), sandbox: false });
  const unchanged = await gradeClass({ ...common, out: path.join(work, "sandboxed") });
  emit({
    bench: "grade-class",
    students,
    exercise: "10.3",
    np: np.join(","),
    jobs,
    cores: os.availableParallelism(),
    sandboxedS: Number(sandboxed.seconds.toFixed(1)),
    unsandboxedS: Number(plain.seconds.toFixed(1)),
    secondsPerSubmission: Number((sandboxed.seconds / students).toFixed(2)),
    unsandboxedSecondsPerSubmission: Number((plain.seconds / students).toFixed(2)),
    sandboxOverhead: Number((sandboxed.seconds / plain.seconds).toFixed(2)),
    regradeUnchangedS: Number(unchanged.seconds.toFixed(1)),
    checksPassed: sandboxed.checksPassed,
    checksFailed: sandboxed.checksFailed,
    sameResults: sandboxed.checksPassed === plain.checksPassed && sandboxed.checksFailed === plain.checksFailed,
  });
  const run = await ringRunOverhead(work, path.join(dir, "student00"));
  emit({
    bench: "grade-class-run-overhead",
    np: 2,
    pairs: 7,
    sandboxedMs: run.sandboxedMs,
    unsandboxedMs: run.plainMs,
    sandboxOverhead: Number((run.sandboxedMs / run.plainMs).toFixed(2)),
  });
}

const students = Number(process.env.BENCH_STUDENTS ?? 30);
const np = (process.env.BENCH_NP ?? "2,4").split(",").map(Number);
const jobs = Number(process.env.BENCH_JOBS ?? os.availableParallelism());
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-bench-class-"));
try {
  if (students > 0) await ringClass(work);
  await socketClass(work, Number(process.env.BENCH_SOCKET_STUDENTS ?? 10), jobs);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
