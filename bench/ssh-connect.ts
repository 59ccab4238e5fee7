// Benchmark for multi-machine runs (issue 7): wall time to connect (TCP + SSH handshake + authentication)
// and run `true` on 1 host and on 3 hosts in parallel with launcher/ssh, raw (connection.exec) and under the
// remote guard (hosts.ts startOnHosts, which adds a node start on the host). Baseline measured in the same
// run: OpenSSH's own client, `ssh -F DIR/ssh_config th1 true`.
// Brings up its own test hosts with test/hosts/testhosts.sh (root; netns where allowed, TESTHOSTS_MODE overrides)
// and takes them down at the end. Prints one JSON object; times are medians in milliseconds over RUNS (7).
//   npx tsx bench/ssh-connect.ts
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { connectHost, type ConnectOptions } from "../launcher/ssh/connection.ts";
import { startOnHosts } from "../launcher/ssh/hosts.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "..");
const script = path.join(root, "test/hosts/testhosts.sh");
const requestedMode = process.env.TESTHOSTS_MODE ?? "auto"; // netns where allowed, else loopback
const runs = Number(process.env.RUNS ?? 7);

interface Stats {
  medianMs: number;
  minMs: number;
  maxMs: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    medianMs: round(sorted[Math.floor(sorted.length / 2)]),
    minMs: round(sorted[0]),
    maxMs: round(sorted.at(-1)!),
  };
}

async function timed(action: () => Promise<unknown>): Promise<Stats> {
  await action(); // warm-up: first DNS lookup, module loading
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await action();
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

async function connectExecTrue(target: { host: string; port?: number }, options: ConnectOptions): Promise<void> {
  const connection = await connectHost(target, options);
  const remote = await connection.exec("true");
  remote.stdout.resume();
  remote.stderr.resume();
  const exit = await remote.exited;
  if (exit.code !== 0) throw new Error(`true exited ${JSON.stringify(exit)} on ${target.host}`);
  await connection.close();
}

async function guardedTrue(targets: Array<{ host: string; port?: number }>, options: ConnectOptions): Promise<void> {
  const job = await startOnHosts(targets, () => "true", options);
  const exits = await job.exited;
  await job.close();
  if (exits.some((e) => e.code !== 0)) throw new Error(`guarded true failed: ${JSON.stringify(exits)}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmpi-bench-ssh-"));
  try {
    const upStart = performance.now();
    await run("bash", [script, "up", "3", requestedMode, dir], { timeout: 170_000 });
    const upMs = Math.round(performance.now() - upStart);
    const setup = JSON.parse(readFileSync(path.join(dir, "hosts.json"), "utf8"));
    const hosts: Array<{ name: string; port: number }> = setup.hosts;
    const targets = hosts.map((h) => ({ host: h.name, ...(h.port !== 22 ? { port: h.port } : {}) }));
    const options: ConnectOptions = {
      knownHostsFiles: [path.join(dir, "known_hosts")],
      keyFile: path.join(dir, "userkey"),
      home: dir,
      configPath: null,
      env: {},
    };
    const result = {
      bench: "ssh-connect",
      mode: setup.mode as string,
      runs,
      testhostsUpMs: upMs,
      connectExecTrue1Host: await timed(() => connectExecTrue(targets[0], options)),
      connectExecTrue3HostsParallel: await timed(() => Promise.all(targets.map((t) => connectExecTrue(t, options)))),
      guardedTrue1Host: await timed(() => guardedTrue(targets.slice(0, 1), options)),
      guardedTrue3HostsParallel: await timed(() => guardedTrue(targets, options)),
      baselineOpensshCli1Host: await timed(() => run("ssh", ["-F", path.join(dir, "ssh_config"), "th1", "true"])),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await run("bash", [script, "down", dir], { timeout: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`bench ssh-connect: ${err.message}`);
  process.exit(1);
});
