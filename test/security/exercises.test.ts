// Finding 7: the course's servers against another user on the same machine. fingerd listens on 127.0.0.1
// by default and runs a bounded number of finger processes (a flood of queries is told to retry); the S7
// REST server answers 400 to an inherited name as a fruit and to a worker name carrying a newline (which
// would forge the log lines its grader reads); a WebSocket server closes a 2 MiB message (1009).
import { afterAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { freePort, projectRoot } from "../harness/run.ts";
import { ready } from "../harness/requires.ts";
import { serveRpc } from "../../exercises/salad/rpc/rpc.ts";
import { ATTACKER, Output, VICTIM, finished, runAs, spawnAs, twoUsers, uidOf } from "./users.ts";

const attackerScript = path.join(projectRoot, "test/security/programs/attacker.mjs");
const tsx = path.join(projectRoot, "node_modules/.bin/tsx");

/** A directory of the victim's own (0700). */
function victimDir(): string {
  const dir = fs.mkdtempSync("/tmp/tsmpi-victim-");
  fs.chownSync(dir, uidOf(VICTIM), uidOf(VICTIM));
  return dir;
}

describe.skipIf(!ready(twoUsers))("exercise servers against another user", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("fingerd listens on 127.0.0.1 by default and runs at most --max-children finger processes", async () => {
    const dir = victimDir();
    dirs.push(dir);
    const fifo = path.join(dir, "hold");
    execFileSync("mkfifo", ["-m", "600", fifo]);
    fs.chownSync(fifo, uidOf(VICTIM), uidOf(VICTIM));
    fs.writeFileSync(path.join(dir, "finger"), `#!/bin/sh\nread line < ${fifo}\necho "Login: $2"\n`, { mode: 0o755 });
    const port = await freePort();
    const server = spawnAs(
      VICTIM,
      tsx,
      [
        "exercises/sockets/fingerd.ts",
        "--port",
        String(port),
        "--max-children",
        "4",
        "--pid-file",
        path.join(dir, "pid"),
        "--log-file",
        path.join(dir, "log"),
      ],
      { cwd: projectRoot, env: { PATH: `${dir}:/usr/bin:/bin` } },
    );
    const out = new Output(server.stdout);
    const done = finished(server);
    await out.wait(/listening on TCP (\S+):(\d+)/);
    const listening = execFileSync("ss", ["-ltnH"], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.includes(`:${port} `));
    expect(listening.map((l) => l.trim().split(/\s+/)[3])).toEqual([`127.0.0.1:${port}`]);

    const flood = spawnAs(ATTACKER, process.execPath, [attackerScript, "finger", "127.0.0.1", String(port), "10"]);
    const answers = new Output(flood.stdout);
    for (let busy = 0; busy < 6; busy++)
      await answers.wait(new RegExp(`(ANSWER \\d+ fingerd: busy.*\\n[^]*){${busy + 1}}`));
    expect(answers.text.match(/fingerd: busy \(4 queries in progress\), try again later/g)).toHaveLength(6);
    fs.writeFileSync(fifo, "go\n".repeat(4)); // the four held finger processes answer and end
    await answers.wait(/(ANSWER \d+ Login: user\d+\n[^]*){4}/);
    flood.kill();
    server.kill("SIGTERM");
    await done;
  });

  it("the S7 server refuses an inherited name as a fruit and a worker name with a newline (400, no forged line)", async () => {
    const dir = victimDir();
    dirs.push(dir);
    const server = spawnAs(
      VICTIM,
      tsx,
      ["exercises/salad/rest/server.ts", "--port", "0", "--db", path.join(dir, "orders.db")],
      { cwd: projectRoot },
    );
    const out = new Output(server.stdout);
    const done = finished(server);
    const port = (await out.wait(/LISTENING (\d+)/))[1];
    const post = (route: string, body: unknown) =>
      runAs(ATTACKER, process.execPath, [
        attackerScript,
        "http",
        `http://127.0.0.1:${port}${route}`,
        JSON.stringify(body),
      ]);
    for (const fruit of ["constructor", "__proto__", "toString"]) {
      const r = await post("/orders", { fruits: [fruit] });
      expect(r.stdout).toMatch(new RegExp(`STATUS 400 .*unknown fruit`));
    }
    const forged = await post("/tasks/next", { worker: "w1\nTOTAL 999 forged" });
    expect(forged.stdout).toMatch(/STATUS 400 .*must not contain control characters/);
    expect((await post("/orders", { fruits: ["pomme"] })).stdout).toMatch(/STATUS 201/);
    server.kill("SIGTERM");
    const r = await done;
    expect(r.stdout).not.toMatch(/^TOTAL 999/m);
    expect(r.stderr).not.toMatch(/TypeError|at .*server\.ts/);
  });

  it("a WebSocket server closes a 2 MiB message from another user (1009, message too big)", async () => {
    const server = await serveRpc({ ping: () => "pong" }, { port: 0 });
    try {
      const r = await runAs(ATTACKER, process.execPath, [
        attackerScript,
        "ws",
        `ws://127.0.0.1:${server.port}`,
        String(2 * 1024 * 1024),
      ]);
      expect(r.stdout).toMatch(/CLOSED 1009/);
    } finally {
      await server.close();
    }
  });
});
