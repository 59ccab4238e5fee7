// Salad exercise S7, the shared task service of seed 003 ("Shared"): the place where clients leave the
// fruit lists they want prepared and where the master takes them, so that the master never talks to a
// client to get work. Lists are kept in SQLite (--db) until the master takes them: an accepted list
// survives a stop of the service. The master (server.ts --tasks URL) takes every waiting list at once.
//
//   npx tsx exercises/salad/rest/task-service.ts [--port 8001] [--host ADDR] [--db salad-tasks.db]
//
// API (JSON; errors are {"error": "..."}):
//   POST /tasks   {"fruits"?: ["pêche", …]} (default: the handout's salad) → 201 {id, fruits: n}
//   GET  /tasks   → 200 [{id, fruits: ["pêche", …]}, …] and forgets them | 202 [] when none is waiting
// Output: `TASK SERVICE <url>`, `LISTENING <port>`, `QUEUED <id> <n> fruits`, `TAKEN <n> lists`.
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import { parseArgs } from "node:util";
import { isMainModule } from "../fruits.ts";
import { checkHost, hostOption, loopbackNote, reachableHost } from "../listen-host.ts";
import { asObject, HttpError, readJson, sendError, sendJson } from "./http-json.ts";
import { orderTasks } from "./routes.ts";

export interface TaskList {
  id: string;
  fruits: string[];
}

/** The waiting lists, in SQLite; `takeAll` hands them out and forgets them in one transaction. */
export class TaskLists {
  private readonly db: Database.Database;
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS lists (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, fruits TEXT NOT NULL)",
    );
  }
  add(fruits: string[]): string {
    const id = randomUUID();
    this.db.prepare("INSERT INTO lists (id, fruits) VALUES (?, ?)").run(id, JSON.stringify(fruits));
    return id;
  }
  takeAll(): TaskList[] {
    // SOLUTION BEGIN: hand out every waiting list in the order they came, and forget them, in one transaction
    return this.db.transaction(() => {
      const rows = this.db.prepare("SELECT id, fruits FROM lists ORDER BY seq").all() as Array<{
        id: string;
        fruits: string;
      }>;
      this.db.prepare("DELETE FROM lists").run();
      return rows.map((r) => ({ id: r.id, fruits: JSON.parse(r.fruits) as string[] }));
    })();
    // STARTER: return [];
    // SOLUTION END
  }
  close(): void {
    this.db.close();
  }
}

function handle(
  lists: TaskLists,
  maxBody: number,
  log: (line: string) => void,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  const run = async () => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/tasks" && path !== "/tasks/") throw new HttpError(404, `no such resource ${path}`);
    if (req.method === "POST") {
      const fruits = orderTasks(asObject(await readJson(req, maxBody), "a fruit list")).map((t) => t.fruit);
      const id = lists.add(fruits);
      log(`QUEUED ${id} ${fruits.length} fruits`);
      return sendJson(res, 201, { id, fruits: fruits.length });
    }
    if (req.method === "GET") {
      const taken = lists.takeAll();
      if (taken.length) log(`TAKEN ${taken.length} lists`);
      return sendJson(res, taken.length ? 200 : 202, taken);
    }
    res.setHeader("allow", "GET, POST");
    throw new HttpError(405, `${req.method} is not allowed on /tasks (allowed: GET, POST)`);
  };
  run().catch((err) => sendError(res, err, log));
}

/** The program: options, the lists' database, and the HTTP service until stopped. */
export async function runTaskService(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: "string", default: "8001" },
      ...hostOption,
      db: { type: "string", default: "salad-tasks.db" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got "${values.port}"`);
  const host = checkHost(values.host!);
  const lists = new TaskLists(values.db!);
  const log = (line: string) => console.log(line);
  const server = http.createServer((req, res) => handle(lists, 16384, log, req, res));
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, host, () => resolve())).catch(
    (err: NodeJS.ErrnoException) => {
      throw new Error(`cannot listen on ${host}:${port}: ${err.code ?? err.message}`);
    },
  );
  const actual = (server.address() as { port: number }).port;
  log(`TASK SERVICE http://${reachableHost(host)}:${actual} (lists in ${values.db})`);
  const note = loopbackNote(host);
  if (note) log(note);
  log(`LISTENING ${actual}`);
  const stop = () => (lists.close(), process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (isMainModule(import.meta.url)) {
  runTaskService(process.argv.slice(2)).catch((err: Error) => {
    console.error(`task service: ${err.message.replace(/\s*\n\s*/g, " ")}`);
    process.exit(1);
  });
}
