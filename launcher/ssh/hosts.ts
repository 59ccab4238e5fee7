// Start one command per host over SSH and stop them all (issue 7): the library the launcher (tsrun --hostfile)
// and socket exercise 5 (daemons started on a machine list) use.
//
//   startOnHosts(hosts, commandFor(host, index), options) → Promise<HostJob>
//     Connects to every host in parallel (connectHosts); if any fails, closes the others and throws one
//     SshHostsError naming each failed host and its cause. Then starts commandFor(host, i) on host i.
//   connectHosts(hosts, options) → Promise<SshConnection[]>       all or nothing, as above
//   startGuarded(connection, index, command, options) → RemoteHandle   several per connection are fine
//                                                                   (tsrun: one connection per host, one per rank)
//   HostJob: jobId, connections, handles, exited (every handle's RemoteExit), stopAll(), close()
//   RemoteHandle: host, index, write(data), endInput(), signal("TERM"), stop(), exited
//   options.onLine({host, index, stream, text}): every whole line of stdout/stderr, tagged by host (a last
//     line without "\n" is delivered when the stream ends)
//
// Stopping: every command runs under guard.cjs on the remote host (not a pty, which would merge stderr into
// stdout and echo stdin). The guard reads a control stream on stdin and kills the command's process group on
// "stop", and also when its stdin reaches EOF — i.e. when stopAll closes the connection, when the connection
// drops, or when this process dies (even by SIGKILL: the kernel closes the socket, sshd closes the session).
// So stopAll leaves nothing running, and signals work for root logins, which sshd cannot signal.
// Secrets: the command text, env, cwd and stdinPreamble travel in the first line of the guard's stdin; the
// remote process list shows only `node -e <guard> tsmpi-guard <jobId>` and `/bin/sh -c <command>`. Put the
// job's variables and secrets in env or stdinPreamble, never in the command. The remote environment gets
// TSMPI_JOB_ID=<jobId>, so the job's processes can be found (e.g. by /proc/PID/environ).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { SshTarget } from "./config.ts";
import { connectHost, type ConnectOptions, type RemoteExit, type SshConnection } from "./connection.ts";
import { SshError, SshHostsError } from "./errors.ts";

export interface HostCommand {
  /** Run by /bin/sh -c on the remote host. Visible in its process list: no secrets here. */
  command: string;
  /** Added to the remote environment (delivered on stdin, not visible in the process list). */
  env?: Record<string, string>;
  /** Working directory on the remote host (default: the login's home directory). */
  cwd?: string;
  /** Text the command reads first on its stdin (e.g. a JSON line with the job's variables). */
  stdinPreamble?: string;
  /** A secret the command reads on descriptor 3 (TSMPI_SECRET_FD=3): never in its environment. */
  secret?: string;
  /** Name of a variable the guard sets to a fresh private directory (mkdtemp, 0700), removed at the end. */
  privateDir?: string;
}

export interface HostLine {
  host: string;
  index: number;
  stream: "stdout" | "stderr";
  text: string;
}

export interface StartOptions extends ConnectOptions {
  /** Marker of this job's processes on every host (default: random). Letters, digits, - and _. */
  jobId?: string;
  /** Node on the remote hosts (default: this process's node, same path: same node). */
  nodePath?: string;
  /** Time between SIGTERM and SIGKILL when stopping (default 2 000 ms). */
  graceMs?: number;
  onLine?: (line: HostLine) => void;
}

export interface RemoteHandle {
  host: string;
  index: number;
  write(data: string | Buffer): void;
  endInput(): void;
  /** Sends a signal ("TERM", "INT", …) to the command's process group (works for root logins too). */
  signal(name: string): void;
  /** SIGTERM, then SIGKILL after graceMs; `exited` resolves when the command is gone. */
  stop(): void;
  exited: Promise<RemoteExit>;
}

export interface HostJob {
  jobId: string;
  connections: SshConnection[];
  handles: RemoteHandle[];
  exited: Promise<RemoteExit[]>;
  /** Stops every command, waits until each has exited (or its connection is gone), closes the connections. */
  stopAll(): Promise<void>;
  /** Closes the connections (the guards then stop whatever still runs). */
  close(): Promise<void>;
}

