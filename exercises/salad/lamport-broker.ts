// Salad exercise S4 with a publish/subscribe broker, as seed 000 part 2 does it (RabbitMQ or MQTT): the
// master and the workers are separate programs that only talk through an MQTT broker (Debian's mosquitto,
// `mqtt` npm client); the workers share the bowl under Lamport's mutual exclusion (lamport/algorithm.ts,
// wired to topics in lamport/broker.ts). Topics under --topic P (default "salad"):
//   P/master        worker → master  {kind: "hello" | "give_task" | "result", worker, …}
//   P/worker/<i>    master → worker  {kind: "start"} then {kind: "task", task} (task null: stop)
//   P/lamport/<i>   the Lamport messages to participant i, with the sender's vector clock
// Workers say hello once subscribed, again every 250 ms until the master starts them when all are there
// (a broker does not keep messages for a topic nobody has subscribed to yet, so the master may miss one). The tsmpi version is lamport-mutex.ts.
//
//   mosquitto -p 1883                                                    (the broker, see handout S4)
//   npx tsx exercises/salad/lamport-broker.ts master --broker mqtt://127.0.0.1:1883 --workers 3
//   npx tsx exercises/salad/lamport-broker.ts worker --broker mqtt://127.0.0.1:1883 --workers 3 --id 0   (1, 2)
//
// Output: the master's `PREPARED <id> <fruit> by worker-<i+1>` and `TOTAL <units>`; each worker's
//   REQUEST|ENTER|LEAVE worker-<i+1> ts=<t> id=<i> vc=<v0,v1,…> time=<ms>
import mqtt, { type MqttClient } from "mqtt";
import { parseArgs } from "node:util";
import { prepare, preparedLine, saladTasks, timeScale, type Task } from "./fruits.ts";
import { BrokerMutex, Mailbox } from "./lamport/broker.ts";
import { saladReady } from "./mpi/master.ts";
import { wallMs } from "./mpi/common.ts";

type ToMaster =
  { kind: "hello" | "give_task"; worker: number } | { kind: "result"; worker: number; id: number; result: string };
type ToWorker = { kind: "start" } | { kind: "task"; task: Task | null };
const USAGE =
  "lamport-broker.ts master|worker --broker mqtt://HOST:PORT --workers N [--id I] [--topic P] [--time-scale X]";

function die(message: string): never {
  console.error(`lamport-broker: ${message}`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      strict: true,
      options: {
        broker: { type: "string", default: "mqtt://127.0.0.1:1883" },
        workers: { type: "string", default: "3" },
        id: { type: "string" },
        topic: { type: "string", default: "salad" },
        "time-scale": { type: "string" },
      },
    });
  } catch (error) {
    return die(`${(error as Error).message}. Usage: ${USAGE}`);
  }
})();
const role = positionals[0];
const workers = Number(values.workers);
if ((role !== "master" && role !== "worker") || positionals.length !== 1) die(`say master or worker. Usage: ${USAGE}`);
if (!Number.isInteger(workers) || workers < 1)
  die(`--workers must be a whole number of workers, at least 1, got "${values.workers}"`);
const id = Number(values.id ?? NaN);
if (role === "worker" && !(Number.isInteger(id) && id >= 0 && id < workers))
  die(`a worker needs --id between 0 and ${workers - 1}`);
const scale = (() => {
  try {
    return timeScale(values["time-scale"]);
  } catch (error) {
    return die((error as Error).message);
  }
})();
const prefix = values.topic!;
const name = (i: number) => `worker-${i + 1}`;
const send = (client: MqttClient, topic: string, message: ToMaster | ToWorker) =>
  client.publishAsync(topic, JSON.stringify(message), { qos: 1 });

let client: MqttClient;
try {
  client = await mqtt.connectAsync(values.broker!, { clean: true, reconnectPeriod: 0, connectTimeout: 10_000 });
} catch (error) {
  die(
    `cannot reach the broker at ${values.broker}: ${(error as Error).message}. Is mosquitto running there (handout S4)?`,
  );
}

/** The S1 master's give_task / receive_result, as messages on P/master. */
async function master(): Promise<void> {
  const inbox = new Mailbox<ToMaster>();
  client.on("message", (_, payload) => inbox.put(JSON.parse(payload.toString()) as ToMaster));
  await client.subscribeAsync(`${prefix}/master`, { qos: 1 });
  console.log(`master: waiting for ${workers} workers on ${values.broker} (topic ${prefix}/master)`);
  for (const ready = new Set<number>(); ready.size < workers;) {
    const m = await inbox.take();
    if (m.kind === "hello") ready.add(m.worker);
  }
  await Promise.all(
    Array.from({ length: workers }, (_, w) => send(client, `${prefix}/worker/${w}`, { kind: "start" })),
  );
  const toDo = saladTasks();
  const beingDone = new Map<number, Task>();
  const startedAt = performance.now();
  for (let left = workers; left > 0;) {
    const m = await inbox.take();
    if (m.kind === "give_task") {
      const task = toDo.pop() ?? null;
      if (task) beingDone.set(task.id, task);
      else left--;
      await send(client, `${prefix}/worker/${m.worker}`, { kind: "task", task });
    } else if (m.kind === "result") {
      console.log(`${m.result} reçue de ${name(m.worker)}`);
      console.log(preparedLine(beingDone.get(m.id)!, name(m.worker)));
      beingDone.delete(m.id);
      if (toDo.length === 0 && beingDone.size === 0) saladReady(performance.now() - startedAt, scale);
    }
  }
}

/** A worker: for each task, take the bowl (Lamport), prepare the fruit over it, hand it in, release. */
async function worker(): Promise<void> {
  const inbox = new Mailbox<ToWorker>();
  const mutex = new BrokerMutex(client, prefix, id, workers);
  const mine = BrokerMutex.topic(prefix, id);
  client.on("message", (topic, payload) =>
    topic === mine ? void mutex.onMessage(payload.toString()) : inbox.put(JSON.parse(payload.toString()) as ToWorker),
  );
  await client.subscribeAsync([`${prefix}/worker/${id}`, mine], { qos: 1 });
  // hello until the master says start: a hello sent before the master subscribed is lost (no queue yet)
  const hello = setInterval(() => void send(client, `${prefix}/master`, { kind: "hello", worker: id }), 250);
  await send(client, `${prefix}/master`, { kind: "hello", worker: id });
  await inbox.take(); // start: every worker has subscribed
  clearInterval(hello);
  const event = (kind: string, s: { ts: number; id: number }) =>
    console.log(`${kind} ${name(id)} ts=${s.ts} id=${s.id} vc=${mutex.tick().join(",")} time=${wallMs()}`);
  for (;;) {
    await send(client, `${prefix}/master`, { kind: "give_task", worker: id });
    const reply = await inbox.take();
    const task = reply.kind === "task" ? reply.task : null;
    if (!task) break;
    // SOLUTION BEGIN: prepare the fruit and hand it in only inside the critical section
    const stamp = await mutex.acquire((s) => event("REQUEST", s));
    event("ENTER", stamp);
    const result = await prepare(task, scale);
    await send(client, `${prefix}/master`, { kind: "result", worker: id, id: task.id, result });
    await mutex.release(() => event("LEAVE", stamp));
    // STARTER: const result = await prepare(task, scale);
    // STARTER: await send(client, `${prefix}/master`, { kind: "result", worker: id, id: task.id, result });
    // SOLUTION END
  }
  await mutex.close();
}

await (role === "master" ? master() : worker());
await client.endAsync();
