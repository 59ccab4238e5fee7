// How the MPI graders run a program: through the real `tsrun -np N` (never imported), with `--trace DIR`
// when the grader reads the structure of the run, `--timeout` so that a program that hangs is stopped
// with tsrun's account of what each rank was blocked in, and a hang guard past that. Also the parsing
// helpers every MPI grader shares (lines matching a pattern, one per rank).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fail } from "../../lib/grader.ts";
import { projectRoot, runTsrun, type RunResult } from "../../lib/run.ts";
import { readTrace, type Trace } from "./trace.ts";

export interface MpiRun extends RunResult {
  np: number;
  /** The command line, as a student would type it (for messages). */
  command: string;
  /** stdout split in lines (every rank's output, whole lines). */
  lines: string[];
  /** The run's trace, when it was asked for. */
  trace: Trace | null;
}

export interface MpiRunOptions {
  args?: (string | number)[];
  trace?: boolean;
  /** tsrun's --timeout in seconds (it reports what each rank was doing); 60 unless told. */
  timeoutS?: number;
  env?: NodeJS.ProcessEnv;
  /** Working directory of tsrun; a scratch directory, removed afterwards, unless told. */
  cwd?: string;
  /** More tsrun options (e.g. --hostfile FILE). */
  tsrunArgs?: string[];
}

export async function runMpi(program: string, np: number, options: MpiRunOptions = {}): Promise<MpiRun> {
  const args = (options.args ?? []).map(String);
  const timeoutS = options.timeoutS ?? 60;
  const file = path.resolve(projectRoot, program);
  // a scratch working directory: the trace goes there, and so does a deadlock report's .dot file
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-grade-"));
  const dir = options.trace ? path.join(scratch, "trace") : null;
  const tsrunArgs = ["--timeout", String(timeoutS), ...(dir ? ["--trace", dir] : []), ...(options.tsrunArgs ?? [])];
  try {
    const result = await runTsrun(np, file, { tsrunArgs, programArgs: args, timeoutMs: (timeoutS + 30) * 1000, env: options.env, cwd: options.cwd ?? scratch });
    const command = `tsrun -np ${np} ${path.relative(projectRoot, file)}${args.length ? " " + args.join(" ") : ""}`;
    const lines = result.stdout.split("\n").filter((l) => l.length > 0);
    const trace = dir && fs.existsSync(dir) ? readTrace(dir, np) : null;
    return { ...result, stderr: result.stderr.split(scratch).join("<scratch>"), np, command, lines, trace };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** The last lines of stderr, for a message (tsrun's own report is there). */
export function stderrTail(run: RunResult, lines = 6): string {
  const text = run.stderr.trim().split("\n").slice(-lines).join(" | ");
  return text ? `; stderr: ${text}` : "";
}

/** Fails unless the run ended with exit code 0. */
export function expectSuccess(run: MpiRun): void {
  if (run.timedOut) fail(`\`${run.command}\` did not finish`, "the job to end", "the hang guard stopped it: look for a receive that is never matched");
  if (run.code !== 0) {
    const how = run.code === 124 ? "stopped by --timeout (it hung)" : `exited with code ${run.code ?? run.signal}`;
    fail(`\`${run.command}\` ${how}${stderrTail(run)}`, "exit code 0");
  }
}

/** Fails unless the run left a trace. */
export function traceOf(run: MpiRun): Trace {
  if (!run.trace) fail(`\`${run.command}\` left no trace`, "a trace from tsrun --trace", "the runtime's tracing is needed for this check");
  return run.trace;
}

/** For a pattern whose first group is the rank: the match of each rank (duplicates and strays reported). */
export function perRank(run: MpiRun, pattern: RegExp, what: string, ranks = run.np): RegExpExecArray[] {
  const found: RegExpExecArray[][] = Array.from({ length: ranks }, () => []);
  for (const line of run.lines) {
    const m = pattern.exec(line);
    if (!m) continue;
    const r = Number(m[1]);
    if (!Number.isInteger(r) || r < 0 || r >= ranks) fail(`a line names rank ${m[1]}: "${line}"`, `ranks 0..${ranks - 1}`);
    found[r].push(m);
  }
  const missing = found.flatMap((list, r) => (list.length ? [] : [r]));
  if (missing.length) {
    fail(`no "${what}" line from rank${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (${run.command})`, `one per rank`, `lines seen: ${sample(run.lines)}`);
  }
  const twice = found.findIndex((list) => list.length > 1);
  if (twice >= 0) fail(`rank ${twice} printed ${found[twice].length} "${what}" lines`, "exactly one");
  return found.map((list) => list[0]);
}

/** The lines matching a pattern (any number). */
export function matching(run: MpiRun, pattern: RegExp): RegExpExecArray[] {
  return run.lines.flatMap((l) => {
    const m = pattern.exec(l);
    return m ? [m] : [];
  });
}

/** The single line matching a pattern. */
export function single(run: MpiRun, pattern: RegExp, what: string): RegExpExecArray {
  const all = matching(run, pattern);
  if (all.length !== 1) fail(`${all.length} "${what}" lines (${run.command})`, "exactly one", `lines seen: ${sample(run.lines)}`);
  return all[0];
}

export function sample(lines: string[], max = 4): string {
  if (!lines.length) return "(no output)";
  return lines.slice(0, max).map((l) => `"${l}"`).join(", ") + (lines.length > max ? `, … (${lines.length} lines)` : "");
}

/** A random seed for one grading run (the program takes --seed; the grader recomputes from it). */
export function randomSeed(): number {
  return 1 + Math.floor(Math.random() * 1_000_000);
}

/** "rank 3" / "ranks 1, 2". */
export function ranksText(ranks: number[]): string {
  return `rank${ranks.length > 1 ? "s" : ""} ${ranks.join(", ")}`;
}
