// The machine-readable result of `npm run grade -- … --json FILE` (shape documented in exercises/README.md,
// "Machine-readable results"): one entry per exercise graded, each check with its name, outcome, message
// and duration; or an error when grading could not start (e.g. the program file does not exist).
import type { Checker } from "./grader.ts";

export const RESULT_FORMAT = "tsmpi-grade/1";

export interface CheckEntry {
  name: string;
  passed: boolean;
  /** PASS: what was measured (may be empty); FAIL: measured vs expected, and a hint. */
  message: string;
  durationMs: number;
}

export interface ExerciseEntry {
  id: string;
  title: string;
  passed: number;
  failed: number;
  durationMs: number;
  checks: CheckEntry[];
}

export interface GradeResult {
  format: typeof RESULT_FORMAT;
  /** The graded file (absolute), or null when the references were graded. */
  program: string | null;
  np: number[] | null;
  startedAt: string;
  durationMs: number;
  passed: number;
  failed: number;
  /** Set when grading could not start; then `exercises` is empty. */
  error?: string;
  exercises: ExerciseEntry[];
}

export function exerciseEntry(title: string, checker: Checker): ExerciseEntry {
  const checks = checker.results.map((r) => ({
    name: r.what,
    passed: r.passed,
    message: r.detail,
    durationMs: r.durationMs,
  }));
  return {
    id: checker.id,
    title,
    passed: checker.passed,
    failed: checker.failed,
    durationMs: checks.reduce((sum, c) => sum + c.durationMs, 0),
    checks,
  };
}

export function gradeResult(options: {
  program?: string;
  np?: number[];
  started: Date;
  exercises: ExerciseEntry[];
  error?: string;
}): GradeResult {
  const { exercises } = options;
  return {
    format: RESULT_FORMAT,
    program: options.program ?? null,
    np: options.np ?? null,
    startedAt: options.started.toISOString(),
    durationMs: Date.now() - options.started.getTime(),
    passed: exercises.reduce((n, e) => n + e.passed, 0),
    failed: exercises.reduce((n, e) => n + e.failed, 0),
    ...(options.error ? { error: options.error } : {}),
    exercises,
  };
}
