// Test helpers for multi-machine runs (issue 7): bring up N real OpenSSH hosts with test/hosts/testhosts.sh
// and look at what runs on them. The hosts share this machine, so /proc shows every remote process.
//
//   const hosts = await upTestHosts(3)      in beforeAll (hook timeout ≥ 180 s: up waits for another owner)
//   hosts.dir / .hostfile / .mode ("netns" | "loopback") / .ownHostnames / .hosts[i] {name, address, port, …}
//   hosts.targets()                         [{host: "th1", port?}] for connectHost / startOnHosts
//   hosts.connectOptions(home)              known_hosts + user key of the test hosts, no ~/.ssh, no agent
//   sshHome(hosts)                          a fresh HOME whose ~/.ssh trusts the hosts (for tsrun --hostfile)
//   hosts.knownHostsName(i), hosts.label(i) "th1" or "[th1]:2222"; "th1" or "th1:2222"
//   await hosts.down()                      in afterAll (idempotent)
//   jobProcesses(jobId)                     live processes of a job started by launcher/ssh/hosts.ts
//   childrenOf(pid), isRunning(pid), waitFor(what, condition, ms)
//   startUntilRanksAt(args, home, n)       tsrun over the hosts, once n ranks printed their "AT …" line
import { execFile, spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { tsrunBin } from "../harness/run.ts";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { ConnectOptions } from "../../launcher/ssh/connection.ts";

export const run = promisify(execFile);
export const projectRoot = path.resolve(import.meta.dirname, "../..");
export const testhostsScript = path.join(projectRoot, "test/hosts/testhosts.sh");

export interface TestHost {
  name: string;
  address: string;
  port: number;
  hostKey: string;
  pidFile: string;
}

export interface TestHosts {
  dir: string;
  hostfile: string;
  mode: "netns" | "loopback";
  ownHostnames: boolean;
  hosts: TestHost[];
  targets(): Array<{ host: string; port?: number }>;
  connectOptions(home: string): ConnectOptions;
  knownHostsName(i: number): string;
  label(i: number): string;
  listenerPid(i: number): number;
  down(): Promise<void>;
}

/** A fresh HOME whose ~/.ssh holds the test hosts' known_hosts and the user key: `ssh`/tsrun run with it reach them. */
export function sshHome(hosts: TestHosts): string {
  const home = mkdtempSync(path.join(os.tmpdir(), "tsrun-home-"));
  mkdirSync(path.join(home, ".ssh"), { mode: 0o700 });
  copyFileSync(path.join(hosts.dir, "known_hosts"), path.join(home, ".ssh/known_hosts"));
  copyFileSync(path.join(hosts.dir, "userkey"), path.join(home, ".ssh/id_ed25519"));
  chmodSync(path.join(home, ".ssh/id_ed25519"), 0o600);
  return home;
}

/** `testhosts.sh up n MODE DIR` (MODE: TESTHOSTS_MODE, default auto = netns where allowed, else loopback). */
export async function upTestHosts(n: number, mode = process.env.TESTHOSTS_MODE ?? "auto"): Promise<TestHosts> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmpi-hosts-"));
  try {
    await run("bash", [testhostsScript, "up", String(n), mode, dir], { timeout: 170_000 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`testhosts.sh up failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`, {
      cause: err,
    });
  }
  const info = JSON.parse(readFileSync(path.join(dir, "hosts.json"), "utf8"));
  const hosts: TestHost[] = info.hosts;
  return {
    dir,
    hostfile: path.join(dir, "hostfile"),
    mode: info.mode,
    ownHostnames: info.ownHostnames,
    hosts,
    targets: () => hosts.map((h) => ({ host: h.name, ...(h.port !== 22 ? { port: h.port } : {}) })),
    connectOptions: (home) => ({
      knownHostsFiles: [path.join(dir, "known_hosts")],
      keyFile: path.join(dir, "userkey"),
      home,
      configPath: null,
      env: {},
    }),
    knownHostsName: (i) => (hosts[i].port === 22 ? hosts[i].name : `[${hosts[i].name}]:${hosts[i].port}`),
    label: (i) => (hosts[i].port === 22 ? hosts[i].name : `${hosts[i].name}:${hosts[i].port}`),
    listenerPid: (i) => Number(readFileSync(hosts[i].pidFile, "utf8")),
    async down() {
      if (existsSync(dir)) await run("bash", [testhostsScript, "down", dir], { timeout: 60_000 });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function pids(): string[] {
  return readdirSync("/proc").filter((e) => /^\d+$/.test(e));
}

/** Live (not zombie) processes of a job: the guards by argv, their commands by TSMPI_JOB_ID in environ. */
export function jobProcesses(jobId: string): Array<{ pid: number; host: string }> {
  const found: Array<{ pid: number; host: string }> = [];
  for (const entry of pids()) {
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, "latin1").split("\0");
      const argv = readFileSync(`/proc/${entry}/cmdline`, "latin1").split("\0");
      const guard = argv.includes("tsmpi-guard") && argv.includes(jobId);
      if (guard || environ.includes(`TSMPI_JOB_ID=${jobId}`)) {
        found.push({ pid: Number(entry), host: environ.find((v) => v.startsWith("TESTHOST="))?.slice(9) ?? "?" });
      }
    } catch {
      // the process ended while being read
    }
  }
  return found;
}

/** [state, ppid] of a process, or undefined when it is gone. */
function statOf(pid: number | string): [string, number] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return [fields[0], Number(fields[1])];
  } catch {
    return undefined;
  }
}

