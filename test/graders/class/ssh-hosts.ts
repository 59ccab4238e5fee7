// SSH hosts inside one grading job of a class (exercise 5, whose launcher starts its daemons over SSH):
// N unprivileged OpenSSH servers, each in a sandbox of its own (sandbox.ts: the same read-only project and
// student folder, scratch directory, limits and uid as the student's programs, and the host name th<i>),
// listening on 127.0.0.1, port 2222+i, of the job's private network namespace (one address for all: a
// connection from one host to another then comes from the address the other listens on, as between
// machines, so that a daemon finds the one that started it where $SSH_CONNECTION says). A login lands back in that
// sandbox as the same user, so the daemons the student's launcher starts there are contained like every
// other program of the job, and die with the sandbox's PID namespace when the hosts go down. Keys, configs,
// hostfile, known_hosts and hosts.json (the layout of test/hosts/testhosts.sh, which the ring grader reads:
// sessions carry TESTHOST and TESTHOSTS_DIR, so the grader finds what is left through /proc) are made in a
// fresh directory of the job, owned by the sandbox's uid: nothing there is more than the student's own.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { connectHost } from "../../../launcher/index.ts";
import { sandboxCommand, type SandboxSpec } from "./sandbox.ts";

const run = promisify(execFile);
const SSHD = "/usr/sbin/sshd";
const FIRST_PORT = 2222;
const READY_MS = 30_000;

export const SSHD_INSTALL = "apt-get install -y openssh-server openssh-client";

export interface JobHosts {
  /** The hostfile a grader gives the student's launcher (hosts.json, keys and known_hosts beside it). */
  hostfile: string;
  /** The files every sandbox of the job sees over /etc: the sandbox user's passwd line, the hosts' names. */
  binds: { from: string; to: string }[];
  /** Stops every host's sandbox (and so whatever its sessions started); idempotent. */
  down(): Promise<void>;
}

interface HostsPlan {
  dir: string;
  user: string;
  uid: number;
  names: string[];
  ports: number[];
}

const hostName = (i: number) => `th${i + 1}`;
const ADDRESS = "127.0.0.1";

/** The sandbox's user as sshd and os.userInfo() need it: this machine's passwd with one line for the uid. */
function passwdFor(uid: number, home: string): { text: string; user: string } {
  const lines = fs.readFileSync("/etc/passwd", "utf8").split("\n").filter(Boolean);
  const own = lines.find((l) => l.split(":")[2] === String(uid));
  const user = own?.split(":")[0] ?? "student";
  const others = lines.filter((l) => l.split(":")[2] !== String(uid) && l.split(":")[0] !== user);
  return { text: [...others, `${user}:x:${uid}:${uid}::${home}:/bin/sh`, ""].join("\n"), user };
}

function sshdConfig(plan: HostsPlan, i: number): string {
  const h = path.join(plan.dir, plan.names[i]);
  return [
    `ListenAddress ${ADDRESS}:${plan.ports[i]}`,
    `HostKey ${h}/hostkey`,
    `PidFile ${h}/sshd.pid`,
    `AuthorizedKeysFile ${plan.dir}/authorized_keys`,
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "StrictModes no",
    "MaxSessions 64",
    "MaxStartups 100",
    "PrintMotd no",
    "LogLevel INFO",
    `SetEnv TESTHOST=${plan.names[i]} TESTHOSTS_DIR=${plan.dir}`,
    "",
  ].join("\n");
}

