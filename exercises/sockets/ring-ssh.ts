// Exercise 5 (lab book part 1, "Exclusion mutuelle II"): the launcher, first process of the ring, started
// by hand. It opens a listening socket on a port the system chooses and starts daemons (ring-daemon.ts)
// over SSH on the machines of a list with the project's launcher library (daemon i on machine i mod M; the
// job's variables travel in the environment, never on the command line). Two ways to build the ring:
// - star (default, ring-star.ts): the launcher starts all N daemons, each joins it, it tells each its
//   successor; a `gather` message started by the launcher lists every member (GATHERED);
// - `--chain` (ring-chain.ts, the lab book's way): the launcher starts the first daemon only, each daemon
//   starts the next one, the last one's address climbs the chain and the launcher connects to it; members
//   are anonymous and the last one starts the gather message.
// Then a single token goes round for mutual exclusion on the shared file (token-mutex.ts) until every
// daemon has written its rounds, and everything stops (what is left is stopped over SSH).
//   npx tsx exercises/sockets/ring-ssh.ts --hostfile machines.txt --np 6 --file /shared/ring.txt [--chain]
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { parseHostfile, parseHostList, HostfileError, type HostEntry, type HostJob } from "tsmpi/launcher";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { listen, onMessages } from "./common/net.ts";
import { chainFirst, listenDown, startNext } from "./ring-chain.ts";
import { launcherBindAddress, nodeCommand, startMembers, sshEnv, type SshSettings } from "./ring-launch.ts";
import type { RingMessage } from "./ring-protocol.ts";
import { starLauncher } from "./ring-star.ts";

const program = "ring-ssh";
const argv = cli(program, "$0 --hostfile FILE [--np N] [--file SHARED] [--rounds R] [--chain]")
  .epilogue("Starts N daemons over SSH, builds a ring, gathers its members, then mutual exclusion by a token.")
  .option("hostfile", {
    type: "string",
    describe: "machine list: one host per line ('host', 'user@host', 'host port=N', '# comment')",
  })
  .option("host", { type: "string", describe: "comma-separated machine list instead of --hostfile" })
  .option("np", {
    type: "number",
    describe: "number of daemons (default: one per machine); daemon i runs on machine i mod M",
  })
  .option("chain", {
    type: "boolean",
    default: false,
    describe: "each daemon starts the next one (anonymous members; the last one starts the gather)",
  })
  .option("port", { type: "number", default: 0, describe: "listening port (0: chosen by the system)" })
  .option("bind", {
    type: "string",
    describe:
      "local address to listen on (default: the one this machine uses towards the machines, 0.0.0.0 if several)",
  })
  .option("advertise", {
    type: "string",
    describe: "address the daemons use to reach this process (default: where their SSH session comes from)",
  })
  .option("daemon", {
    type: "string",
    default: path.join(import.meta.dirname, "ring-daemon.ts"),
    describe: "the daemon program (same path on every machine)",
  })
  .option("file", {
    type: "string",
    default: "/tmp/ring-shared.txt",
    describe: "the shared file (same path on every machine, e.g. on NFS)",
  })
  .option("rounds", { type: "number", default: 2, describe: "critical sections per daemon (0: ring and gather only)" })
  .option("lines", { type: "number", default: 3, describe: "lines per critical section" })
  .option("line-delay-ms", { type: "number", default: 100, describe: "pause between two lines of a critical section" })
  .option("detach", {
    type: "boolean",
    default: false,
    describe: "daemons fork and their parent exits (the handout's daemon; not with --chain)",
  })
  .option("timeout-ms", { type: "number", default: 60_000, describe: "give up when the ring is not closed by then" })
  .option("ssh-key", { type: "string", describe: "private key for SSH (default: agent, ~/.ssh/id_*)" })
  .option("known-hosts", { type: "string", describe: "known_hosts file (default: ~/.ssh/known_hosts)" })
  .option("accept-new-hosts", { type: "boolean", default: false, describe: "add unknown host keys to known_hosts" })
  .option("ssh-config", { type: "boolean", default: true, describe: "read ~/.ssh/config (--no-ssh-config: do not)" })
  .check(portsAreValid("port"))
  .check(
    (a) => a.hostfile !== undefined || a.host !== undefined || "give the machines with --hostfile FILE or --host h1,h2",
  )
  .check(
    (a) =>
      a.np === undefined ||
      (Number.isInteger(a.np) && a.np >= 1) ||
      "--np must be a whole number of daemons, at least 1",
  )
  .check(
    (a) =>
      !(a.chain && a.detach) ||
      "--detach cannot go with --chain: a detached daemon could not relay the next ones' lines",
  )
  .parseSync();

