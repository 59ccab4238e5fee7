// Starting ranks on other machines over SSH (tsrun --hostfile / --host), as mpirun does: one SSH connection
// per host, opened to all hosts in parallel, every rank of a host started from that connection under the
// guard of launcher/ssh/hosts.ts (which stops it when the connection or tsrun goes away). The job's
// variables and secret travel on the guard's stdin, never on a command line. Ranks on one host talk over
// Unix sockets (or, with --transport shm, run as threads of one process per host: remote-threads.ts), ranks
// on different hosts over TCP, directly; each reaches tsrun's control socket over TCP
// at the address this machine uses to reach that host.
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as dns from "node:dns/promises";
import * as net from "node:net";
import { PassThrough } from "node:stream";
import { connectHosts, newJobId, shellQuote, startGuarded, type RemoteHandle } from "./ssh/hosts.ts";
import type { ConnectOptions, SshConnection } from "./ssh/connection.ts";
import type { Placement } from "./placement.ts";
import type { RankProcess, RankSpec } from "./local.ts";
import { isThisMachine } from "./this-machine.ts";
import { localConnection } from "./local-host.ts";
import { Env } from "../runtime/wire/bootstrap.ts";
import { threadHostBeside } from "./threads.ts";

export interface RemoteHosts {
  jobId: string;
  placement: Placement;
  connections: SshConnection[];
  /** Address of each host as this machine reaches it (ranks there listen on it). */
  addresses: string[];
  /** Address of this machine as seen from each host (for the control socket). */
  localAddresses: string[];
  /** --transport shm: the thread host's script, at the same path on every host (shipBundle puts it there). */
  threadHost?: string;
}

/** The local address the kernel would use to reach `address` (no packet is sent). */
export function localAddressTowards(address: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(address) ? "udp6" : "udp4");
    socket.on("error", reject);
    socket.connect(9, address, () => {
      const local = socket.address().address;
      socket.close();
      resolve(local);
    });
  });
}

/**
 * Connects to every host of the placement that has ranks; one SshHostsError names every host that failed.
 * Entries naming this machine get a local stand-in (local-host.ts) whose ranks listen on the address the
 * other hosts reach this machine at.
 */
export async function connectPlacement(placement: Placement, options: ConnectOptions): Promise<RemoteHosts> {
  const here = placement.hosts.map(isThisMachine);
  const remote = await connectHosts(
    placement.hosts.filter((_, i) => !here[i]),
    options,
  );
  const remoteAddresses = await Promise.all(remote.map(async (c) => (await dns.lookup(c.target.hostName)).address));
  const hereAddress = remoteAddresses.length ? await localAddressTowards(remoteAddresses[0]) : "127.0.0.1";
  let next = 0;
  const connections = placement.hosts.map((entry, i) => (here[i] ? localConnection(entry) : remote[next++]));
  next = 0;
  const addresses = here.map((isHere) => (isHere ? hereAddress : remoteAddresses[next++]));
  const localAddresses = await Promise.all(addresses.map((a, i) => (here[i] ? hereAddress : localAddressTowards(a))));
  return { jobId: newJobId(), placement, connections, addresses, localAddresses };
}

/** What a rank on another host gets of its spec's environment: tsmpi's variables and those exported with -x. */
export function remoteEnvironment(spec: RankSpec): Record<string, string> {
  return Object.fromEntries(
    Object.entries(spec.env).filter(
      ([k, v]) =>
        v !== undefined &&
        k !== Env.SOCKET_DIR &&
        k !== Env.SECRET_FD &&
        (k.startsWith("TSMPI_") || spec.exported.includes(k)),
    ),
  ) as Record<string, string>;
}

/** Starts one rank on its host; its output arrives as streams, like a local rank's. */
export async function spawnRemoteRank(hosts: RemoteHosts, spec: RankSpec): Promise<RankProcess> {
  const hostIndex = hosts.placement.ranks[spec.rank].hostIndex;
  const connection = hosts.connections[hostIndex];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const words = spec.command ?? [
    process.execPath,
    ...(spec.nodeArgs ?? []),
    "--enable-source-maps",
    spec.bundle,
    ...spec.args,
  ];
  const environment = remoteEnvironment(spec);
  const handle: RemoteHandle = await startGuarded(
    connection,
    spec.rank,
    // The secret goes to the rank's descriptor 3 and its socket directory is a fresh mkdtemp made by the
    // guard (never a name derived from the job id, which other users can read in the process list).
    {
      command: `exec ${words.map(shellQuote).join(" ")}`,
      env: environment,
      cwd: spec.cwd,
      secret: spec.secret,
      privateDir: Env.SOCKET_DIR,
    },
    {
      jobId: hosts.jobId,
      graceMs: 500,
      onLine: (line) => (line.stream === "stdout" ? stdout : stderr).write(`${line.text}\n`),
    },
  );
  const exited = handle.exited.then((exit) => {
    stdout.end();
    stderr.end();
    return {
      code: exit.lost ? null : exit.code,
      signal: (exit.signal as NodeJS.Signals | null) ?? (exit.lost ? ("SIGHUP" as const) : null),
    };
  });
  const stdin = spec.stdin ? new PassThrough() : null;
  stdin?.on("data", (d: Buffer) => handle.write(d));
  stdin?.on("end", () => handle.endInput());
  return {
    rank: spec.rank,
    pid: -1,
    host: connection.label,
    stdout,
    stderr,
    stdin,
    exited,
    kill(signal) {
      if (signal === "SIGKILL") handle.stop();
      else handle.signal(signal);
    },
  };
}

/**
 * Makes sure every host has the job's bundle at the same path (copied where it is missing); with `threads`
 * (--transport shm) also the thread host, a copy beside the bundle (hosts.threadHost).
 */
export async function shipBundle(hosts: RemoteHosts, bundle: string, threads = false): Promise<void> {
  if (threads) hosts.threadHost = threadHostBeside(bundle);
  const files = [bundle, `${bundle}.map`, hosts.threadHost ?? ""].filter((f) => f && fs.existsSync(f));
  await Promise.all(hosts.connections.map((c) => c.ensureFiles(files)));
}

export async function closeHosts(hosts: RemoteHosts): Promise<void> {
  await Promise.all(hosts.connections.map((c) => c.close()));
}