const GUARD_SOURCE = readFileSync(new URL("./guard.cjs", import.meta.url), "utf8")
  .split("\n")
  .filter((line) => !/^\s*\/\//.test(line))
  .join("\n");

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function newJobId(): string {
  return `tsmpi-${randomBytes(6).toString("hex")}`;
}

/** The remote command line: only the guard and the job id marker. */
export function guardCommandLine(nodePath: string, jobId: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(jobId)) throw new Error(`jobId must be letters, digits, - and _: ${jobId}`);
  return `exec ${shellQuote(nodePath)} -e ${shellQuote(GUARD_SOURCE)} tsmpi-guard ${jobId}`;
}

/** Calls onLine for every whole line of a stream (the last partial line at its end). */
function streamLines(stream: Readable, emit: (text: string) => void): Promise<void> {
  const decoder = new StringDecoder("utf8");
  let pending = "";
  return new Promise((resolve) => {
    stream.on("data", (chunk: Buffer) => {
      pending += decoder.write(chunk);
      let newline;
      while ((newline = pending.indexOf("\n")) >= 0) {
        emit(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    });
    stream.on("end", () => {
      pending += decoder.end();
      if (pending !== "") emit(pending);
      resolve();
    });
    stream.on("close", () => resolve());
    stream.on("error", () => resolve());
  });
}

/** Connects to every host in parallel; on any failure closes the rest and throws one SshHostsError. */
export async function connectHosts(hosts: SshTarget[], options: ConnectOptions = {}): Promise<SshConnection[]> {
  const results = await Promise.allSettled(hosts.map((host) => connectHost(host, options)));
  const failures = results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  if (failures.length === 0) return results.map((r) => (r as PromiseFulfilledResult<SshConnection>).value);
  await Promise.all(results.map((r) => (r.status === "fulfilled" ? r.value.close() : undefined)));
  const errors = failures.map((f) => (f instanceof SshError ? f : new SshError("?", "protocol", String(f))));
  throw new SshHostsError(errors, hosts.length);
}

/** Starts `command` under the guard on an open connection. */
export async function startGuarded(
  connection: SshConnection,
  index: number,
  command: string | HostCommand,
  options: StartOptions & { jobId: string },
): Promise<RemoteHandle> {
  const spec = typeof command === "string" ? { command } : command;
  const remote = await connection.exec(guardCommandLine(options.nodePath ?? process.execPath, options.jobId));
  const host = connection.target.alias;
  const control = (line: string) => {
    if (remote.stdin.writable) remote.stdin.write(`${line}\n`);
  };
  control(
    JSON.stringify({
      command: spec.command,
      env: { ...spec.env, TSMPI_JOB_ID: options.jobId },
      cwd: spec.cwd,
      preamble: spec.stdinPreamble,
      secret: spec.secret,
      privateDir: spec.privateDir,
      graceMs: options.graceMs ?? 2_000,
    }),
  );
  const onLine = options.onLine;
  const streams = [
    streamLines(remote.stdout, (text) => onLine?.({ host, index, stream: "stdout", text })),
    streamLines(remote.stderr, (text) => onLine?.({ host, index, stream: "stderr", text })),
  ];
  // exited resolves after the last line has been delivered (or the connection is gone).
  const exited = remote.exited.then(async (exit) => {
    await Promise.race([Promise.all(streams), connection.closed]);
    return exit;
  });
  return {
    host,
    index,
    write: (data) => control(`D${Buffer.from(data).toString("base64")}`),
    endInput: () => control("E"),
    signal: (name) => control(`S${name.replace(/^SIG/, "")}`),
    stop: () => control("K"),
    exited,
  };
}

/** Hang guard for stopAll: graceMs for SIGKILL to follow SIGTERM, plus time for the exits to come back. */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Connects to every host, then starts commandFor(host, index) on each. */
export async function startOnHosts<H extends SshTarget>(
  hosts: H[],
  commandFor: (host: H, index: number) => string | HostCommand,
  options: StartOptions = {},
): Promise<HostJob> {
  const jobId = options.jobId ?? newJobId();
  const connections = await connectHosts(hosts, options);
  let handles: RemoteHandle[];
  try {
    handles = await Promise.all(
      connections.map((c, i) => startGuarded(c, i, commandFor(hosts[i], i), { ...options, jobId })),
    );
  } catch (err) {
    await Promise.all(connections.map((c) => c.close())); // guards that did start see EOF and stop
    throw err;
  }
  const exited = Promise.all(handles.map((h) => h.exited));
  const close = async () => {
    await Promise.all(connections.map((c) => c.close()));
  };
  return {
    jobId,
    connections,
    handles,
    exited,
    close,
    async stopAll() {
      for (const handle of handles) handle.stop();
      await withinMs(exited, (options.graceMs ?? 2_000) + 10_000);
      await close();
    },
  };
}
