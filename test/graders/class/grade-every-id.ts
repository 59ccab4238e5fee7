// `npx tsx test/graders/class/grade-every-id.ts [ids…]`: the check that class grading covers every
// exercise id, too slow for the test suite (about 40 ids, several minutes). One student hands in the
// reference programs of every family (reference-student.ts); the class is graded in the sandbox and each
// id must pass all its checks. Prints one line per id and exits 1 if any id failed. The test suite covers
// a representative cut of ids with right, wrong and hostile students (class-sockets.test.ts).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import { classGraders } from "../submissions.ts";
import { gradeClass } from "./index.ts";
import { readableByEveryone, referenceStudent } from "./reference-student.ts";

const ids = process.argv.slice(2).length ? process.argv.slice(2) : classGraders.map((g) => g.id);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-every-id-"));
try {
  const dir = path.join(work, "class");
  referenceStudent(path.join(dir, "reference"));
  readableByEveryone(work);
  const result = await gradeClass({
    dir,
    ids,
    out: path.join(work, "out"),
    jobs: Number(process.env.JOBS ?? 2),
    progress: process.stderr.isTTY,
  });
  const db = new Database(path.join(work, "out", "grades.sqlite"), { readonly: true });
  const rows = db.prepare("SELECT exercise, passed, what, message FROM checks ORDER BY exercise, seq").all() as {
    exercise: string;
    passed: number;
    what: string;
    message: string;
  }[];
  db.close();
  let failed = 0;
  for (const id of result.exercises) {
    const mine = rows.filter((r) => r.exercise === id);
    const bad = mine.filter((r) => !r.passed);
    if (bad.length || !mine.length) failed++;
    console.log(
      `${bad.length || !mine.length ? "FAIL" : "ok  "} ${id}: ${mine.length - bad.length}/${mine.length} checks${bad.map((r) => `\n     ✗ ${r.what}: ${r.message.slice(0, 300)}`).join("")}`,
    );
  }
  console.log(result.summary);
  process.exitCode = failed ? 1 : 0;
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
