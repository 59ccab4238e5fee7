// Salad exercise S7 (seed 003, the salad over REST services): the master as an HTTP/JSON service (node:http)
// whose orders live in SQLite (store.ts). As in 003, clients leave their fruit lists at the shared task
// service (task-service.ts); with --tasks URL the master takes every waiting list from it whenever a worker
// asks for work, and each becomes an order (same id) that the client polls here. (POST /orders here is a
// shortcut without the task service.) Workers pull tasks and post results. Bad requests get 4xx answers and never stop the server; a restarted server (same --db) keeps
// every accepted order and hands out again the tasks that were in progress.
//
//   npx tsx exercises/salad/rest/server.ts [--tasks http://127.0.0.1:8001] [--port 8000] [--host ADDR] [--db salad-orders.db] [--time-scale X]
//                                          [--lease-units 10] [--max-body 16384]
//
// API (JSON bodies; errors are {"error": "..."}):
//   POST /orders        {"fruits"?: ["pêche", …]} (default: the handout's salad) → 201 {id, status, tasks}
//   GET  /orders/<id>   → 200 {id, status: pending|ready, elapsed_ms, tasks: [{id, fruit, state, prepared_by}]} | 404
//   POST /tasks/next    {"worker": "<name>"} → 200 {order, task: {id, fruit, units}, lease_ms} | 204 (nothing to do)
//   POST /tasks/result  {"order", "task", "worker", "result"} → 200 {accepted, order_ready} | 409 (already prepared) | 404
//   GET  /health        → 200 {ok: true}
// Malformed JSON or fields → 400, unknown order or path → 404, wrong method → 405, body over --max-body → 413.
// Output: `LISTENING <port>`, `REQUEUED <n>`, `ORDER <id> <n> fruits`, `GIVEN …`, `RESULT <order> <task> <fruit> by <worker>`,
// `READY <order>`, `REJECTED <status> <why>`.
import { hostOption, checkHost, reachableHost, loopbackNote, DEFAULT_HOST } from "../listen-host.ts";
import * as http from "node:http";
import { parseArgs } from "node:util";
import { FRUIT_UNITS, isMainModule, saladTasks, timeScale, type Task } from "../fruits.ts";
import { asObject, HttpError, readJson, sendError, sendJson } from "./http-json.ts";
import { requestJson } from "./http-client.ts";
import { OrderStore } from "./store.ts";

export interface ServerConfig {
  store: OrderStore;
  /** Lease of a handed-out task, in milliseconds: past it the task is handed out again. */
  leaseMs: number;
  maxBody: number;
  log: (line: string) => void;
  /** The shared task service's base URL (--tasks), where clients leave their fruit lists. */
  taskService?: string;
}

let serviceDown = false;

/** Takes every fruit list waiting at the task service; each becomes an order with the list's id. */
async function takeFromTaskService({ store, log, taskService }: ServerConfig): Promise<void> {
  if (!taskService) return;
  try {
    const answer = await requestJson(taskService, "GET", "/tasks");
    serviceDown = false;
    const lists = answer.body?.value; // a JSON array comes back as {value: […]}
    if (answer.status !== 200 || !Array.isArray(lists)) return;
    for (const list of lists as Array<{ id: string; fruits: string[] }>) {
      const tasks = orderTasks({ fruits: list.fruits });
      store.createOrder(tasks, Date.now(), String(list.id));
      log(`ORDER ${list.id} ${tasks.length} fruits (from the task service)`);
    }
  } catch (err) {
    if (!serviceDown) log(`TASK SERVICE UNREACHABLE at ${taskService}: ${(err as Error).message}`);
    serviceDown = true;
  }
}

const MAX_FRUITS = 100;
const MAX_NAME = 100;

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "" || value.length > MAX_NAME) {
    throw new HttpError(400, `"${field}" must be a non-empty string of at most ${MAX_NAME} characters`);
  }
  // Names go into log lines a grader parses: a newline would let a client forge READY/TOTAL lines.
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new HttpError(400, `"${field}" must not contain control characters (newlines, tabs, …)`);
  return value;
}

