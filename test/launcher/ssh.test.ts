// Tests of the SSH building blocks of multi-machine runs (launcher/ssh/, issue 7) against 3 REAL OpenSSH
// servers made by test/hosts/testhosts.sh (netns where allowed, else loopback; TESTHOSTS_MODE chooses):
// parallel connect + exec, per-host hostnames, known_hosts (unknown, changed, accept-new, hashed),
// authentication (wrong key, agent, default key, ~/.ssh/config, passphrase), DNS, timeout, refused
// connection, lost connection, and that stopAll or a SIGKILLed client leaves no process of the job on a host.
import { spawn, type ChildProcess } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ready, sshHostsRequirement } from "../harness/requires.ts";
import { connectHost, type ConnectOptions } from "../../launcher/ssh/connection.ts";
import { SshError, SshHostsError } from "../../launcher/ssh/errors.ts";
import { connectHosts, startOnHosts, type HostLine } from "../../launcher/ssh/hosts.ts";
import {
  childrenOf,
  isRunning,
  jobProcesses,
  projectRoot as root,
  run,
  testhostsScript as script,
  upTestHosts,
  waitFor,
  type TestHost,
  type TestHosts,
} from "./testhosts.ts";

/** Skips the file with one line naming what is missing (fails instead under TSMPI_REQUIRE_ALL=1). */
const canRun = ready(sshHostsRequirement());

let testHosts: TestHosts;
let hosts: TestHost[] = [];
let setup = { mode: "", ownHostnames: true };
let dir = "";
let home = "";
const khName = (i: number) => testHosts.knownHostsName(i);
const label = (i: number) => testHosts.label(i);
const targets = () => testHosts.targets();
const base = (): ConnectOptions => testHosts.connectOptions(home);
const listenerPid = (h: TestHost) => Number(readFileSync(h.pidFile, "utf8"));

beforeAll(async () => {
  if (!canRun) return;
  home = mkdtempSync(path.join(os.tmpdir(), "tsmpi-home-"));
  testHosts = await upTestHosts(3);
  ({ hosts, dir } = testHosts);
  setup = { mode: testHosts.mode, ownHostnames: testHosts.ownHostnames };
}, 180_000);

afterAll(async () => {
  await testHosts?.down();
  if (home) rmSync(home, { recursive: true, force: true });
});

async function connectError(target: { host: string; port?: number }, options: ConnectOptions): Promise<SshError> {
  try {
    const connection = await connectHost(target, options);
    await connection.close();
  } catch (err) {
    expect(err).toBeInstanceOf(SshError);
    return err as SshError;
  }
  throw new Error(`connecting to ${target.host} succeeded`);
}

async function runOn(
  target: { host: string; port?: number },
  options: ConnectOptions,
  command: string,
): Promise<string> {
  const connection = await connectHost(target, options);
  try {
    const remote = await connection.exec(command);
    let out = "";
    remote.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    remote.stderr.resume();
    const exit = await remote.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    return out;
  } finally {
    await connection.close();
  }
}

