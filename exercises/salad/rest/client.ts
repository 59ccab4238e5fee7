// Salad exercise S7, the client (seed 003, "send_command"): orders a salad from the REST master, then polls
// the order until it is ready and prints who prepared each fruit. Rides out a master restart; follows an
// existing order with --order.
//
//   npx tsx exercises/salad/rest/client.ts [--server http://127.0.0.1:8000] [--fruits pêche,pomme,…]
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
    const created = await call("POST", "/orders", body);
    if (created.status !== 201) throw new Error(`the order was refused (${created.status}): ${created.body?.error ?? "?"}`);
    id = String(created.body?.id);
    log(`commande passée : ${created.body?.tasks} fruits`);
  }
  log(`ORDER ${id}`);
  for (;;) {
    const answer = await call("GET", `/orders/${encodeURIComponent(id)}`);
    if (answer.status === 404) throw new Error(`order ${id} is unknown to the server (404): it was never accepted, or the server lost it`);
    if (answer.status !== 200) throw new Error(`GET /orders/${id} answered ${answer.status}: ${answer.body?.error ?? "?"}`);
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
