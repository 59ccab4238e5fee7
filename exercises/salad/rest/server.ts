// Salad exercise S7 (seed 003, the salad over REST services): the master as an HTTP/JSON service (node:http)
// whose orders live in SQLite (store.ts). As in 003, clients leave their fruit lists at the shared task
// service (task-service.ts); with --tasks URL the master takes every waiting list from it whenever a worker
// asks for work, and each becomes an order (same id) that the client polls here. (POST /orders here is a
// shortcut without the task service.) Workers pull tasks and post results; the resources are in routes.ts.
// Bad requests get 4xx answers and never stop the server; a restarted server (same --db) keeps every
// accepted order and hands out again the tasks that were in progress.
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
import { isMainModule, timeScale } from "../fruits.ts";
import { handleRequest, type ServerConfig } from "./routes.ts";
import { OrderStore } from "./store.ts";

export { handleRequest, orderTasks, type ServerConfig } from "./routes.ts";

/** Starts the HTTP server; resolves with the port once it accepts connections. */
export type Handler = (config: ServerConfig, req: http.IncomingMessage, res: http.ServerResponse) => void;

export function startServer(
  config: ServerConfig,
  port: number,
  handler: Handler = handleRequest,
  host = DEFAULT_HOST,
): Promise<{ server: http.Server; port: number }> {
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
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got "${values.port}"`);
  const leaseUnits = Number(values["lease-units"]);
  if (!(leaseUnits > 0)) throw new Error(`--lease-units must be a positive number, got "${values["lease-units"]}"`);
  const maxBody = Number(values["max-body"]);
  if (!Number.isInteger(maxBody) || maxBody < 64)
    throw new Error(`--max-body must be an integer ≥ 64 bytes, got "${values["max-body"]}"`);
  const scale = timeScale(values["time-scale"]);
  let store: OrderStore;
  try {
    store = (parts.openStore ?? ((path) => new OrderStore(path)))(values.db!);
  } catch (err) {
    throw new Error(`cannot open the order database ${values.db}: ${(err as Error).message}`, { cause: err });
  }
  const log = (line: string) => console.log(line);
  log(`REQUEUED ${store.requeueInProgress()} tasks in progress at the last stop`);
  const config: ServerConfig = {
    store,
    leaseMs: Math.max(50, leaseUnits * scale * 1000),
    maxBody,
    log,
    taskService: values.tasks,
  };
  const host = checkHost(values.host!);
  const { port: actual } = await startServer(config, port, parts.handler, host).catch((err: NodeJS.ErrnoException) => {
    throw new Error(
      `cannot listen on ${host}:${port}: ${err.code ?? err.message}${err.code === "EADDRINUSE" ? ". Another server is running there? Try --port 0" : ""}`,
    );
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
