// Salad exercise S0 (handout handouts/S0.md): the sequential fruit salad, one cook preparing the
// 11 fruits one after the other (26 time units). It is the oracle the other salad exercises are graded
// against: every fruit prepared exactly once.
//
//   npx tsx exercises/salad/seq.ts [--time-scale X]      (X seconds per time unit; default 1, or TSMPI_SALAD_TIME_SCALE)
//
// Output: the handout's lines, plus `PREPARED <id> <fruit> by seq` per fruit and `TOTAL <units>`.
import { parseArgs } from "node:util";
import { isMainModule, prepare, preparedLine, saladTasks, timeScale, totalLine, type Task } from "./fruits.ts";

/** Prepares every task in order, one at a time; returns the elapsed milliseconds. */
export async function prepareSequentially(tasks: Task[], scale: number, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  for (const task of tasks) {
    // SOLUTION BEGIN: announce the task ("1 FRUIT en préparation (Us)..."), prepare it, log preparedLine(task, "seq")
    log(`1 ${task.fruit} en préparation (${task.units}s)...`);
    await prepare(task, scale);
    log(preparedLine(task, "seq"));
    // SOLUTION END
  }
  return performance.now() - started;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "time-scale": { type: "string" } }, strict: true });
  const scale = timeScale(values["time-scale"]);
  const ms = await prepareSequentially(saladTasks(), scale, (line) => console.log(line));
  console.log("\nLa salade est prête ! Bonne dégustation !");
  console.log(`Temps de préparation : ${(ms / 1000 / scale).toFixed(1)} unités (${(ms / 1000).toFixed(2)} s)`);
  console.log(totalLine(ms, scale));
}

if (isMainModule(import.meta.url)) {
  main().catch((err: Error) => {
    console.error(`seq: ${err.message.replace(/\s*\n\s*/g, " ")}`);
    process.exit(1);
  });
}