/**
 * Processes of any job on the test hosts: what the SSH guard started (they carry TSMPI_JOB_ID in their
 * environment) and the guards themselves (`tsmpi-guard` in their arguments), which remove a job's private
 * directory after its command has ended: a job has left nothing once both are gone.
 */
export function remoteJobProcesses(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        const ofJob =
          fs.readFileSync(`/proc/${e}/environ`, "latin1").includes("TSMPI_JOB_ID=") ||
          fs.readFileSync(`/proc/${e}/cmdline`, "latin1").split("\0").includes("tsmpi-guard");
        return ofJob && isRunning(Number(e)) ? [Number(e)] : [];
      } catch {
        return [];
      }
    });
}

/** What is left of any job on the test hosts once it is all gone or 10 s have passed (a test expects none). */
export async function jobProcessesLeft(): Promise<number[]> {
  await waitFor("remote processes to end", () => remoteJobProcesses().length === 0, 10_000).catch(() => {});
  return remoteJobProcesses();
}

/**
 * Starts `tsrun args` for a user whose HOME is `home` (no SSH agent) and resolves once `ranks` ranks have
 * printed their "AT …" line: the job is running on every host. Gives the child, what it printed so far and
 * its exit code to come.
 */
export async function startUntilRanksAt(
  args: string[],
  home: string,
  ranks: number,
): Promise<{
  child: ChildProcessByStdio<null, Readable, Readable>;
  out: () => string;
  exited: Promise<number | null>;
}> {
  const child = spawn(process.execPath, [tsrunBin, ...args], {
    cwd: projectRoot,
    env: { ...process.env, HOME: home, SSH_AUTH_SOCK: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  let out = "";
  await new Promise<void>((resolve) =>
    child.stdout.on("data", (d) => {
      out += d;
      if ((out.match(/^AT /gm) ?? []).length === ranks) resolve();
    }),
  );
  return { child, out: () => out, exited };
}

export function isRunning(pid: number): boolean {
  const stat = statOf(pid);
  return stat !== undefined && stat[0] !== "Z";
}

export function childrenOf(pid: number): number[] {
  return pids().flatMap((e) => {
    const stat = statOf(e);
    return stat && stat[0] !== "Z" && stat[1] === pid ? [Number(e)] : [];
  });
}

/** Polls a condition made true by other processes (hang guard: ms). */
export async function waitFor(what: string, condition: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
