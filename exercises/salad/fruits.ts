// The salad lab's shared table (exercises S0–S7; handouts S0 and S1): the fruits to prepare, their
// preparation times in time units (1 unit = 1 s in the handout), the time scale, and `prepare(task)`.
//
// API (small on purpose; every salad program imports it):
//   saladTasks()               the 11 tasks of the handout's salad (ids 0..10), 26 units in all
//   FRUIT_UNITS, SEQUENTIAL_UNITS, FRUIT_NAMES
//   timeScale(value?)          seconds per time unit: `--time-scale X` (pass its value), else the
//                              environment variable TSMPI_SALAD_TIME_SCALE, else 1 (real seconds, as the handout)
//   timeScaleFromArgv(argv?)   the same, finding `--time-scale X` or `--time-scale=X` in argv itself
//   prepare(task | fruit, scale?)  "prepares" one fruit: waits units × scale seconds (default scale:
//                              timeScale()), returns "1 <fruit> préparée"
//   preparedLine(task, worker) the machine-readable line `PREPARED <id> <fruit> by <worker>` graders parse
//   totalLine(ms, scale)       the machine-readable line `TOTAL <units>` (elapsed time in time units)
//   elapsedUnits(ms, scale)    milliseconds → time units
//   isMainModule(import.meta.url)  true when this file is the program being run (not imported)
import { realpathSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

/** Preparation time of each fruit, in time units (handout: seconds). */
export const FRUIT_UNITS: Readonly<Record<string, number>> = Object.freeze({
  pêche: 3,
  pomme: 3,
  cerise: 1,
  poire: 2,
  banane: 2,
  pastèque: 4,
});

export const FRUIT_NAMES: readonly string[] = Object.freeze(Object.keys(FRUIT_UNITS));

/** One task of the salad: prepare one fruit. Ids tell apart the two pêches, the two pommes… */
export interface Task {
  id: number;
  fruit: string;
  units: number;
}

/** The handout's ingredient list (seq.py), in its order. */
const HANDOUT_ORDER = [
  "banane",
  "pêche",
  "banane",
  "cerise",
  "cerise",
  "poire",
  "pêche",
  "pomme",
  "poire",
  "pastèque",
  "pomme",
] as const;

/** Time units of the sequential salad (the handout measures 26.0 s). */
export const SEQUENTIAL_UNITS = 26;

/** A fresh copy of the salad's tasks: 11 fruits, ids 0..10, 26 units in all. */
export function saladTasks(): Task[] {
  return HANDOUT_ORDER.map((fruit, id) => ({ id, fruit, units: FRUIT_UNITS[fruit] }));
}

export const TIME_SCALE_ENV = "TSMPI_SALAD_TIME_SCALE";

/**
 * Seconds per time unit. `optionValue` is the program's `--time-scale` value when given; otherwise the
 * environment variable TSMPI_SALAD_TIME_SCALE; otherwise 1. Throws a one-line error on a bad value.
 */
export function timeScale(optionValue?: string, env: NodeJS.ProcessEnv = process.env): number {
  const raw = optionValue ?? env[TIME_SCALE_ENV];
  if (raw === undefined || (raw === "" && optionValue === undefined)) return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) {
    const from = optionValue !== undefined ? "--time-scale" : TIME_SCALE_ENV;
    throw new Error(
      `${from} must be a positive number of seconds per time unit, got "${raw}" (e.g. 1 for the handout's times, 0.01 for tests)`,
    );
  }
  return scale;
}

/** timeScale() of the `--time-scale X` or `--time-scale=X` found in `argv` (for programs without a parser). */
export function timeScaleFromArgv(argv: readonly string[] = process.argv.slice(2)): number {
  const at = argv.findIndex((a) => a === "--time-scale" || a.startsWith("--time-scale="));
  if (at < 0) return timeScale();
  const value = argv[at].includes("=") ? argv[at].slice("--time-scale=".length) : argv[at + 1];
  return timeScale(value ?? "");
}

/** Waits `units` time units (a demo and a test differ only by the scale). */
export function waitUnits(units: number, scale: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, units * scale * 1000));
}

/** Prepares one fruit (a task, or a fruit name of the table): takes its time, returns the handout's result. */
export async function prepare(task: Task | string, scale: number = timeScale()): Promise<string> {
  const fruit = typeof task === "string" ? task : task.fruit;
  const units = typeof task === "string" ? FRUIT_UNITS[task] : task.units;
  if (units === undefined) throw new Error(`prepare: unknown fruit "${fruit}"; known: ${FRUIT_NAMES.join(", ")}`);
  await waitUnits(units, scale);
  return `1 ${fruit} préparée`;
}

export function elapsedUnits(ms: number, scale: number): number {
  return ms / 1000 / scale;
}

/** `PREPARED <id> <fruit> by <worker>`: one line per prepared fruit, for graders. */
export function preparedLine(task: Task, worker: string): string {
  return `PREPARED ${task.id} ${task.fruit} by ${worker}`;
}

/** `TOTAL <units>`: the elapsed preparation time in time units, two decimals. */
export function totalLine(ms: number, scale: number): string {
  return `TOTAL ${elapsedUnits(ms, scale).toFixed(2)}`;
}

/** True when the module whose `import.meta.url` is given is the program that was started. */
export function isMainModule(metaUrl: string): boolean {
  const started = process.argv[1];
  if (!started) return false;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(fileURLToPath(metaUrl)) === real(started);
}
