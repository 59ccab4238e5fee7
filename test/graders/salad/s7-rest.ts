// Grader S7 (salad, seed 003 "services web REST"): the salad over HTTP/JSON with orders in SQLite, and 003's
// architecture: the client leaves its fruit list at the shared task service, the master takes it from
// there (--tasks URL) and hands tasks to pulling workers, the client polls the master. Sends bad requests
// (malformed JSON → 400, unknown order → 404, oversized body → 413; the server must keep running), runs an
// order through the task service with 3 workers and the polling client, then kills the master (SIGKILL)
// in the middle of a second order and restarts it on the same database: the order must complete, every
// fruit once. --program takes the exercise's folder (or a file in it) holding server.ts, task-service.ts,
// worker.ts and client.ts.
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { fail, type Grader } from "../lib/grader.ts";
import { freePort } from "../lib/run.ts";
import { checkEveryFruitOnce, exerciseFiles, parsePrepared, saladOracle } from "./lib/oracle.ts";
import { withProcesses, type Live, type Processes } from "./lib/proc.ts";

const SCALE = "0.05";
const WORKERS = 3;

interface Answer {
  status: number;
  body: string;
}

/** One HTTP request to the server under test; fails (with the server's state) when no answer comes back. */
function request(
  port: number,
  method: string,
  route: string,
  server: Live,
  body?: string | Buffer,
  what = `${method} ${route}`,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answer: Answer | undefined;
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path: route,
        headers:
          body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        timeout: 20_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d: string) => (text += d));
        res.on("end", () => resolve((answer = { status: res.statusCode ?? 0, body: text })));
        res.on("error", () => resolve((answer = { status: res.statusCode ?? 0, body: text })));
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 20 s")));
    req.on("error", async (err: NodeJS.ErrnoException) => {
      if (answer) return;
      await Promise.race([server.exit, new Promise((r) => setTimeout(r, 200))]); // let a crash be seen
      try {
        fail(
          `${what} got no answer (${err.code ?? err.message}; ${server.describe()})`,
          "an HTTP answer",
          "The server must answer every request and never crash",
        );
      } catch (failure) {
        reject(failure);
      }
    });
    req.end(body);
  });
}

function expectStatus(answer: Answer, status: number, what: string, hint: string): string {
  if (answer.status !== status)
    fail(`${what} answered ${answer.status} ${answer.body.slice(0, 200)}`, `${status}`, hint);
  return `${status} ${answer.body.slice(0, 100)}`;
}

function startServer(procs: Processes, file: string, port: number, db: string, name: string, tasks: string): Live {
  return procs.start(name, file, ["--port", String(port), "--db", db, "--time-scale", SCALE, "--tasks", tasks]);
}

