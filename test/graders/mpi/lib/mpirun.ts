// How the MPI graders run a program: through the real `tsrun -np N` (never imported), with `--trace DIR`
// when the grader reads the structure of the run, `--timeout` so that a program that hangs is stopped
// with tsrun's account of what each rank was blocked in, and a hang guard past that. Also the parsing
// helpers every MPI grader shares (lines matching a pattern, one per rank).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CheckFailure, fail } from "../../lib/grader.ts";
import { projectRoot, runTsrun, type RunResult } from "../../lib/run.ts";
import { readTrace, type Trace } from "./trace.ts";

export interface MpiRun extends RunResult {
  np: number;
  /** The command line, short, as a student would type it (for messages). */
  command: string;
  /** The command that reproduces the run from where the grader was called (tsrun's options included). */
  reproduce: string;
  /** stdout split in lines (every rank's output, whole lines, without tsrun's rank tags). */
  lines: string[];
  /** byRank[r]: the lines rank r printed, in order. */
  byRank: string[][];
  /** The run's trace, when it was asked for. */
  trace: Trace | null;
  /** Where a failed run's scratch directory (trace, deadlock graph) was kept, if it was. */
  kept: string | null;
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

/**
 * tsrun options for an exercise about each rank's own pid (11.1, 13.1): its ranks run as processes, whatever
 * TSMPI_TRANSPORT the person grading has set; ranks as threads (--transport shm) share one pid.
 */
export const AS_PROCESSES = ["--transport", "unix"];

/**
 * Whether a failed run's scratch directory (its trace and deadlock graph) is kept for `tsrun view`:
 * `npm run grade` keeps them; tests, which fail programs on purpose, do not unless they ask.
 */
export const scratchPolicy = { keepFailed: false };

/** A path as the person grading sees it: relative to where they called the grader, when inside it. */
export function shownPath(file: string): string {
  const from = process.env.INIT_CWD ?? process.cwd();
  const rel = path.relative(from, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

/** Splits `--tag-output` stdout ("[r] text") into lines and lines per rank; untagged lines go to `lines` only. */
export function splitTagged(stdout: string, np: number): { lines: string[]; byRank: string[][] } {
  const lines: string[] = [];
  const byRank: string[][] = Array.from({ length: np }, () => []);
  for (const raw of stdout.split("\n")) {
    const m = /^\[(\d+)\] ?(.*)$/.exec(raw);
    const text = m ? m[2] : raw;
    if (!text.length) continue;
    lines.push(text);
    if (m && Number(m[1]) < np) byRank[Number(m[1])].push(text);
  }
  return { lines, byRank };
}

export async function runMpi(program: string, np: number, options: MpiRunOptions = {}): Promise<MpiRun> {
  const args = (options.args ?? []).map(String);
  const timeoutS = options.timeoutS ?? 60;
  const file = path.resolve(projectRoot, program);
  // a scratch working directory: the trace goes there, and so does a deadlock report's .dot file
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-grade-"));
  const dir = options.trace ? path.join(scratch, "trace") : null;
  const tsrunArgs = ["--timeout", String(timeoutS), ...(dir ? ["--trace", dir] : []), ...(options.tsrunArgs ?? [])];
  let kept: string | null = null;
  try {
    const result = await runTsrun(np, file, {
      tsrunArgs: ["--tag-output", ...tsrunArgs],
      programArgs: args,
      timeoutMs: (timeoutS + 30) * 1000,
      env: options.env,
      cwd: options.cwd ?? scratch,
    });
    const command = `tsrun -np ${np} ${shownPath(file)}${args.length ? " " + args.join(" ") : ""}`;
    const reproduce = [
      "tsrun",
      "-np",
      np,
      ...tsrunArgs.filter((a, i, all) => a !== "--trace" && all[i - 1] !== "--trace"),
      shownPath(file),
      ...args,
    ].join(" ");
    const { lines, byRank } = splitTagged(result.stdout, np);
    const trace = dir && fs.existsSync(dir) ? readTrace(dir, np) : null;
    const failed = result.code !== 0 || result.timedOut;
    if (failed && scratchPolicy.keepFailed && !options.cwd) kept = scratch;
    const stderr = kept ? result.stderr : result.stderr.split(scratch).join("<scratch>");
    return {
      ...result,
      stdout: lines.join("\n") + (lines.length ? "\n" : ""),
      stderr,
      np,
      command,
      reproduce,
      lines,
      byRank,
      trace,
      kept,
    };
  } finally {
    if (!kept) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** tsrun's whole report (stderr), indented under a heading, or "" when it said nothing. */
export function tsrunReport(run: RunResult): string {
  const text = run.stderr.replace(/\s+$/, "");
  return text
    ? `\n  tsrun's report:\n${text
        .split("\n")
        .map((l) => `    ${l}`)
        .join("\n")}`
    : "";
}

/** How to see the failed run again: the command, and the kept trace with its `tsrun view` command. */
export function reproduceText(run: MpiRun): string {
  const lines = [`\n  reproduce: ${run.reproduce}`];
  if (run.kept) {
    const trace = path.join(run.kept, "trace");
    if (fs.existsSync(trace)) lines.push(`  trace kept in ${trace}: tsrun view ${trace}`);
    const dot = fs.readdirSync(run.kept).find((f) => f.endsWith(".dot"));
    if (dot) lines.push(`  deadlock graph kept in ${path.join(run.kept, dot)}`);
  }
  return lines.join("\n");
}

/** Fails unless the run ended with exit code 0, with tsrun's whole report and how to reproduce the run. */
export function expectSuccess(run: MpiRun): void {
  if (run.code === 0 && !run.timedOut) return;
  const how = run.timedOut
    ? "did not finish (the grader's hang guard stopped it)"
    : run.code === 124
      ? "was stopped by --timeout (it hung)"
      : `exited with code ${run.code ?? run.signal}`;
  const hint = run.timedOut ? "look for a receive that is never matched" : "";
  throw new CheckFailure(
    `\`${run.command}\` ${how} vs expected exit code 0${hint ? `. ${hint}` : ""}${tsrunReport(run)}${reproduceText(run)}`,
  );
}

/**
 * Runs an output check first (wrong values say more than an exit code); when it fails on a run that also
 * failed, the message carries tsrun's report and the command to reproduce, as expectSuccess's does.
 */
export function withRunReport<T>(run: MpiRun, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof CheckFailure && (run.code !== 0 || run.timedOut)) {
      const how = run.timedOut ? "did not finish" : `exited with code ${run.code ?? run.signal}`;
      throw new CheckFailure(`${err.message}\n  \`${run.command}\` ${how}${tsrunReport(run)}${reproduceText(run)}`);
    }
    throw err;
  }
}

/** Fails unless the run left a trace. */
export function traceOf(run: MpiRun): Trace {
  if (!run.trace)
    fail(
      `\`${run.command}\` left no trace`,
      "a trace from tsrun --trace",
      "the runtime's tracing is needed for this check",
    );
  return run.trace;
}

/** For a pattern whose first group is the rank: the match of each rank (duplicates and strays reported). */
export function perRank(run: MpiRun, pattern: RegExp, what: string, ranks = run.np): RegExpExecArray[] {
  const found: RegExpExecArray[][] = Array.from({ length: ranks }, () => []);
  for (const line of run.lines) {
    const m = pattern.exec(line);
    if (!m) continue;
    const r = Number(m[1]);
    if (!Number.isInteger(r) || r < 0 || r >= ranks)
      fail(`a line names rank ${m[1]}: "${line}"`, `ranks 0..${ranks - 1}`);
    found[r].push(m);
  }
  const missing = found.flatMap((list, r) => (list.length ? [] : [r]));
  if (missing.length) {
    const others = missing.length > 1 ? `; no such line from ${ranksText(missing.slice(1))} either` : "";
    noLineMatched(run, missing[0], forRank(what, missing[0]), others.slice(2));
  }
  const twice = found.findIndex((list) => list.length > 1);
  if (twice >= 0) fail(`rank ${twice} printed ${found[twice].length} "${what}" lines`, "exactly one");
  return found.map((list) => list[0]);
}

/** A line's shape for one rank: "rank r: local max X" → "rank 1: local max X". */
export function forRank(shape: string, rank: number): string {
  return shape.replace(/\brank [ri]\b/, `rank ${rank}`);
}

/**
 * An output-format failure: "no line matched `rank 1 received token T from rank 0`; rank 1 printed:
 * `Rank 1 got token 0 from 0`" — what the grader looked for, and what that rank printed instead.
 */
export function noLineMatched(run: MpiRun, rank: number, shape: string, hint = ""): never {
  const printed = run.byRank[rank] ?? [];
  const shown =
    printed
      .slice(0, 3)
      .map((l) => `\`${l}\``)
      .join(", ") + (printed.length > 3 ? `, … (${printed.length} lines)` : "");
  const said = printed.length ? `rank ${rank} printed: ${shown}` : `rank ${rank} printed nothing`;
  throw new CheckFailure(`no line matched \`${shape}\`; ${said} (${run.command})${hint ? `. ${hint}` : ""}`);
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
  const rank = /^rank (\d+)\b/.exec(what);
  if (all.length === 0 && rank) noLineMatched(run, Number(rank[1]), what);
  if (all.length !== 1)
    fail(`${all.length} "${what}" lines (${run.command})`, "exactly one", `lines seen: ${sample(run.lines)}`);
  return all[0];
}

export function sample(lines: string[], max = 4): string {
  if (!lines.length) return "(no output)";
  return (
    lines
      .slice(0, max)
      .map((l) => `"${l}"`)
      .join(", ") + (lines.length > max ? `, … (${lines.length} lines)` : "")
  );
}

/** A random seed for one grading run (the program takes --seed; the grader recomputes from it). */
export function randomSeed(): number {
  return 1 + Math.floor(Math.random() * 1_000_000);
}

/** "rank 3" / "ranks 1, 2". */
export function ranksText(ranks: number[]): string {
  return `rank${ranks.length > 1 ? "s" : ""} ${ranks.join(", ")}`;
}
