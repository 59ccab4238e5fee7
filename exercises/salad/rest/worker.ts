// Salad exercise S7, a worker (seed 003, worker.py): pulls a task from the REST master, prepares the fruit,
// posts the result, again and again; waits when there is nothing to do; rides out a master restart.
// Runs until stopped (Ctrl-C).
//
//   npx tsx exercises/salad/rest/worker.ts [--server http://127.0.0.1:8000] [--name W] [--time-scale X]
//                                          [--patience 30]
import { parseArgs } from "node:util";
import { prepare, timeScale } from "../fruits.ts";
import { pollPeriodMs, requestJson, sleep, untilAnswered } from "./http-client.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      server: { type: "string", default: "http://127.0.0.1:8000" },
      name: { type: "string", default: `worker-${process.pid}` },
      "time-scale": { type: "string" },
      patience: { type: "string", default: "30" },
    },
    strict: true,
  });
  const scale = timeScale(values["time-scale"]);
  const patienceMs = Number(values.patience) * 1000;
  if (!(patienceMs > 0)) throw new Error(`--patience must be a positive number of seconds, got "${values.patience}"`);
  const base = values.server!;
  const name = values.name!;
  const poll = pollPeriodMs(scale);
  const log = (line: string) => console.log(`[${name}] ${line}`);
  log(`pulling tasks from ${base}`);
  for (;;) {
    const next = await untilAnswered(() => requestJson(base, "POST", "/tasks/next", { worker: name }), poll, patienceMs, log);
    if (next.status === 204) {
      await sleep(poll);
      continue;
    }
    if (next.status !== 200) throw new Error(`POST /tasks/next answered ${next.status}: ${next.body?.error ?? "?"}`);
    const { order, task } = next.body as unknown as { order: string; task: { id: number; fruit: string; units: number } };
    log(`1 ${task.fruit} à préparer reçue (order ${order}, task ${task.id})`);
    const result = await prepare(task, scale);
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
}

main().catch((err: Error) => {
  console.error(`rest worker: ${err.message.replace(/\s*\n\s*/g, " ")}`);
  process.exit(1);
});