/** The tasks of an order: the fruits asked for, or the handout's salad. */
export function orderTasks(body: Record<string, unknown>): Task[] {
  if (body.fruits === undefined) return saladTasks();
  const fruits = body.fruits;
  if (!Array.isArray(fruits) || fruits.length === 0 || fruits.length > MAX_FRUITS) {
    throw new HttpError(400, `"fruits" must be an array of 1 to ${MAX_FRUITS} fruit names`);
  }
  return fruits.map((fruit, id) => {
    if (typeof fruit !== "string" || !Object.hasOwn(FRUIT_UNITS, fruit)) { // not "constructor", "toString", …
      throw new HttpError(400, `unknown fruit ${JSON.stringify(fruit)}; known: ${Object.keys(FRUIT_UNITS).join(", ")}`);
    }
    return { id, fruit, units: FRUIT_UNITS[fruit] };
  });
}

type Route = (config: ServerConfig, req: http.IncomingMessage, res: http.ServerResponse, param: string) => Promise<void>;

const postOrder: Route = async ({ store, maxBody, log }, req, res) => {
  const tasks = orderTasks(asObject(await readJson(req, maxBody), "an order"));
  const id = store.createOrder(tasks, Date.now());
  log(`ORDER ${id} ${tasks.length} fruits`);
  sendJson(res, 201, { id, status: "pending", tasks: tasks.length }, { location: `/orders/${id}` });
};

const getOrder: Route = async ({ store }, _req, res, id) => {
  const order = store.getOrder(id);
  if (!order) throw new HttpError(404, `no order ${JSON.stringify(id)}`);
  sendJson(res, 200, order);
};

const nextTask: Route = async (config, req, res) => {
  const { store, leaseMs, maxBody, log } = config;
  const worker = requireString(asObject(await readJson(req, maxBody), "a task request"), "worker");
  await takeFromTaskService(config);
  const handout = store.nextTask(worker, Date.now(), leaseMs);
  if (!handout) return sendJson(res, 204, undefined);
  log(`GIVEN ${handout.order} ${handout.task.id} ${handout.task.fruit} to ${worker}`);
  sendJson(res, 200, { ...handout, lease_ms: leaseMs });
};

const postResult: Route = async ({ store, maxBody, log }, req, res) => {
  const body = asObject(await readJson(req, maxBody), "a result");
  const order = requireString(body, "order");
  const worker = requireString(body, "worker");
  const result = typeof body.result === "string" ? body.result.slice(0, 200) : "";
  if (!Number.isSafeInteger(body.task)) throw new HttpError(400, `"task" must be an integer task id`);
  const outcome = store.recordResult(order, body.task as number, worker, result, Date.now());
  if (outcome.outcome === "unknown") throw new HttpError(404, `no task ${body.task} in order ${JSON.stringify(order)}`);
  if (outcome.outcome === "duplicate") {
    log(`DUPLICATE ${order} ${body.task} from ${worker}, already prepared by ${outcome.preparedBy}`);
    return sendJson(res, 409, { error: `task ${body.task} of order ${order} was already prepared by ${outcome.preparedBy}` });
  }
  log(`RESULT ${order} ${body.task} ${outcome.fruit} by ${worker}`);
  if (outcome.orderReady) log(`READY ${order}`);
  sendJson(res, 200, { accepted: true, order_ready: outcome.orderReady });
};

const health: Route = async (_config, _req, res) => sendJson(res, 200, { ok: true });

/** Path pattern → method → handler. The parameter, if any, is the last path segment. */
const ROUTES: Array<{ pattern: RegExp; methods: Record<string, Route> }> = [
  { pattern: /^\/orders\/?$/, methods: { POST: postOrder } },
  { pattern: /^\/orders\/([^/]+)$/, methods: { GET: getOrder } },
  { pattern: /^\/tasks\/next$/, methods: { POST: nextTask } },
  { pattern: /^\/tasks\/result$/, methods: { POST: postResult } },
  { pattern: /^\/health$/, methods: { GET: health } },
];

