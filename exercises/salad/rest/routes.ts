// Salad exercise S7, the REST master's resources (server.ts serves them): orders, tasks handed to workers
// and their results, over the order book (store.ts). When a worker asks for work, the master first takes
// every fruit list waiting at the shared task service (task-service.ts, --tasks URL), each becoming an
// order with the list's id. Bad requests are HttpErrors (http-json.ts): 400, 404, 405, 409, 413.
import * as http from "node:http";
import { FRUIT_UNITS, saladTasks, type Task } from "../fruits.ts";
import { asObject, HttpError, readJson, sendError, sendJson } from "./http-json.ts";
import { requestJson } from "./http-client.ts";
import type { OrderStore } from "./store.ts";

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
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new HttpError(400, `"${field}" must not contain control characters (newlines, tabs, …)`);
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
    if (typeof fruit !== "string" || !Object.hasOwn(FRUIT_UNITS, fruit)) {
      // not "constructor", "toString", …
      throw new HttpError(400, `unknown fruit ${JSON.stringify(fruit)}; known: ${Object.keys(FRUIT_UNITS).join(", ")}`);
    }
    return { id, fruit, units: FRUIT_UNITS[fruit] };
  });
}

type Route = (
  config: ServerConfig,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  param: string,
) => Promise<void>;

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
    return sendJson(res, 409, {
      error: `task ${body.task} of order ${order} was already prepared by ${outcome.preparedBy}`,
    });
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
      throw new HttpError(
        405,
        `${req.method} is not allowed on ${path} (allowed: ${Object.keys(route.methods).join(", ")})`,
      );
    }
    let param: string;
    try {
      param = decodeURIComponent(route.pattern.exec(path)?.[1] ?? "");
    } catch {
      throw new HttpError(404, `no such resource ${path}`);
    }
    await handler(config, req, res, param);
  };
  run().catch((err) => sendError(res, err, config.log));
}
