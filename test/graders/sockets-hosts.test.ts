// Several machines, as the course runs: exercises 6, 7 and 8 started with `--spawn N --hostfile F` over
// real OpenSSH test hosts (test/hosts/testhosts.sh) through the launcher library, as exercise 5 is; and the
// salad RPC master (S2) on one host with `--host 0.0.0.0`, its workers on the two others (with the default
// loopback address, a worker on another host cannot reach it); and S7's task service and REST master on one
// host, its workers on the two others and a client on this machine. No process is left on any host.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOnHosts } from "../../launcher/index.ts";
import { upTestHosts, isRunning, type TestHosts } from "../launcher/testhosts.ts";
import { commandRequirement, ready, rootRequirement } from "../harness/requires.ts";
import { projectRoot, runCommand } from "./lib/run.ts";

const GUARD_MS = 180_000;
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
let hosts: TestHosts;

/** Processes started in a session on the test hosts (their sshd sets TESTHOSTS_DIR). */
function sessionProcesses(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        return fs.readFileSync(`/proc/${e}/environ`, "latin1").split("\0").includes(`TESTHOSTS_DIR=${hosts.dir}`) &&
          isRunning(Number(e))
          ? [Number(e)]
          : [];
      } catch {
        return [];
      }
    });
}

const sshArgs = () => [
  "--hostfile",
  hosts.hostfile,
  "--ssh-key",
  path.join(hosts.dir, "userkey"),
  "--known-hosts",
  path.join(hosts.dir, "known_hosts"),
];
const exercise = (file: string, args: string[]) =>
  runCommand(
    process.execPath,
    ["--import", tsx, path.join(projectRoot, "exercises/sockets", file), ...args, ...sshArgs()],
    { timeoutMs: 120_000, env: { SSH_AUTH_SOCK: "" } },
  );
/** The shell command that runs a salad program on a test host (the hosts share this machine's checkout). */
const saladCommand = (folder: string, file: string, args: string[]) =>
  [process.execPath, "--import", tsx, path.join(projectRoot, "exercises/salad", folder, file), ...args]
    .map((w) => `'${w}'`)
    .join(" ");

/** The port a program announced as `<who> LISTENING <port>` among `lines` (waits up to 60 s for the line). */
async function announcedPort(lines: string[], who: string): Promise<string> {
  for (let i = 0; i < 600 && !lines.some((l) => l.startsWith(`${who} LISTENING`)); i++)
    await new Promise((r) => setTimeout(r, 100));
  return lines.find((l) => l.startsWith(`${who} LISTENING`))!.split(" ")[2];
}

const spawnedHosts = (out: string) => [...out.matchAll(/^SPAWNED (.+) on (\S+)$/gm)].map((m) => m[2]);