export function handleRequest(config: ServerConfig, req: http.IncomingMessage, res: http.ServerResponse): void {
  const run = async () => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const route = ROUTES.find((r) => r.pattern.test(path));
    if (!route) throw new HttpError(404, `no such resource ${path}`);
    const handler = route.methods[req.method ?? ""];
    if (!handler) {
      res.setHeader("allow", Object.keys(route.methods).join(", "));
      throw new HttpError(405, `${req.method} is not allowed on ${path} (allowed: ${Object.keys(route.methods).join(", ")})`);
    }
    let param = "";
    try {
      param = decodeURIComponent(route.pattern.exec(path)?.[1] ?? "");
    } catch {
      throw new HttpError(404, `no such resource ${path}`);
    }
    await handler(config, req, res, param);
  };
  run().catch((err) => sendError(res, err, config.log));
}

/** Starts the HTTP server; resolves with the port once it accepts connections. */
export type Handler = (config: ServerConfig, req: http.IncomingMessage, res: http.ServerResponse) => void;

export function startServer(config: ServerConfig, port: number, handler: Handler = handleRequest, host = DEFAULT_HOST): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => handler(config, req, res));
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    else socket.destroy();
    config.log(`REJECTED 400 unreadable HTTP request (${err.code ?? err.message})`);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : port });
    });
  });
}

export interface ServerParts {
  /** Opens the order store (default: SQLite at --db). */
  openStore?: (path: string) => OrderStore;
  /** Answers one request (default: handleRequest). */
  handler?: Handler;
}

/** The server program: parses its options, reopens the orders, serves until stopped. */
export async function runServer(argv: string[], parts: ServerParts = {}): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "8000" },
      ...hostOption,
      db: { type: "string", default: "salad-orders.db" },
      "time-scale": { type: "string" },
      "lease-units": { type: "string", default: "10" },
      "max-body": { type: "string", default: "16384" },
      tasks: { type: "string" },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got "${values.port}"`);
  const leaseUnits = Number(values["lease-units"]);
  if (!(leaseUnits > 0)) throw new Error(`--lease-units must be a positive number, got "${values["lease-units"]}"`);
  const maxBody = Number(values["max-body"]);
  if (!Number.isInteger(maxBody) || maxBody < 64) throw new Error(`--max-body must be an integer ≥ 64 bytes, got "${values["max-body"]}"`);
  const scale = timeScale(values["time-scale"]);
  let store: OrderStore;
  try {
    store = (parts.openStore ?? ((path) => new OrderStore(path)))(values.db!);
  } catch (err) {
    throw new Error(`cannot open the order database ${values.db}: ${(err as Error).message}`);
  }
  const log = (line: string) => console.log(line);
  log(`REQUEUED ${store.requeueInProgress()} tasks in progress at the last stop`);
  const config: ServerConfig = { store, leaseMs: Math.max(50, leaseUnits * scale * 1000), maxBody, log, taskService: values.tasks };
  const host = checkHost(values.host!);
  const { port: actual } = await startServer(config, port, parts.handler, host).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot listen on ${host}:${port}: ${err.code ?? err.message}${err.code === "EADDRINUSE" ? ". Another server is running there? Try --port 0" : ""}`);
  });
  log(`salad master on http://${reachableHost(host)}:${actual} (orders in ${values.db})`);
  const note = loopbackNote(host);
  if (note) log(note);
  log(`LISTENING ${actual}`);
  const stop = () => {
    store.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (isMainModule(import.meta.url)) {
  runServer(process.argv.slice(2)).catch((err: Error) => {
    console.error(`rest server: ${err.message.replace(/\s*\n\s*/g, " ")}`);
    process.exit(1);
  });
}