describe.skipIf(!canRun)("ssh to real OpenSSH test hosts", () => {
  it("connects to the 3 hosts in parallel and runs a command on each: hostnames differ per host", async () => {
    const connections = await connectHosts(targets(), base());
    try {
      const outputs = await Promise.all(
        connections.map(async (c) => {
          const remote = await c.exec("echo $(hostname) $TESTHOST");
          let out = "";
          remote.stdout.on("data", (chunk: Buffer) => {
            out += chunk.toString();
          });
          expect(await remote.exited).toEqual({ code: 0, signal: null });
          return out.trim();
        }),
      );
      const expected = hosts.map((h) => `${setup.ownHostnames ? h.name : os.hostname()} ${h.name}`);
      expect(outputs).toEqual(expected);
      if (setup.ownHostnames) expect(new Set(outputs.map((o) => o.split(" ")[0])).size).toBe(3);
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
  });

  it("streams whole lines tagged by host; env and stdinPreamble reach the command, off every process list", async () => {
    const secret = `secret-${Date.now()}`;
    const lines: HostLine[] = [];
    const job = await startOnHosts(
      targets(),
      (h, i) => ({
        command:
          'read -r first; printf "%s %s %s %s\\n" "$first" "$(hostname)" "$JOB_SECRET" "$(pwd -P)"; printf "to stderr\\n" >&2; printf "no newline"',
        env: { JOB_SECRET: `${secret}-${i}` },
        stdinPreamble: `{"rank":${i}}\n`,
        cwd: root,
      }),
      { ...base(), onLine: (line) => lines.push(line) },
    );
    const exits = await job.exited;
    await job.close();
    expect(exits).toEqual(hosts.map(() => ({ code: 0, signal: null })));
    for (const [i, h] of hosts.entries()) {
      const mine = lines.filter((l) => l.host === h.name);
      expect(mine.filter((l) => l.stream === "stdout").map((l) => l.text)).toEqual([
        `{"rank":${i}} ${setup.ownHostnames ? h.name : os.hostname()} ${secret}-${i} ${realpathSync(root)}`,
        "no newline",
      ]);
      expect(mine.filter((l) => l.stream === "stderr").map((l) => l.text)).toEqual(["to stderr"]);
      expect(mine.every((l) => l.index === i)).toBe(true);
    }
  });

  it("keeps the job's variables off the remote command lines while the command runs", async () => {
    const secret = `hidden-${Date.now()}`;
    const job = await startOnHosts(targets(), () => ({ command: "echo up; sleep 1000", env: { JOB_SECRET: secret } }), {
      ...base(),
      onLine: () => undefined,
    });
    try {
      await waitFor("the commands", () => new Set(jobProcesses(job.jobId).map((p) => p.host)).size === 3);
      const pids = jobProcesses(job.jobId).map((p) => p.pid);
      for (const pid of pids) {
        expect(readFileSync(`/proc/${pid}/cmdline`, "latin1")).not.toContain(secret);
      }
      expect(pids.some((pid) => readFileSync(`/proc/${pid}/environ`, "latin1").includes(`JOB_SECRET=${secret}`))).toBe(
        true,
      );
    } finally {
      await job.stopAll();
    }
  });

  it("passes exit codes, stdin and signals through the guard (root logins cannot be signalled by sshd)", async () => {
    const lines: string[] = [];
    const job = await startOnHosts(
      targets(),
      (_h, i) => ["exit 7", "cat", "trap 'echo got TERM; exit 143' TERM; echo waiting; while :; do sleep 0.1; done"][i],
      { ...base(), onLine: (l) => lines.push(`${l.host} ${l.text}`) },
    );
    try {
      job.handles[1].write("line one\nline two\n");
      job.handles[1].endInput();
      await waitFor("th3 to wait", () => lines.includes("th3 waiting"));
      job.handles[2].signal("TERM");
      expect(await job.exited).toEqual([
        { code: 7, signal: null },
        { code: 0, signal: null },
        { code: 143, signal: null },
      ]);
      expect(lines.filter((l) => l.startsWith("th2"))).toEqual(["th2 line one", "th2 line two"]);
      expect(lines).toContain("th3 got TERM");
    } finally {
      await job.close();
    }
  });

  it("a working directory missing on the host: exit 127 and a line saying so", async () => {
    const lines: HostLine[] = [];
    const job = await startOnHosts([targets()[0]], () => ({ command: "pwd", cwd: "/nonexistent/checkout" }), {
      ...base(),
      onLine: (l) => lines.push(l),
    });
    expect(await job.exited).toEqual([{ code: 127, signal: null }]);
    await job.close();
    expect(lines.map((l) => `${l.stream} ${l.text}`)).toEqual([
      `stderr tsmpi guard on ${setup.ownHostnames ? "th1" : os.hostname()}: working directory /nonexistent/checkout ` +
        "is not usable on this host: ENOENT: no such file or directory, stat '/nonexistent/checkout'",
    ]);
  });

  it("refuses an unknown host key with its SHA256 fingerprint and a command that, run, makes it known", async () => {
    const knownHosts = path.join(home, "kh-unknown");
    const options = { ...base(), knownHostsFiles: [knownHosts] };
    const error = await connectError(targets()[0], options);
    const { stdout } = await run("ssh-keygen", ["-lf", path.join(dir, "th1", "hostkey.pub")]);
    const expected = stdout.split(" ")[1];
    expect(error.failure).toBe("hostkey-unknown");
    expect(error.message).toContain(`ssh to ${label(0)}: host key unknown: ssh-ed25519 ${expected}`);
    expect(error.message).toContain("--accept-new-hosts");
    const command = /accept it with: (.*?) \(or run again/.exec(error.message)?.[1];
    expect(command).toMatch(new RegExp(`^ssh-keyscan .*-t ed25519 th1 >> ${knownHosts}$`));
    await run("sh", ["-c", command!]);
    expect((await runOn(targets()[0], options, "echo $TESTHOST")).trim()).toBe("th1");
  });

  it("refuses a CHANGED host key loudly, even with accept-new, and leaves known_hosts alone", async () => {
    const knownHosts = path.join(home, "kh-changed");
    const name = khName(0);
    writeFileSync(knownHosts, `${name} ${hosts[1].hostKey}\n`); // th2's key under th1's name
    for (const acceptNewHosts of [false, true]) {
      const error = await connectError(targets()[0], { ...base(), knownHostsFiles: [knownHosts], acceptNewHosts });
      expect(error.failure).toBe("hostkey-changed");
      expect(error.message).toMatch(
        /WARNING: HOST KEY HAS CHANGED! .* line 1 says SHA256:.*man-in-the-middle.*never overrides/,
      );
      expect(error.message).toContain(`ssh-keygen -R '${name}' -f ${knownHosts}`);
    }
    expect(readFileSync(knownHosts, "utf8")).toBe(`${name} ${hosts[1].hostKey}\n`);
  });

  it("accept-new appends an unknown key, and the next connection checks against it", async () => {
    const knownHosts = path.join(home, "sub", "kh-new");
    const options = { ...base(), knownHostsFiles: [knownHosts] };
    expect((await runOn(targets()[1], { ...options, acceptNewHosts: true }, "echo $TESTHOST")).trim()).toBe("th2");
    const name = khName(1);
    expect(readFileSync(knownHosts, "utf8")).toBe(`${name} ${hosts[1].hostKey}\n`);
    expect((await runOn(targets()[1], options, "echo $TESTHOST")).trim()).toBe("th2");
  });

  it("matches hashed known_hosts entries (hashed by ssh-keygen -H)", async () => {
    const knownHosts = path.join(home, "kh-hashed");
    copyFileSync(path.join(dir, "known_hosts"), knownHosts);
    await run("ssh-keygen", ["-H", "-f", knownHosts]);
    expect(readFileSync(knownHosts, "utf8")).not.toContain("th3");
    expect((await runOn(targets()[2], { ...base(), knownHostsFiles: [knownHosts] }, "echo $TESTHOST")).trim()).toBe(
      "th3",
    );
  });

  it("authentication failure with a key the hosts do not know: one clear error", async () => {
    const wrongKey = path.join(home, "wrong_key");
    if (!existsSync(wrongKey)) await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", wrongKey]);
    const error = await connectError(targets()[1], { ...base(), keyFile: wrongKey });
    expect(error.failure).toBe("auth");
    expect(error.message).toMatch(
      new RegExp(`^ssh to th2(:2222)?: authentication failed as root: the server refused ${wrongKey}\\.`),
    );
    expect(error.message).toContain("authorized_keys");
  });

  it("authenticates as OpenSSH: ssh-agent, then ~/.ssh/id_ed25519, and honours ~/.ssh/config", async () => {
    // ssh-agent holding the user key, no key file at all
    const socket = path.join(home, "agent.sock");
    const agent: ChildProcess = spawn("ssh-agent", ["-D", "-a", socket], { stdio: "ignore" });
    try {
      await waitFor("the agent socket", () => existsSync(socket), 10_000);
      await run("ssh-add", [path.join(dir, "userkey")], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      const viaAgent = { ...base(), keyFile: undefined, env: { SSH_AUTH_SOCK: socket } };
      expect((await runOn(targets()[0], viaAgent, "echo $TESTHOST")).trim()).toBe("th1");
    } finally {
      agent.kill("SIGKILL");
    }
    // the default key file in the home directory
    const keyHome = mkdtempSync(path.join(home, "keys-"));
    mkdirSync(path.join(keyHome, ".ssh"), { mode: 0o700 });
    copyFileSync(path.join(dir, "userkey"), path.join(keyHome, ".ssh", "id_ed25519"));
    expect((await runOn(targets()[1], { ...base(), keyFile: undefined, home: keyHome }, "echo $TESTHOST")).trim()).toBe(
      "th2",
    );
    // a Host alias in ~/.ssh/config with HostName, Port, User and IdentityFile
    const configHome = mkdtempSync(path.join(home, "config-"));
    mkdirSync(path.join(configHome, ".ssh"));
    writeFileSync(
      path.join(configHome, ".ssh", "config"),
      `Host lab3\n  HostName th3\n  Port ${hosts[2].port}\n  User root\n  IdentityFile ${path.join(dir, "userkey")}\n`,
    );
    const viaConfig = { ...base(), keyFile: undefined, home: configHome, configPath: undefined };
    const connection = await connectHost({ host: "lab3" }, viaConfig);
    expect(connection.label).toBe(`lab3 (th3:${hosts[2].port})`);
    await connection.close();
    expect((await runOn({ host: "lab3" }, viaConfig, "echo $TESTHOST")).trim()).toBe("th3");
  });

  it("a key with a passphrase and no agent: an error naming the file", async () => {
    const keyHome = mkdtempSync(path.join(home, "pass-"));
    mkdirSync(path.join(keyHome, ".ssh"));
    const key = path.join(keyHome, ".ssh", "id_ed25519");
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "a passphrase", "-f", key]);
    const error = await connectError(targets()[0], { ...base(), keyFile: undefined, home: keyHome });
    expect(error.failure).toBe("key-passphrase");
    expect(error.message).toContain(`the key ${key} is protected by a passphrase and no ssh-agent is running`);
    expect(error.message).toContain(`ssh-add ${key}`);
  });

  it("an unknown host name: a DNS error naming it", async () => {
    const error = await connectError({ host: "no-such-host.invalid" }, base());
    expect(error.failure).toBe("dns");
    expect(error.message).toMatch(/^ssh to no-such-host\.invalid: unknown host name "no-such-host\.invalid"/);
  });

  it("stopAll leaves no process of the job on any host", async () => {
    const ready = new Set<string>();
    const job = await startOnHosts(targets(), () => "sleep 1000 & sh -c 'sleep 1000' & echo ready; wait", {
      ...base(),
      onLine: (l) => {
        if (l.text === "ready") ready.add(l.host);
      },
    });
    await waitFor("every host ready", () => ready.size === 3);
    const before = jobProcesses(job.jobId);
    expect(new Set(before.map((p) => p.host))).toEqual(new Set(["th1", "th2", "th3"]));
    expect(before.length).toBeGreaterThanOrEqual(3 * 4); // guard, sh, 2 sleeps (+ sh) per host
    await job.stopAll();
    await waitFor("no process of the job", () => jobProcesses(job.jobId).length === 0, 10_000);
    expect((await job.exited).every((e) => e.signal === "SIGTERM")).toBe(true);
  });

  it("a SIGKILLed client leaves no process of the job on any host", async () => {
    const jobId = `tsmpi-kill-${Date.now()}`;
    const client = spawn(
      process.execPath,
      ["--import", "tsx", path.join(root, "test/launcher/ssh-client.fixture.ts"), dir, jobId],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      let out = "";
      let err = "";
      client.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      client.stderr!.on("data", (chunk: Buffer) => {
        err += chunk.toString();
      });
      await waitFor("the client to start its job", () => {
        if (client.exitCode !== null) throw new Error(`the client exited ${client.exitCode}: ${err}`);
        return out.includes(`started ${jobId}`);
      });
      expect(new Set(jobProcesses(jobId).map((p) => p.host))).toEqual(new Set(["th1", "th2", "th3"]));
      client.kill("SIGKILL");
      await waitFor("no process of the job", () => jobProcesses(jobId).length === 0);
    } finally {
      client.kill("SIGKILL");
    }
  });

  it("a lost connection: closed gives an SshError naming the host, and its commands are stopped", async () => {
    const job = await startOnHosts([targets()[1]], () => "echo ready; sleep 1000", {
      ...base(),
      onLine: () => undefined,
    });
    await waitFor("the command", () => jobProcesses(job.jobId).length >= 2);
    const listener = listenerPid(hosts[1]);
    for (const pid of childrenOf(listener)) process.kill(pid, "SIGKILL"); // the session's sshd dies
    const lost = await job.connections[0].closed;
    expect(lost?.failure).toBe("lost");
    expect(lost?.message).toMatch(/^ssh to th2(:2222)?: connection lost/);
    expect((await job.exited)[0].lost).toBe(true);
    await waitFor("no process of the job", () => jobProcesses(job.jobId).length === 0);
  });

  it("a host that does not answer (netns: its link down): a timeout error after the configured time", async (ctx) => {
    if (setup.mode !== "netns") ctx.skip();
    await run("ip", ["link", "set", "vth2", "down"]);
    try {
      const started = Date.now();
      const error = await connectError(targets()[1], { ...base(), timeoutMs: 1_500 });
      expect(error.failure).toBe("timeout");
      expect(error.message).toBe("ssh to th2: no answer within 1.5 s (connect timeout). Is the host up and reachable?");
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    } finally {
      await run("ip", ["link", "set", "vth2", "up"]);
    }
  });

  it("a host whose sshd is gone: one error naming it, and no session left open on the others", async () => {
    const listener = listenerPid(hosts[2]);
    process.kill(listener, "SIGTERM");
    await waitFor("th3's sshd to end", () => !isRunning(listener));
    let error: unknown;
    try {
      await startOnHosts(targets(), () => "sleep 1000", base());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SshHostsError);
    const failures = (error as SshHostsError).errors;
    expect(failures.map((e) => [e.host, e.failure])).toEqual([["th3", "refused"]]);
    expect((error as Error).message).toMatch(
      /^ssh to th3(:2222)?: connection refused on port \d+\. Is sshd running there/,
    );
    await waitFor(
      "th1 and th2 without sessions",
      () => childrenOf(listenerPid(hosts[0])).length === 0 && childrenOf(listenerPid(hosts[1])).length === 0,
      10_000,
    );
  });

  it("testhosts.sh down removes every process, namespace, link and /etc/hosts line, and can run again", async () => {
    const listeners = hosts.filter((h) => existsSync(h.pidFile)).map(listenerPid);
    expect(listeners.length).toBeGreaterThanOrEqual(2); // th3's was stopped by the test above
    await run("bash", [script, "down", dir], { timeout: 60_000 });
    expect(listeners.filter(isRunning)).toEqual([]);
    const marked = readdirSync("/proc")
      .filter((e) => /^\d+$/.test(e))
      .filter((e) => {
        try {
          return readFileSync(`/proc/${e}/environ`, "latin1")
            .split("\0")
            .includes(`TESTHOSTS_DIR=${realpathSync(dir)}`);
        } catch {
          return false;
        }
      });
    expect(marked).toEqual([]);
    expect((await run("ip", ["netns", "list"])).stdout).not.toMatch(/^th\d+/m);
    expect((await run("ip", ["-o", "link", "show"])).stdout).not.toMatch(/thbr0|vth\d/);
    expect(readFileSync("/etc/hosts", "utf8")).not.toContain("# testhosts");
    await run("bash", [script, "down", dir], { timeout: 60_000 }); // idempotent (afterAll runs it once more)
  });
});
