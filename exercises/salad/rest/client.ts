// Salad exercise S7, the client (seed 003, "send_command"): leaves its fruit list at the shared task service
// (--tasks URL, as in 003; without it, orders from the master directly), then polls the order at the REST
// master until it is ready and prints who prepared each fruit. Until the master has taken the list from
// the task service, the master does not know the order (404): the client waits. Rides out a master
// restart; follows an existing order with --order.
//
//   npx tsx exercises/salad/rest/client.ts [--tasks http://127.0.0.1:8001] [--server http://127.0.0.1:8000] [--fruits pêche,pomme,…]
//                                          [--order ID] [--time-scale X] [--patience 30]
//
// Output: `ORDER <id>`, then once ready `PREPARED <task> <fruit> by <worker>` per fruit and `TOTAL <units>`.
import { parseArgs } from "node:util";
import { timeScale, totalLine } from "../fruits.ts";
import { pollPeriodMs, requestJson, sleep, untilAnswered } from "./http-client.ts";
import type { Order } from "./store.ts";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      server: { type: "string", default: "http://127.0.0.1:8000" },
      tasks: { type: "string" },
      fruits: { type: "string" },
      order: { type: "string" },
      "time-scale": { type: "string" },
      patience: { type: "string", default: "30" },
    },
    strict: true,
  });
  const scale = timeScale(values["time-scale"]);
  const patienceMs = Number(values.patience) * 1000;
  if (!(patienceMs > 0)) throw new Error(`--patience must be a positive number of seconds, got "${values.patience}"`);
  const base = values.server!;
  const poll = pollPeriodMs(scale);
  const log = (line: string) => console.log(line);
  const call = (method: string, path: string, body?: unknown) =>
    untilAnswered(() => requestJson(base, method, path, body), poll, patienceMs, log);

  let id = values.order;
  if (!id) {
    const body = values.fruits ? { fruits: values.fruits.split(",").map((f) => f.trim()) } : {};
    const created = values.tasks
      ? await untilAnswered(() => requestJson(values.tasks!, "POST", "/tasks", body), poll, patienceMs, log)
      : await call("POST", "/orders", body);
    if (created.status !== 201)
      throw new Error(`the order was refused (${created.status}): ${created.body?.error ?? "?"}`);
    id = String(created.body?.id);
    log(
      `commande passée : ${created.body?.tasks ?? created.body?.fruits} fruits${values.tasks ? " (au service des tâches)" : ""}`,
    );
  }
  log(`ORDER ${id}`);
  let known = !values.tasks; // left at the task service: unknown to the master until it takes the list
  const takenBy = Date.now() + patienceMs;
  for (;;) {
    const answer = await call("GET", `/orders/${encodeURIComponent(id)}`);
    if (answer.status === 404 && !known) {
      if (Date.now() > takenBy)
        throw new Error(
          `the master has not taken order ${id} from the task service in ${values.patience} s: is it started with --tasks ${values.tasks}, and does a worker ask for work?`,
        );
      await sleep(poll);
      continue;
    }
    known = true;
    if (answer.status === 404)
      throw new Error(`order ${id} is unknown to the server (404): it was never accepted, or the server lost it`);
    if (answer.status !== 200)
      throw new Error(`GET /orders/${id} answered ${answer.status}: ${answer.body?.error ?? "?"}`);
    const order = answer.body as unknown as Order;
    if (order.status === "ready") {
      for (const task of order.tasks) log(`PREPARED ${task.id} ${task.fruit} by ${task.prepared_by}`);
      log("\nLa salade est prête ! Bonne dégustation !");
      log(totalLine(order.elapsed_ms ?? 0, scale));
      return;
    }
    await sleep(poll);
  }
}

main().catch((err: Error) => {
  console.error(`rest client: ${err.message.replace(/\s*\n\s*/g, " ")}`);
  process.exit(1);
});