/** Keys, configs and the client's files, then every entry handed to the sandbox's uid (never through a link). */
async function writeHostFiles(plan: HostsPlan, home: string): Promise<{ from: string; to: string }[]> {
  const keygen = (file: string, comment: string) =>
    run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file]);
  await keygen(path.join(plan.dir, "userkey"), "tsmpi-class");
  fs.copyFileSync(path.join(plan.dir, "userkey.pub"), path.join(plan.dir, "authorized_keys"));
  const known: string[] = [];
  for (const [i, name] of plan.names.entries()) {
    fs.mkdirSync(path.join(plan.dir, name), { mode: 0o700 });
    await keygen(path.join(plan.dir, name, "hostkey"), name);
    fs.writeFileSync(path.join(plan.dir, name, "sshd_config"), sshdConfig(plan, i));
    const key = fs
      .readFileSync(path.join(plan.dir, name, "hostkey.pub"), "utf8")
      .split(" ")
      .slice(0, 2)
      .join(" ");
    known.push(`[${name}]:${plan.ports[i]},[${ADDRESS}]:${plan.ports[i]} ${key}`);
  }
  fs.writeFileSync(path.join(plan.dir, "known_hosts"), known.join("\n") + "\n");
  fs.writeFileSync(path.join(plan.dir, "hostfile"), plan.names.map((n, i) => `${n} port=${plan.ports[i]}\n`).join(""));
  const hosts = plan.names.map((name, i) => ({ name, address: ADDRESS, port: plan.ports[i] }));
  fs.writeFileSync(
    path.join(plan.dir, "hosts.json"),
    JSON.stringify({ mode: "sandbox", ownHostnames: true, dir: plan.dir, hosts }),
  );
  fs.writeFileSync(path.join(plan.dir, "passwd"), passwdFor(plan.uid, home).text);
  const etcHosts = ["::1 localhost", `${ADDRESS} localhost ${os.hostname()} ${plan.names.join(" ")}`, ""];
  fs.writeFileSync(path.join(plan.dir, "hosts"), etcHosts.join("\n"));
  const handOver = (at: string) => {
    fs.lchownSync(at, plan.uid, plan.uid);
    if (fs.lstatSync(at).isDirectory()) for (const e of fs.readdirSync(at)) handOver(path.join(at, e));
  };
  handOver(plan.dir);
  return [
    { from: path.join(plan.dir, "passwd"), to: "/etc/passwd" },
    { from: path.join(plan.dir, "hosts"), to: "/etc/hosts" },
  ];
}

/**
 * Starts one host's sshd in its sandbox, added to `started` at once (so that it is stopped with the others
 * whatever happens next); resolves once it listens, rejects with its last lines if it ends.
 */
function startSshd(spec: SandboxSpec, config: string, cwd: string, started: ChildProcess[]): Promise<ChildProcess> {
  const wrapped = sandboxCommand(spec, SSHD, ["-D", "-e", "-f", config], process.env, cwd);
  const child = spawn(wrapped.cmd, wrapped.args, {
    env: wrapped.env,
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  started.push(child);
  let log = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stopSandbox(child);
      reject(
        new Error(`sshd of ${spec.hostname} did not listen within ${READY_MS / 1000} s: ${log.trim().slice(-300)}`),
      );
    }, READY_MS);
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      log = (log + d).slice(-4000);
      if (/Server listening on/.test(log)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(
        new Error(`sshd of ${spec.hostname} stopped (exit ${code}): ${log.trim().split("\n").slice(-3).join(" | ")}`),
      );
    });
  });
}

/** Kills a host's sandbox: its process group; the sandbox's PID namespace takes every session with it. */
function stopSandbox(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {}
}

/**
 * The PID namespace a host's sandbox gives its sshd and sessions: where the ring grader looks for what a
 * daemon left behind even with its environment wiped (hosts.json's pidNamespaces).
 */
function sandboxNamespace(child: ChildProcess): string {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "latin1");
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {}
  }
  const descends = (pid: number): boolean => {
    for (let at = parentOf.get(pid); at !== undefined && at > 1; at = parentOf.get(at))
      if (at === child.pid) return true;
    return false;
  };
  for (const [pid] of parentOf) {
    try {
      if (descends(pid) && fs.readlinkSync(`/proc/${pid}/exe`) === SSHD) return fs.readlinkSync(`/proc/${pid}/ns/pid`);
    } catch {}
  }
  throw new Error(`the sshd of a host sandbox (pid ${child.pid}) is not to be found in /proc`);
}