export const s7: Grader = {
  id: "S7",
  title:
    "salad over REST + SQLite: a shared task service, 4xx for bad requests, orders complete, a killed master loses no order",
  reference: [
    "exercises/salad/rest/server.ts",
    "exercises/salad/rest/task-service.ts",
    "exercises/salad/rest/worker.ts",
    "exercises/salad/rest/client.ts",
  ],
  async run(checker, options) {
    const files = exerciseFiles(options.program, "exercises/salad/rest", [
      "server.ts",
      "task-service.ts",
      "worker.ts",
      "client.ts",
    ]);
    const oracle = await saladOracle();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-salad-s7-"));
    const db = path.join(dir, "orders.db");
    try {
      await withProcesses(async (procs) => {
        const port = await freePort();
        const tasksPort = await freePort();
        const tasks = `http://127.0.0.1:${tasksPort}`;
        const service = procs.start("the task service", files["task-service.ts"], [
          "--port",
          String(tasksPort),
          "--db",
          path.join(dir, "tasks.db"),
        ]);
        let server = startServer(procs, files["server.ts"], port, db, "the server", tasks);
        let ok = await checker.check("the task service and the master start and listen", async () => {
          await service.waitForLine(/^LISTENING \d+/, "`LISTENING <port>` from the task service");
          await server.waitForLine(/^LISTENING \d+/, "`LISTENING <port>`");
          return `task service ${tasks}, master http://127.0.0.1:${port}`;
        });
        if (!ok) return;

        await checker.check("malformed JSON gets 400 and the server keeps running", async () => {
          const hint = "Parse bodies inside a try and answer 400 with the reason";
          const details = [
            expectStatus(
              await request(
                port,
                "POST",
                "/orders",
                server,
                '{"fruits": ["pêche",',
                "POST /orders with malformed JSON",
              ),
              400,
              "POST /orders with malformed JSON",
              hint,
            ),
            expectStatus(
              await request(port, "POST", "/tasks/next", server, "not json", "POST /tasks/next with malformed JSON"),
              400,
              "POST /tasks/next with malformed JSON",
              hint,
            ),
            expectStatus(
              await request(port, "POST", "/tasks/result", server, "{", "POST /tasks/result with malformed JSON"),
              400,
              "POST /tasks/result with malformed JSON",
              hint,
            ),
          ];
          return details[0];
        });
        if (server.exitInfo) return; // every later check would only repeat that the server is gone
        await checker.check("an unknown order id gets 404", async () =>
          expectStatus(
            await request(port, "GET", "/orders/no-such-order-4242", server),
            404,
            "GET /orders/no-such-order-4242",
            "Look the order up in the database; answer 404 when it is not there",
          ),
        );
        await checker.check("an oversized body gets 413 and the server keeps running", async () => {
          const big = JSON.stringify({ fruits: Array.from({ length: 100_000 }, () => "pastèque") });
          const detail = expectStatus(
            await request(port, "POST", "/orders", server, big),
            413,
            `POST /orders with a ${(big.length / 1024).toFixed(0)} KiB body`,
            "Count the bytes as they arrive and stop at a limit",
          );
          expectStatus(
            await request(port, "GET", "/orders/still-alive", server),
            404,
            "GET /orders/still-alive after the bad requests",
            "The server must survive bad requests",
          );
          if (server.exitInfo) fail(server.describe(), "the server still running");
          return detail;
        });

        if (server.exitInfo) return;
        const url = `http://127.0.0.1:${port}`;
        for (let k = 1; k <= WORKERS; k++)
          procs.start(`worker ${k}`, files["worker.ts"], [
            "--server",
            url,
            "--name",
            `worker-${k}`,
            "--time-scale",
            SCALE,
          ]);
        ok = await checker.check(`an order completes with ${WORKERS} workers, every fruit once (as S0)`, async () => {
          const client = procs.start("the client", files["client.ts"], [
            "--server",
            url,
            "--tasks",
            tasks,
            "--time-scale",
            SCALE,
          ]);
          const exit = await client.finished(60_000);
          if (exit.code !== 0) fail(client.describe(), "the client to print the ready order and exit 0");
          const id = /^ORDER (\S+)/m.exec(client.stdout)?.[1] ?? "?";
          if (!service.lines(/^QUEUED /).some((l) => l.split(" ")[1] === id))
            fail(
              `the task service printed no \`QUEUED ${id} …\` line`,
              "the client's fruit list left at the task service",
              "The client posts its list to the task service (POST /tasks), not to the master",
            );
          if (!server.lines(/^ORDER /).some((l) => l.split(" ")[1] === id && /from the task service/.test(l)))
            fail(
              `the master printed no \`ORDER ${id} … (from the task service)\` line`,
              "the master taking the list from the task service",
              "The master takes the waiting lists (GET /tasks on the task service) when a worker asks for work",
            );
          return `through the task service; ${checkEveryFruitOnce(parsePrepared(client.lines()), oracle)}`;
        });
        if (!ok || server.exitInfo) return;

        await checker.check(
          "killed and restarted mid-order, the server completes the order: no fruit lost or duplicated",
          async () => {
            const client = procs.start("the second client", files["client.ts"], [
              "--server",
              url,
              "--tasks",
              tasks,
              "--time-scale",
              SCALE,
            ]);
            const [, id] = await client.waitForLine(/^ORDER (\S+)/, "`ORDER <id>`");
            const results = new RegExp(`^RESULT ${id.replace(/[^\w-]/g, "\\$&")} (\\d+)`);
            await server.waitForLines(results, 3, `RESULT ${id}`);
            const given = new Set(server.lines(new RegExp(`^GIVEN ${id} `)).map((l) => l.split(" ")[2]));
            const resultsBefore = server.lines(results);
            const inProgress = [...given].filter((t) => !resultsBefore.some((l) => l.split(" ")[2] === t)).length;
            server.kill("SIGKILL");
            await server.exit;
            const first = server;
            server = startServer(procs, files["server.ts"], port, db, "the restarted server", tasks);
            await server.waitForLine(/^LISTENING \d+/, "`LISTENING <port>` after the restart");
            const exit = await client.finished(60_000);
            if (exit.code !== 0)
              fail(
                client.describe(),
                "the order completed after the restart",
                "Keep accepted orders in the database and hand out again the tasks that were in progress",
              );
            const detail = checkEveryFruitOnce(parsePrepared(client.lines()), oracle);
            const accepted = [...first.lines(results), ...server.lines(results)].map((l) => l.split(" ")[2]);
            const twice = accepted.find((t, k) => accepted.indexOf(t) !== k);
            if (twice !== undefined)
              fail(
                `task ${twice} of order ${id} accepted twice (RESULT lines before and after the restart)`,
                "each result accepted once",
                "A task handed out again may come back twice: count the first result only",
              );
            const order = await request(port, "GET", `/orders/${id}`, server);
            const parsed = JSON.parse(order.body) as { status?: string; tasks?: Array<{ state?: string }> };
            if (parsed.status !== "ready" || parsed.tasks?.some((t) => t.state !== "done"))
              fail(`GET /orders/${id}: ${order.body.slice(0, 200)}`, "status ready, every task done");
            return `killed with ${inProgress} task(s) in progress after ${resultsBefore.length} results; ${detail}`;
          },
        );
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
