// Salad graders: the S0 oracle and the "every fruit prepared exactly once" check shared by every salad
// grader. The oracle is the reference sequential salad (exercises/salad/seq.ts), run as a process.
import * as fs from "node:fs";
import * as path from "node:path";
import { fail } from "../../lib/grader.ts";
import { projectRoot } from "../../lib/run.ts";
import { Live } from "./proc.ts";

export interface Prepared {
  id: number;
  fruit: string;
  worker: string;
}

const PREPARED = /^PREPARED (\d+) (\S+) by (\S+)/;

/** The `PREPARED <id> <fruit> by <worker>` lines of a program's output. */
export function parsePrepared(lines: string[]): Prepared[] {
  return lines.flatMap((line) => {
    const m = line.match(PREPARED);
    return m ? [{ id: Number(m[1]), fruit: m[2], worker: m[3] }] : [];
  });
}

/** The handout's salad (seeds 000 and 002): fruit → how many, and each fruit's time in units. */
export const HANDOUT_SALAD: Readonly<Record<string, { count: number; units: number }>> = {
  pêche: { count: 2, units: 3 },
  pomme: { count: 2, units: 3 },
  cerise: { count: 2, units: 1 },
  poire: { count: 2, units: 2 },
  banane: { count: 2, units: 2 },
  pastèque: { count: 1, units: 4 },
};
export const HANDOUT_UNITS = 26;

let oracleRun: Promise<Prepared[]> | undefined;

/** The fruits the reference sequential salad prepares (run once per grading process). */
export function saladOracle(): Promise<Prepared[]> {
  oracleRun ??= (async () => {
    const seq = new Live("the S0 oracle (exercises/salad/seq.ts)", path.join(projectRoot, "exercises/salad/seq.ts"), [
      "--time-scale",
      "0.002",
    ]);
    const exit = await seq.finished(60_000);
    if (exit.code !== 0)
      fail(
        `the oracle ${seq.describe()}`,
        "the reference seq.ts to run",
        "The project itself is broken: run exercises/salad/seq.ts by hand",
      );
    return parsePrepared(seq.lines());
  })();
  return oracleRun;
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function showCounts(counts: Map<string, number>): string {
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}×${n}`)
    .join(", ");
}

/**
 * Every fruit of `expected` prepared exactly once in `prepared`: no task id twice, and the same fruits as
 * many times each. Returns a detail line (who prepared how many) for the PASS message.
 */
export function checkEveryFruitOnce(prepared: Prepared[], expected: Prepared[], hint = ""): string {
  const byId = new Map<number, Prepared[]>();
  for (const p of prepared) byId.set(p.id, [...(byId.get(p.id) ?? []), p]);
  for (const [id, times] of byId) {
    if (times.length > 1) {
      fail(
        `task ${id} (${times[0].fruit}) prepared ${times.length} times (by ${times.map((t) => t.worker).join(", ")})`,
        "every fruit prepared exactly once",
        hint || "A task handed out again must not be counted again",
      );
    }
  }
  const got = countBy(prepared, (p) => p.fruit);
  const want = countBy(expected, (p) => p.fruit);
  const missing = new Map<string, number>();
  const extra = new Map<string, number>();
  for (const fruit of new Set([...got.keys(), ...want.keys()])) {
    const diff = (got.get(fruit) ?? 0) - (want.get(fruit) ?? 0);
    if (diff < 0) missing.set(fruit, -diff);
    if (diff > 0) extra.set(fruit, diff);
  }
  if (missing.size || extra.size) {
    const measured = [
      missing.size ? `never prepared: ${showCounts(missing)}` : "",
      extra.size ? `prepared too often: ${showCounts(extra)}` : "",
    ];
    fail(
      measured.filter(Boolean).join("; "),
      `${showCounts(want)} as the sequential salad (S0)`,
      hint || "Each task must be prepared and reported once",
    );
  }
  return `${prepared.length} fruits, each once; by ${showCounts(countBy(prepared, (p) => p.worker))}`;
}

/** The files of a multi-file exercise: from the directory of `--program` (a folder or one of its files), else the reference. */
export function exerciseFiles(
  program: string | undefined,
  referenceDir: string,
  names: string[],
): Record<string, string> {
  let dir = path.join(projectRoot, referenceDir);
  if (program) dir = fs.existsSync(program) && fs.statSync(program).isDirectory() ? program : path.dirname(program);
  const files: Record<string, string> = {};
  for (const name of names) {
    const file = path.join(dir, name);
    if (!fs.existsSync(file))
      fail(`no ${name} in ${dir}`, `${names.join(", ")} side by side`, "Give --program the exercise's folder");
    files[name] = file;
  }
  return files;
}

export function resolveProgram(program: string): string {
  return path.isAbsolute(program) ? program : path.join(projectRoot, program);
}