function machineList(): HostEntry[] {
  try {
    if (argv.hostfile && !fs.existsSync(argv.hostfile)) die(program, `--hostfile ${argv.hostfile}: no such file`, 2);
    const hosts = [
      ...(argv.hostfile ? parseHostfile(fs.readFileSync(argv.hostfile, "utf8"), argv.hostfile) : []),
      ...(argv.host ? parseHostList(argv.host) : []),
    ];
    return hosts.length > 0 ? hosts : die(program, "the machine list is empty", 2);
  } catch (error) {
    if (error instanceof HostfileError) die(program, error.message, 2);
    throw error;
  }
}

const machines = machineList();
if (!fs.existsSync(argv.daemon))
  die(program, `--daemon ${argv.daemon}: no such file (the daemon must be at the same path on every machine)`, 2);
const n = argv.np ?? machines.length;
const placement = Array.from({ length: n }, (_, i) => machines[i % machines.length]);
const secret = randomBytes(16).toString("hex");
const ssh: SshSettings = {
  key: argv["ssh-key"],
  knownHosts: argv["known-hosts"],
  acceptNew: argv["accept-new-hosts"],
  readConfig: argv["ssh-config"],
};
const bind = argv.bind ?? (await launcherBindAddress(placement));
let job: HostJob | undefined;
let stopping = false;

/** Stops every daemon (stop message, then over SSH for whatever is left) and exits with `code`. */
async function finish(code: number, message?: string): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  if (message) console.error(`${program}: ${message}`);
  star?.stopAll();
  if (job) {
    await Promise.race([job.exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    await job.stopAll();
  }
  process.exit(code);
}
process.on("SIGINT", () => void finish(130, "interrupted: stopping the daemons"));
process.on("SIGTERM", () => void finish(143));

const setupGuard = setTimeout(
  () =>
    void finish(
      1,
      `the ring was not closed after ${argv["timeout-ms"] / 1000} s. Can the machines reach this one? (--bind, --advertise ADDRESS)`,
    ),
  argv["timeout-ms"],
).unref();
const star = argv.chain
  ? undefined
  : starLauncher({
      n,
      secret,
      rounds: argv.rounds,
      advertise: argv.advertise,
      port: () => port,
      closed: () => clearTimeout(setupGuard),
      finish,
    });
const chain = argv.chain ? chainFirst(secret, bind, n, argv.rounds, (m) => finish(1, m)) : undefined;
const settings = {
  RING_SECRET: secret,
  RING_FILE: path.resolve(argv.file),
  RING_ROUNDS: String(argv.rounds),
  RING_LINES: String(argv.lines),
  RING_LINE_DELAY_MS: String(argv["line-delay-ms"]),
  ...(argv.advertise ? { RING_LAUNCHER_HOST: argv.advertise } : {}),
};
let port: number;
if (chain) {
  chain.node.onLinked = () => clearTimeout(setupGuard);
  port = await listenDown(chain.node, chain.up, chain.stopped);
} else {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    onMessages(
      socket,
      (message: RingMessage) => star!.onMessage(socket, message),
      () => socket.destroy(),
    );
  });
  try {
    port = await listen(server, argv.port, bind);
  } catch (error) {
    die(program, `cannot listen on TCP ${bind}:${argv.port}: ${socketErrorText(error, bind, argv.port)}`);
  }
}
console.log(
  `LISTENING on ${bind}:${port}; starting ${n} daemons${chain ? " as a chain" : ""}: ${placement.map((h, i) => `d${i} on ${h.host}`).join(", ")}`,
);
const command = nodeCommand(argv.daemon, argv.detach ? ["--detach"] : []);
try {
  job = chain
    ? await startNext({ machines: placement, daemonCommand: command, env: settings, ssh }, port)
    : await startMembers(
        placement,
        command,
        (i) => ({ ...settings, ...sshEnv(ssh), RING_LAUNCHER_PORT: String(port), RING_INDEX: String(i) }),
        ssh,
        (i, host) => `d${i} ${host}`,
      );
} catch (error) {
  die(program, (error as Error).message); // SshHostsError: one line per failed host, naming it and the cause
}
console.log(`JOB ${job.jobId}`);
job.handles.forEach(
  (handle) =>
    void handle.exited.then((exit) => {
      if (!stopping && (exit.code !== 0 || !argv.detach) && !chain?.stopped())
        void finish(
          1,
          `daemon d${handle.index} on ${handle.host} stopped before the end (${exit.signal ?? `exit code ${exit.code}`})`,
        );
    }),
);
if (chain) {
  await chain.done;
  await finish(0);
}
