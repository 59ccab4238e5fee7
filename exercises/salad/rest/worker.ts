// Salad exercise S7, a worker (seed 003, worker.py): pulls a task from the REST master, prepares the fruit,
// posts the result, again and again; waits when there is nothing to do; rides out a master restart.
// Runs until stopped (Ctrl-C).
//
//   npx tsx exercises/salad/rest/worker.ts [--server http://127.0.0.1:8000] [--name W] [--time-scale X]
//                                          [--patience 30] [--prep fruit|random] [--seed S]
// --prep random (seed 003): each preparation takes a random 4 to 20 time units (seconds at --time-scale 1),
// drawn from mulberry32(--seed), instead of the fruit's own time; run the server with --lease-units above 20
// (e.g. 30) so that a task is not given again while a worker is still preparing it. Line: PREP <task> <units>.
import { parseArgs } from "node:util";
import { prepare, timeScale } from "../fruits.ts";
import { mulberry32 } from "../../common/args.ts";
import { pollPeriodMs, requestJson, sleep, untilAnswered } from "./http-client.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      server: { type: "string", default: "http://127.0.0.1:8000" },
      name: { type: "string", default: `worker-${process.pid}` },
      "time-scale": { type: "string" },
      patience: { type: "string", default: "30" },
      prep: { type: "string", default: "fruit" },
      seed: { type: "string", default: "1" },
    },
    strict: true,
  });
  const scale = timeScale(values["time-scale"]);
  const patienceMs = Number(values.patience) * 1000;
  if (!(patienceMs > 0)) throw new Error(`--patience must be a positive number of seconds, got "${values.patience}"`);
  if (values.prep !== "fruit" && values.prep !== "random")
    throw new Error(`--prep is fruit or random, got "${values.prep}"`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got "${values.seed}"`);
  const random = mulberry32(seed);
  /** Time units of one preparation: the fruit's, or the seed document's random 4–20. */
  const unitsFor = (task: { units: number }) => (values.prep === "random" ? 4 + 16 * random() : task.units);
  const base = values.server!;
  const name = values.name!;
  const poll = pollPeriodMs(scale);
  const log = (line: string) => console.log(`[${name}] ${line}`);
  log(`pulling tasks from ${base}`);
  // SOLUTION BEGIN: loop forever: POST /tasks/next (204: nothing yet, wait `poll` ms), log the task, prepare it for unitsFor(task) units, POST /tasks/result, log whether it was taken
  for (;;) {
    const next = await untilAnswered(
      () => requestJson(base, "POST", "/tasks/next", { worker: name }),
      poll,
      patienceMs,
      log,
    );
    if (next.status === 204) {
      await sleep(poll);
      continue;
    }
    if (next.status !== 200) throw new Error(`POST /tasks/next answered ${next.status}: ${next.body?.error ?? "?"}`);
    const { order, task } = next.body as unknown as {
      order: string;
      task: { id: number; fruit: string; units: number };
    };
    log(`1 ${task.fruit} à préparer reçue (order ${order}, task ${task.id})`);
    const units = unitsFor(task);
    log(`PREP ${task.id} ${units.toFixed(2)}`);
    const result = await prepare({ ...task, units }, scale);
    const answer = await untilAnswered(
      () => requestJson(base, "POST", "/tasks/result", { order, task: task.id, worker: name, result }),
      poll,
      patienceMs,
      log,
    );
    if (answer.status === 200) log(`${result}, envoyée`);
    else if (answer.status === 409 || answer.status === 404) log(`result not needed: ${answer.body?.error}`);
    else throw new Error(`POST /tasks/result answered ${answer.status}: ${answer.body?.error ?? "?"}`);
  }
  // SOLUTION END
}

main().catch((err: Error) => {
  console.error(`rest worker: ${err.message.replace(/\s*\n\s*/g, " ")}`);
  process.exit(1);
});