describe.skipIf(!ready(rootRequirement, commandRequirement("/usr/sbin/sshd", "apt-get install -y openssh-server")))(
  "the course over several machines (SSH test hosts)",
  () => {
    beforeAll(async () => {
      hosts = await upTestHosts(3);
    }, 200_000);
    afterAll(async () => {
      await hosts?.down();
    }, 60_000);

    it(
      "exercise 6: a ring of 5 over 3 hosts elects the highest id and counts 5",
      async () => {
        const r = await exercise("election.ts", ["--spawn", "5", "--ids", "3,9,5,7,2", "--initiators", "3,5"]);
        expect(r.code, r.stderr + r.stdout).toBe(0);
        expect(spawnedHosts(r.stdout)).toEqual(["th1", "th2", "th3", "th1", "th2"]);
        expect(r.stdout.match(/^\[id \d+\] LEADER 9\b/gm)).toHaveLength(5);
        expect(r.stdout).toMatch(/^\[id 9\] COUNT 5/m);
        expect(sessionProcesses()).toEqual([]);
      },
      GUARD_MS,
    );

    it(
      "exercise 8: the launcher starts the counter processes on 3 hosts; blocking checkpoints leave no message in a channel",
      async () => {
        const r = await exercise("checkpoint.ts", [
          "--np",
          "3",
          "--waves",
          "2",
          "--every-ms",
          "300",
          "--tick-ms",
          "10",
          "--delay-ms",
          "10",
        ]);
        expect(r.code, r.stderr + r.stdout).toBe(0);
        expect(spawnedHosts(r.stdout)).toEqual(["th1", "th2", "th3"]);
        const records = [...r.stdout.matchAll(/CHECKPOINT (\{.*\})/g)].map(
          (m) => JSON.parse(m[1]) as { wave: number; process: number; sent: number[]; received: number[] },
        );
        expect(records).toHaveLength(6);
        for (const a of records)
          for (const b of records)
            if (a.wave === b.wave && a !== b) expect(a.sent[b.process]).toBe(b.received[a.process]);
        expect(r.stdout).toMatch(/ALL CONNECTED: 3 processes[\s\S]*WAVE 2 DONE/);
        expect(sessionProcesses()).toEqual([]);
      },
      GUARD_MS,
    );

    it(
      "exercise 8-ext: processes on 3 hosts take snapshots whose totals are conserved",
      async () => {
        const r = await exercise("snapshot.ts", [
          "--spawn",
          "3",
          "--snapshots",
          "2",
          "--every-ms",
          "400",
          "--tick-ms",
          "20",
        ]);
        expect(r.code, r.stderr + r.stdout).toBe(0);
        expect(spawnedHosts(r.stdout)).toEqual(["th1", "th2", "th3"]);
        const globals = [...r.stdout.matchAll(/GLOBAL (\{.*\})/g)].map(
          (m) => JSON.parse(m[1]) as { total: number; expected: number },
        );
        expect(globals.length).toBe(2);
        for (const g of globals) expect(g.total).toBe(g.expected);
        expect(sessionProcesses()).toEqual([]);
      },
      GUARD_MS,
    );

    it(
      "exercise 7: two detectors and 4 watched processes on 3 hosts see each other; Ctrl-C stops them all",
      async () => {
        const child = spawn(
          process.execPath,
          [
            "--import",
            tsx,
            path.join(projectRoot, "exercises/sockets/failure-detector.ts"),
            "--spawn",
            "4",
            "--period-ms",
            "200",
            ...sshArgs(),
          ],
          {
            cwd: projectRoot,
            env: { ...process.env, SSH_AUTH_SOCK: "" },
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        let out = "";
        const known = new Promise<void>((resolve) =>
          child.stdout.setEncoding("utf8").on("data", (d: string) => {
            out += d;
            if ((out.match(/^\[d[12]\] KNOWN p\d/gm) ?? []).length >= 4) resolve();
          }),
        );
        const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
        await known;
        child.kill("SIGINT");
        const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
        clearTimeout(guard);
        expect(code).toBe(130);
        expect(spawnedHosts(out)).toEqual(["th1", "th2", "th3", "th1", "th2", "th3"]);
        expect(out.match(/^\[d[12]\] WATCHING p\d/gm)).toHaveLength(4);
        expect(sessionProcesses()).toEqual([]);
      },
      GUARD_MS,
    );

    it(
      "S2: the RPC master on th1 (--host 0.0.0.0) serves workers on th2 and th3; on loopback it refuses them",
      async () => {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "salad-home-"));
        const options = hosts.connectOptions(home);
        const node = (file: string, args: string[]) => saladCommand("rpc", file, args);
        const lines: string[] = [];
        const onLine = ({ index, text }: { index: number; text: string }) => lines.push(`${index} ${text}`);
        const port = (masterIndex: number) => announcedPort(lines, String(masterIndex));
        try {
          // a salad of about 7 s (time scale 0.2), so that the second worker's SSH start, slow on a loaded
          // machine, cannot find the salad already made by the first
          const open = await startOnHosts(
            [hosts.targets()[0]],
            () => node("master.ts", ["--host", "0.0.0.0", "--port", "0", "--time-scale", "0.2"]),
            { ...options, onLine },
          );
          const url = `ws://${hosts.hosts[0].address}:${await port(0)}`;
          const workers = await startOnHosts(
            hosts.targets().slice(1),
            (h) => node("worker.ts", ["--master", url, "--name", `w-${h.host}`, "--time-scale", "0.2"]),
            { ...options, onLine: (l) => lines.push(`w ${l.text}`) },
          );
          const [masterExit] = await open.exited;
          const workerExits = await workers.exited;
          await Promise.all([open.close(), workers.close()]);
          expect(masterExit.code, lines.join("\n")).toBe(0);
          expect(
            workerExits.map((e) => e.code),
            lines.join("\n"),
          ).toEqual([0, 0]);
          const by = new Set(lines.flatMap((l) => /^0 PREPARED .* by (\S+)/.exec(l)?.[1] ?? []));
          expect([...by].sort()).toEqual(["w-th2", "w-th3"]);
          expect(lines.join("\n")).toMatch(/^0 TOTAL/m);

          lines.length = 0;
          const closed = await startOnHosts(
            [hosts.targets()[0]],
            () => node("master.ts", ["--port", "0", "--time-scale", "0.02"]),
            { ...options, onLine },
          );
          const loopbackPort = await port(0);
          expect(lines.join("\n")).toMatch(
            /only this machine can connect; --host 0\.0\.0\.0 lets workers on other machines in/,
          );
          const refused = await startOnHosts(
            [hosts.targets()[1]],
            () =>
              node("worker.ts", ["--master", `ws://${hosts.hosts[0].address}:${loopbackPort}`, "--time-scale", "0.02"]),
            { ...options, onLine: (l) => lines.push(`w ${l.text}`) },
          );
          const [refusedExit] = await refused.exited;
          await refused.close();
          await closed.stopAll();
          expect(refusedExit.code, lines.join("\n")).not.toBe(0);
        } finally {
          fs.rmSync(home, { recursive: true, force: true });
        }
        expect(sessionProcesses()).toEqual([]);
      },
      GUARD_MS,
    );

    it(
      "S7: the task service and the REST master on th1 (--host 0.0.0.0), workers on th2 and th3, a client here",
      async () => {
        const home = fs.mkdtempSync(path.join(os.tmpdir(), "salad-rest-home-"));
        const options = hosts.connectOptions(home);
        const node = (file: string, args: string[]) => saladCommand("rest", file, args);
        const lines: string[] = [];
        const listening = (who: string) => announcedPort(lines, who);
        const scale = ["--time-scale", "0.05"];
        const th1 = hosts.hosts[0].address;
        const started: { close(): Promise<void>; stopAll(): Promise<void> }[] = [];
        try {
          const service = await startOnHosts(
            [hosts.targets()[0]],
            () => node("task-service.ts", ["--host", "0.0.0.0", "--port", "0", "--db", path.join(home, "tasks.db")]),
            { ...options, onLine: (l) => lines.push(`tasks ${l.text}`) },
          );
          started.push(service);
          const tasks = `http://${th1}:${await listening("tasks")}`;
          const master = await startOnHosts(
            [hosts.targets()[0]],
            () =>
              node("server.ts", [
                "--host",
                "0.0.0.0",
                "--port",
                "0",
                "--db",
                path.join(home, "orders.db"),
                "--tasks",
                tasks,
                ...scale,
              ]),
            { ...options, onLine: (l) => lines.push(`master ${l.text}`) },
          );
          started.push(master);
          const server = `http://${th1}:${await listening("master")}`;
          const workers = await startOnHosts(
            hosts.targets().slice(1),
            (h) => node("worker.ts", ["--server", server, "--name", `w-${h.host}`, ...scale]),
            { ...options, onLine: (l) => lines.push(`worker ${l.text}`) },
          );
          started.push(workers);
          const client = await runCommand(
            process.execPath,
            [
              "--import",
              tsx,
              path.join(projectRoot, "exercises/salad/rest/client.ts"),
              "--tasks",
              tasks,
              "--server",
              server,
              ...scale,
            ],
            { timeoutMs: 120_000 },
          );
          expect(client.code, client.stderr + lines.join("\n")).toBe(0);
          expect(client.stdout).toMatch(/^TOTAL/m);
          const by = new Set([...client.stdout.matchAll(/^PREPARED .* by (\S+)$/gm)].map((m) => m[1]));
          expect(
            [...by].every((w) => w === "w-th2" || w === "w-th3"),
            client.stdout,
          ).toBe(true);
          expect(lines.join("\n")).toMatch(/^tasks QUEUED /m);
        } finally {
          for (const job of started.reverse()) await job.stopAll();
          fs.rmSync(home, { recursive: true, force: true });
        }
        expect(sessionProcesses()).toEqual([]);
      },
      GUARD_MS,
    );
  },
);
