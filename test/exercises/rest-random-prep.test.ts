// S7 as seed 003 runs it: workers whose preparations take a random 4 to 20 time units (--prep random,
// seeded), scaled by the time factor, against the REST master in real processes; the order completes with
// every fruit once, and each worker's times are its seed's draws.
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../harness/run.ts";
import { mulberry32 } from "../../exercises/common/args.ts";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

function start(
  file: string,
  args: string[],
): { child: ChildProcess; out: () => string; waitFor: (re: RegExp) => Promise<RegExpExecArray> } {
  const child = spawn(
    process.execPath,
    ["--import", tsx, path.join(projectRoot, "exercises/salad/rest", file), ...args],
    { cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  let text = "";
  const waiters: Array<() => void> = [];
  child.stdout!.setEncoding("utf8").on("data", (d: string) => ((text += d), waiters.splice(0).forEach((w) => w())));
  const waitFor = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve) => {
      const check = () => {
        const m = re.exec(text);
        if (m) resolve(m);
        else waiters.push(check);
      };
      check();
    });
  return { child, out: () => text, waitFor };
}

describe("S7 with random preparation times", () => {
  it("completes the order with workers taking 4-20 units drawn from their seeds", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rest-random-"));
    const all: ChildProcess[] = [];
    const guard = setTimeout(() => all.forEach((c) => c.kill("SIGKILL")), 120_000);
    try {
      const server = start("server.ts", [
        "--port",
        "0",
        "--db",
        path.join(dir, "orders.db"),
        "--time-scale",
        "0.01",
        "--lease-units",
        "30",
      ]);
      all.push(server.child);
      const port = (await server.waitFor(/^LISTENING (\d+)/m))[1];
      const url = `http://127.0.0.1:${port}`;
      const workers = [5, 6].map((seed) =>
        start("worker.ts", [
          "--server",
          url,
          "--name",
          `w${seed}`,
          "--time-scale",
          "0.01",
          "--prep",
          "random",
          "--seed",
          String(seed),
        ]),
      );
      all.push(...workers.map((w) => w.child));
      const client = start("client.ts", ["--server", url, "--time-scale", "0.01"]);
      all.push(client.child);
      await new Promise((resolve) => client.child.on("exit", resolve));
      expect(client.child.exitCode, client.out()).toBe(0);
      const prepared = [...client.out().matchAll(/^PREPARED (\d+) /gm)].map((m) => Number(m[1])).sort((a, b) => a - b);
      expect(prepared).toEqual(Array.from({ length: 11 }, (_, i) => i));
      workers.forEach((w, k) => {
        const units = [...w.out().matchAll(/PREP \d+ ([\d.]+)/g)].map((m) => Number(m[1]));
        const draw = mulberry32([5, 6][k]);
        expect(units, w.out()).toEqual(units.map(() => Number((4 + 16 * draw()).toFixed(2))));
        for (const u of units) expect(u >= 4 && u <= 20).toBe(true);
      });
    } finally {
      clearTimeout(guard);
      all.forEach((c) => c.exitCode === null && c.kill("SIGKILL"));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
