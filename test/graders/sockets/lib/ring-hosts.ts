// The machines exercise 5's grader (ring-ssh.ts) starts the ring on, and what is left of a job there.
// Hosts come from options or the environment (a hostfile; with testhosts.sh's hosts.json beside it, its key
// and known_hosts). Hosts that share this machine's /proc (the SSH test hosts, or the SSH hosts a class
// grading job runs in its sandbox) are searched through /proc: every process of the job (TSMPI_JOB_ID),
// every process started in a session on them (TESTHOSTS_DIR, set by their sshd), and, when hosts.json names
// the hosts' PID namespaces, every process in them that was not there when the grader began (whatever a
// daemon left with its environment wiped). Other hosts are searched over SSH for TSMPI_JOB_ID.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseHostfile, startOnHosts, type ConnectOptions, type HostEntry } from "../../../../launcher/index.ts";
import { isRunning, jobProcesses } from "../../../launcher/testhosts.ts";

export interface HostOptions {
  hostfile?: string;
  sshKey?: string;
  knownHosts?: string;
}

export interface Hosts {
  hostfile: string;
  entries: HostEntry[];
  sshArgs: string[];
  connect: ConnectOptions;
  /** The test hosts' directory when the hosts are testhosts.sh's (they share this machine's /proc). */
  testDir?: string;
  ownHostnames: boolean;
  /** The hosts' PID namespaces (e.g. "pid:[4026532812]" → "th1"), when each host has its own. */
  namespaces?: Map<string, string>;
  /** The processes in those namespaces before the grader started anything (the hosts' own sshd). */
  baseline?: Set<number>;
  down(): Promise<void>;
}

const SSHD = "/usr/sbin/sshd";

const pids = () =>
  fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(Number);

/** The PID namespace of a process ("pid:[…]"), or undefined when it is gone. */
function pidNamespace(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** Live processes in the given PID namespaces, but the hosts' sshd (its connections come and go). */
function namespaceProcesses(namespaces: Map<string, string>): number[] {
  return pids().filter((pid) => {
    const ns = pidNamespace(pid);
    if (!ns || !namespaces.has(ns) || !isRunning(pid)) return false;
    try {
      return fs.readlinkSync(`/proc/${pid}/exe`) !== SSHD;
    } catch {
      return false;
    }
  });
}

/** The hosts given by options or environment (a testhosts.sh hostfile brings its key and known_hosts). */
export function givenHosts(options: HostOptions): Hosts | undefined {
  const hostfile = options.hostfile ?? process.env.TSMPI_GRADE_HOSTFILE;
  if (!hostfile) return undefined;
  const dir = path.dirname(path.resolve(hostfile));
  const test = fs.existsSync(path.join(dir, "hosts.json"))
    ? JSON.parse(fs.readFileSync(path.join(dir, "hosts.json"), "utf8"))
    : undefined;
  const key = options.sshKey ?? process.env.TSMPI_GRADE_SSH_KEY ?? (test ? path.join(dir, "userkey") : undefined);
  const knownHosts =
    options.knownHosts ?? process.env.TSMPI_GRADE_KNOWN_HOSTS ?? (test ? path.join(dir, "known_hosts") : undefined);
  const namespaces = test?.pidNamespaces
    ? new Map(Object.entries(test.pidNamespaces as Record<string, string>).map(([host, ns]) => [ns, host]))
    : undefined;
  return {
    hostfile,
    entries: parseHostfile(fs.readFileSync(hostfile, "utf8"), hostfile),
    sshArgs: [
      ...(key ? ["--ssh-key", key] : []),
      ...(knownHosts ? ["--known-hosts", knownHosts] : []),
      ...(test ? ["--no-ssh-config"] : []),
    ],
    connect: {
      keyFile: key,
      knownHostsFiles: knownHosts ? [knownHosts] : undefined,
      ...(test ? { configPath: null } : {}),
    },
    testDir: test ? dir : undefined,
    ownHostnames: test?.ownHostnames ?? false,
    namespaces,
    baseline: namespaces ? new Set(namespaceProcesses(namespaces)) : undefined,
    down: async () => {},
  };
}

/** Live processes started in a session on the test hosts (sshd gives them TESTHOSTS_DIR=dir). */
export function sessionProcesses(dir: string): number[] {
  return pids().filter((pid) => {
    try {
      return (
        fs.readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(`TESTHOSTS_DIR=${dir}`) && isRunning(pid)
      );
    } catch {
      return false;
    }
  });
}

/** "pid P on HOST: command" for a process on hosts sharing this machine's /proc. */
function describeProcess(pid: number, hosts: Hosts): string {
  try {
    const environ = fs.readFileSync(`/proc/${pid}/environ`, "latin1");
    const ns = pidNamespace(pid);
    const host = /(?:^|\0)TESTHOST=([^\0]*)/.exec(environ)?.[1] ?? (ns ? hosts.namespaces?.get(ns) : undefined) ?? "?";
    const command = fs.readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ").trim();
    return `pid ${pid} on ${host}: ${command.slice(0, 60)}`;
  } catch {
    return `pid ${pid} (gone)`;
  }
}

/** What is still running of the job (killed when `kill`): through /proc on the test hosts, else over SSH on each host. */
export async function leftovers(hosts: Hosts, jobId: string | undefined, kill = false): Promise<string[]> {
  if (hosts.testDir) {
    const hidden = hosts.namespaces
      ? namespaceProcesses(hosts.namespaces).filter((pid) => !hosts.baseline?.has(pid))
      : [];
    const found = new Set([
      ...(jobId ? jobProcesses(jobId).map((p) => p.pid) : []),
      ...sessionProcesses(hosts.testDir),
      ...hidden,
    ]);
    const described = [...found].map((pid) => describeProcess(pid, hosts));
    if (kill)
      found.forEach((pid) => {
        try {
          process.kill(pid, "SIGKILL");
        } catch {}
      });
    return described;
  }
  if (!jobId) return [];
  const found: string[] = [];
  const action = kill ? `kill -KILL "\${pid}"` : `echo "pid \${pid}"`;
  const probe = `for f in /proc/[0-9]*/environ; do pid=\${f#/proc/}; pid=\${pid%/environ}; grep -qzxF 'TSMPI_JOB_ID=${jobId}' "$f" 2>/dev/null && ${action}; done; true`;
  const job = await startOnHosts(hosts.entries, () => probe, {
    ...hosts.connect,
    onLine: (l) => l.stream === "stdout" && found.push(`${l.text} on ${l.host}`),
  });
  await job.exited;
  await job.close();
  return found;
}
