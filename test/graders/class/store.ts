// The class's results in SQLite (OUT/grades.sqlite): one row per (student, exercise, check) with
// pass/fail, the grader's message, its duration and the submission's content hash; one row per
// (student, exercise) with its status and the feedback the student sees. A submission whose hash (and
// grading options) did not change since it was graded is not graded again.
import Database from "better-sqlite3";
import type { CheckRow } from "./worker.ts";

export type Status = "graded" | "not submitted" | "grader error";

export interface Submission {
  student: string;
  exercise: string;
  status: Status;
  /** sha256 of the file's content and the grading options ("" when not submitted). */
  hash: string;
  ms: number;
  feedback: string;
  checks: CheckRow[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS submissions (
  student TEXT NOT NULL, exercise TEXT NOT NULL, status TEXT NOT NULL, hash TEXT NOT NULL,
  duration_ms INTEGER NOT NULL, feedback TEXT NOT NULL, graded_at TEXT NOT NULL,
  PRIMARY KEY (student, exercise));
CREATE TABLE IF NOT EXISTS checks (
  student TEXT NOT NULL, exercise TEXT NOT NULL, seq INTEGER NOT NULL, what TEXT NOT NULL,
  passed INTEGER NOT NULL, message TEXT NOT NULL, duration_ms INTEGER NOT NULL, hash TEXT NOT NULL,
  trace TEXT, PRIMARY KEY (student, exercise, seq));`;

export class GradeStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.exec(SCHEMA);
  }

  /** The stored hash of a graded submission, to skip it when unchanged. */
  hashOf(student: string, exercise: string): string | undefined {
    const row = this.db
      .prepare("SELECT hash FROM submissions WHERE student = ? AND exercise = ? AND status = 'graded'")
      .get(student, exercise) as { hash: string } | undefined;
    return row?.hash;
  }

  save(s: Submission): void {
    const tx = this.db.transaction(() => {
      this.db.prepare("DELETE FROM checks WHERE student = ? AND exercise = ?").run(s.student, s.exercise);
      this.db
        .prepare("INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(s.student, s.exercise, s.status, s.hash, s.ms, s.feedback, new Date().toISOString());
      const insert = this.db.prepare("INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
      for (const [i, c] of s.checks.entries())
        insert.run(s.student, s.exercise, i + 1, c.what, c.passed ? 1 : 0, c.message, c.ms, s.hash, c.trace ?? null);
    });
    tx();
  }

  /** Every stored submission of these students and exercises, checks included. */
  load(students: string[], exercises: string[]): Submission[] {
    const subs = this.db.prepare("SELECT * FROM submissions ORDER BY student, exercise").all() as Record<
      string,
      string | number
    >[];
    const checks = this.db.prepare("SELECT * FROM checks WHERE student = ? AND exercise = ? ORDER BY seq");
    return subs
      .filter((r) => students.includes(String(r.student)) && exercises.includes(String(r.exercise)))
      .map((r) => ({
        student: String(r.student),
        exercise: String(r.exercise),
        status: r.status as Status,
        hash: String(r.hash),
        ms: Number(r.duration_ms),
        feedback: String(r.feedback),
        checks: (checks.all(r.student, r.exercise) as Record<string, string | number | null>[]).map((c) => ({
          what: String(c.what),
          passed: c.passed === 1,
          message: String(c.message),
          ms: Number(c.duration_ms),
          trace: c.trace === null ? undefined : String(c.trace),
        })),
      }));
  }

  close(): void {
    this.db.close();
  }
}