/** Adds the hosts' PID namespaces to hosts.json (written by this process, after the hosts' own files). */
function recordNamespaces(plan: HostsPlan, children: ChildProcess[]): void {
  const file = path.join(plan.dir, "hosts.json");
  const info = JSON.parse(fs.readFileSync(file, "utf8"));
  info.pidNamespaces = Object.fromEntries(plan.names.map((name, i) => [name, sandboxNamespace(children[i])]));
  fs.rmSync(file);
  fs.writeFileSync(file, JSON.stringify(info), { flag: "wx", mode: 0o644 });
}

/** A real login on each host (as a launcher will make it), checking that it lands on the host it names. */
async function checkLogins(plan: HostsPlan): Promise<void> {
  for (const [i, name] of plan.names.entries()) {
    const connection = await connectHost(
      { host: ADDRESS, port: plan.ports[i], user: plan.user },
      {
        keyFile: path.join(plan.dir, "userkey"),
        knownHostsFiles: [path.join(plan.dir, "known_hosts")],
        configPath: null,
        env: {},
        localUser: plan.user,
        timeoutMs: READY_MS,
      },
    );
    try {
      const remote = await connection.exec("echo $TESTHOST");
      let out = "";
      remote.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
      remote.stdin.end();
      await remote.exited;
      if (out.trim() !== name) throw new Error(`a login on ${name} landed on "${out.trim()}"`);
    } finally {
      await connection.close();
    }
  }
}

/**
 * Brings up `n` hosts for a job whose every program runs in the sandbox `spec` describes (its uid: an
 * unprivileged one; sshd cannot serve another user unprivileged, and root's would run outside the rules).
 * `wallSeconds`: how long the hosts may live (the sum of the grader's runs' limits).
 */
export async function startJobHosts(spec: SandboxSpec, n: number, wallSeconds: number): Promise<JobHosts> {
  const uid = spec.uid ?? process.getuid?.() ?? 0;
  if (uid === 0) throw new Error("the class's SSH hosts run as the sandbox's unprivileged user, not as root");
  if (!fs.existsSync(SSHD)) throw new Error(`no ${SSHD}: ${SSHD_INSTALL}`);
  const dir = fs.mkdtempSync(path.join(spec.jobDir, "ssh-hosts-"));
  const names = Array.from({ length: n }, (_, i) => hostName(i));
  const plan: HostsPlan = { dir, uid, user: "", names, ports: names.map((_, i) => FIRST_PORT + i) };
  plan.user = passwdFor(uid, spec.jobDir).user;
  const children: ChildProcess[] = [];
  // the hosts' sandboxes go down at down(), when this process exits (the worker exits on SIGINT/SIGTERM),
  // and at the latest at their wall-time limit (`timeout` in front of each, which survives a SIGKILL here)
  const killNow = () => children.forEach(stopSandbox);
  process.on("exit", killNow);
  const down = async () => {
    process.off("exit", killNow);
    const running = children.splice(0); // a second call has nothing left to stop
    const closed = running.map((c) =>
      c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once("close", r)),
    );
    for (const c of running) stopSandbox(c);
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, READY_MS))]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const binds = await writeHostFiles(plan, spec.jobDir);
    const limits = { ...spec.limits, wallSeconds };
    for (const name of names) {
      const hostSpec = { ...spec, shareNetwork: true, hostname: name, binds, limits };
      await startSshd(hostSpec, path.join(dir, name, "sshd_config"), spec.jobDir, children);
    }
    recordNamespaces(plan, children);
    await checkLogins(plan);
    return { hostfile: path.join(dir, "hostfile"), binds, down };
  } catch (error) {
    await down();
    throw error;
  }
}
