// The autograder framework shared by every exercise family (MPI, sockets, salad).
// A grader runs a program file as real processes (never imports it), checks behaviour, and prints
// `*** <id> <what is checked>` then `--- PASS` or `--- FAIL: <measured vs expected, hint>` per check.
// Families register their graders in mpi/index.ts, sockets/index.ts and salad/index.ts.

export interface GradeOptions {
  /** Path of the program to grade, replacing the reference (a student's file). */
  program?: string;
  /** Process counts to try, where the exercise runs under tsrun. */
  np?: number[];
  /** Where to write per-check output; defaults to stdout. */
  out?: (line: string) => void;
}

export interface Grader {
  id: string;
  title: string;
  /** The reference program(s), relative to the project root. */
  reference: string | string[];
  run(check: Checker, options: GradeOptions): Promise<void>;
  /**
   * How many SSH hosts the grader starts the student's programs on (exercise 5). Class grading brings up
   * that many inside the job's sandbox and passes their hostfile as the `hostfile` option.
   */
  sshHosts?: number;
}

/** A failed check: what was measured, what was expected, and what to look at. */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailure";
  }
}

export function fail(measured: string, expected: string, hint = ""): never {
  throw new CheckFailure(`${measured} vs expected ${expected}${hint ? `. ${hint}` : ""}`);
}

export function expect(condition: boolean, measured: string, expected: string, hint = ""): void {
  if (!condition) fail(measured, expected, hint);
}

export interface CheckResult {
  id: string;
  what: string;
  passed: boolean;
  detail: string;
  /** Wall time of the check, in milliseconds (the program's runs included). */
  durationMs: number;
}

/** Runs named checks for one grader and records their outcome. */
export class Checker {
  readonly results: CheckResult[] = [];
  constructor(
    readonly id: string,
    private readonly out: (line: string) => void,
  ) {}

  async check(what: string, body: () => Promise<string | void> | string | void): Promise<boolean> {
    this.out(`*** ${this.id} ${what}`);
    const started = performance.now();
    const durationMs = () => Math.round(performance.now() - started);
    try {
      const detail = (await body()) ?? "";
      this.out(detail ? `--- PASS (${detail})` : "--- PASS");
      this.results.push({ id: this.id, what, passed: true, detail, durationMs: durationMs() });
      return true;
    } catch (err) {
      const detail = err instanceof CheckFailure ? err.message : `grader error: ${(err as Error)?.stack ?? err}`;
      this.out(`--- FAIL: ${detail}`);
      this.results.push({ id: this.id, what, passed: false, detail, durationMs: durationMs() });
      return false;
    }
  }

  get passed(): number {
    return this.results.filter((r) => r.passed).length;
  }
  get failed(): number {
    return this.results.length - this.passed;
  }
}

/** Grades one exercise and returns its checker (results inside). */
export async function grade(grader: Grader, options: GradeOptions = {}): Promise<Checker> {
  const out = options.out ?? ((line: string) => console.log(line));
  const checker = new Checker(grader.id, out);
  try {
    await grader.run(checker, options);
  } catch (err) {
    await checker.check("grader completes", () => {
      throw err;
    });
  }
  return checker;
}

/** The program a grader runs: the student's override, or the reference at `index`. */
export function programOf(grader: Grader, options: GradeOptions, index = 0): string {
  if (options.program) return options.program;
  const refs = Array.isArray(grader.reference) ? grader.reference : [grader.reference];
  return refs[index];
}
