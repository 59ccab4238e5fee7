// Exercise 5: starting ring members over SSH, shared by the launcher (ring-ssh.ts) and, in chain mode, by
// every daemon that starts the next one. The SSH settings travel from process to process in RING_SSH_*
// variables (never on a command line); the daemon's command is the same program at the same path on every
// machine. Also: which local address a process listens on by default — the one its SSH session came in
// on (the address the others reach it by), else loopback.
import * as dns from "node:dns/promises";
import * as path from "node:path";
import { localAddressTowards, startOnHosts, type HostEntry, type HostJob } from "tsmpi/launcher";

type StartOptions = NonNullable<Parameters<typeof startOnHosts>[2]>;
import { LOOPBACK } from "./common/listen.ts";

export interface SshSettings {
  key?: string;
  knownHosts?: string;
  acceptNew: boolean;
  readConfig: boolean;
}

/** The variables that hand the SSH settings to the next member. */
export function sshEnv(ssh: SshSettings): Record<string, string> {
  return {
    ...(ssh.key ? { RING_SSH_KEY: ssh.key } : {}),
    ...(ssh.knownHosts ? { RING_SSH_KNOWN_HOSTS: ssh.knownHosts } : {}),
    RING_SSH_ACCEPT_NEW: ssh.acceptNew ? "1" : "0",
    RING_SSH_CONFIG: ssh.readConfig ? "1" : "0",
  };
}

/** The SSH settings a member received from the one that started it. */
export function sshFromEnv(env: NodeJS.ProcessEnv): SshSettings {
  return {
    key: env.RING_SSH_KEY || undefined,
    knownHosts: env.RING_SSH_KNOWN_HOSTS || undefined,
    acceptNew: env.RING_SSH_ACCEPT_NEW === "1",
    readConfig: env.RING_SSH_CONFIG !== "0",
  };
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The shell command that runs `program` with this process's node and loader flags. */
export function nodeCommand(program: string, extra: string[] = []): string {
  return [process.execPath, ...process.execArgv, path.resolve(program), ...extra].map(quote).join(" ");
}

/**
 * Starts `command` on each host over SSH with its own variables; every output line is written here with
 * `label(i, host)` in front (so the lines of a whole chain reach the first process). `jobId`: the same for
 * every member of a run, so that whatever is left can be found on each host.
 */
export function startMembers(
  hosts: HostEntry[],
  command: string,
  envFor: (i: number) => Record<string, string>,
  ssh: SshSettings,
  label: (i: number, host: string) => string,
  jobId?: string,
): Promise<HostJob> {
  const options: StartOptions = {
    jobId,
    keyFile: ssh.key,
    knownHostsFiles: ssh.knownHosts ? [ssh.knownHosts] : undefined,
    acceptNewHosts: ssh.acceptNew,
    configPath: ssh.readConfig ? undefined : null,
    onLine: ({ index, host, stream, text }) =>
      (stream === "stdout" ? process.stdout : process.stderr).write(`[${label(index, host)}] ${text}\n`),
  };
  return startOnHosts(hosts, (_, i) => ({ command, cwd: process.cwd(), env: envFor(i) }), options);
}

/** A daemon's default listening address: where its SSH session arrived ($SSH_CONNECTION), else loopback. */
export function daemonBindAddress(env: NodeJS.ProcessEnv): string {
  return env.SSH_CONNECTION?.split(" ")[2] ?? LOOPBACK;
}

/**
 * The launcher's default listening address: the one this machine uses towards every listed machine when
 * that is a single address (loopback when they are all this machine), else every interface.
 */
export async function launcherBindAddress(machines: HostEntry[]): Promise<string> {
  const towards = new Set<string>();
  for (const machine of machines) {
    try {
      towards.add(await localAddressTowards((await dns.lookup(machine.host)).address));
    } catch {
      return "0.0.0.0"; // a name that does not resolve here: the SSH start will say so
    }
  }
  return towards.size === 1 ? [...towards][0] : "0.0.0.0";
}
