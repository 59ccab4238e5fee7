// Exercise 5 (lab book part 1, "Exclusion mutuelle II"): the launcher, first process of the ring, started
// by hand. It opens a listening socket on a port the system chooses, starts N daemons (ring-daemon.ts) over
// SSH on the machines of a list with the project's launcher library (daemon i on machine i mod M; the job's
// variables travel in the environment, never on the command line), and builds the ring
// launcher → d0 → d1 → … → d(N-1) → launcher: each daemon joins by telling its port, then learns its
// successor. A `gather` message goes round and comes back with every member (printed as GATHERED), then a
// single token goes round for mutual exclusion on the shared file (token-mutex.ts) until every daemon has
// written its rounds. Then the daemons are told to stop, and whatever is left is stopped over SSH.
//   npx tsx exercises/sockets/ring-ssh.ts --hostfile machines.txt --np 6 --file /shared/ring.txt
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { parseHostfile, parseHostList, startOnHosts, HostfileError, type HostEntry, type HostJob } from "tsmpi/launcher";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { connect, listen, onMessages, send } from "./common/net.ts";
import { firstToken, tokenAtLauncher, type Token } from "./token-mutex.ts";

const program = "ring-ssh";
const argv = cli(program, "$0 --hostfile FILE [--np N] [--file SHARED] [--rounds R]")
  .epilogue("Starts N daemons over SSH, builds a ring, gathers its members, then mutual exclusion by a token.")
  .option("hostfile", { type: "string", describe: "machine list: one host per line ('host', 'user@host', 'host port=N', '# comment')" })
  .option("host", { type: "string", describe: "comma-separated machine list instead of --hostfile" })
  .option("np", { type: "number", describe: "number of daemons (default: one per machine); daemon i runs on machine i mod M" })
  .option("port", { type: "number", default: 0, describe: "listening port (0: chosen by the system)" })
  .option("bind", { type: "string", default: "0.0.0.0", describe: "local address to bind" })
  .option("advertise", { type: "string", describe: "address the daemons use to reach this process (default: where their SSH session comes from)" })
  .option("daemon", { type: "string", default: path.join(import.meta.dirname, "ring-daemon.ts"), describe: "the daemon program (same path on every machine)" })
  .option("file", { type: "string", default: "/tmp/ring-shared.txt", describe: "the shared file (same path on every machine, e.g. on NFS)" })
  .option("rounds", { type: "number", default: 2, describe: "critical sections per daemon (0: ring and gather only)" })
  .option("lines", { type: "number", default: 3, describe: "lines per critical section" })
  .option("line-delay-ms", { type: "number", default: 100, describe: "pause between two lines of a critical section" })
  .option("detach", { type: "boolean", default: false, describe: "daemons fork and their parent exits (the handout's daemon)" })
  .option("timeout-ms", { type: "number", default: 60_000, describe: "give up when the ring is not closed by then" })
  .option("ssh-key", { type: "string", describe: "private key for SSH (default: agent, ~/.ssh/id_*)" })
  .option("known-hosts", { type: "string", describe: "known_hosts file (default: ~/.ssh/known_hosts)" })
  .option("accept-new-hosts", { type: "boolean", default: false, describe: "add unknown host keys to known_hosts" })
  .option("ssh-config", { type: "boolean", default: true, describe: "read ~/.ssh/config (--no-ssh-config: do not)" })
  .check(portsAreValid("port"))
  .check((a) => (a.hostfile !== undefined || a.host !== undefined) || "give the machines with --hostfile FILE or --host h1,h2")
  .check((a) => a.np === undefined || (Number.isInteger(a.np) && a.np >= 1) || "--np must be a whole number of daemons, at least 1")
  .parseSync();

function machineList(): HostEntry[] {
  try {
    if (argv.hostfile && !fs.existsSync(argv.hostfile)) die(program, `--hostfile ${argv.hostfile}: no such file`, 2);
    const hosts = [...(argv.hostfile ? parseHostfile(fs.readFileSync(argv.hostfile, "utf8"), argv.hostfile) : []), ...(argv.host ? parseHostList(argv.host) : [])];
    return hosts.length > 0 ? hosts : die(program, "the machine list is empty", 2);
  } catch (error) {
    if (error instanceof HostfileError) die(program, error.message, 2);
    throw error;
  }
}

interface Member { index: number; host: string; pid: number; address: string; port: number; control: net.Socket; linked: boolean }
const machines = machineList();
if (!fs.existsSync(argv.daemon)) die(program, `--daemon ${argv.daemon}: no such file (the daemon must be at the same path on every machine)`, 2);
const n = argv.np ?? machines.length;
const placement = Array.from({ length: n }, (_, i) => machines[i % machines.length]);
const secret = randomBytes(16).toString("hex");
const members = new Map<number, Member>();
const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
let job: HostJob | undefined;
let stopping = false;
let ringIn: net.Socket | undefined; // the link from d(N-1): the ring is closed
let ringOut: net.Socket | undefined;

/** Stops every daemon (stop message, then over SSH for whatever is left) and exits with `code`. */
async function finish(code: number, message?: string): Promise<never> {
  if (stopping) return new Promise<never>(() => {});
  stopping = true;
  if (message) console.error(`${program}: ${message}`);
  for (const member of members.values()) send(member.control, { type: "stop" });
  if (job) {
    await Promise.race([job.exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    await job.stopAll();
  }
  process.exit(code);
}
process.on("SIGINT", () => void finish(130, "interrupted: stopping the daemons"));
process.on("SIGTERM", () => void finish(143));

type Message = { type: string; secret?: string; index: number; host: string; pid: number; port: number; members?: string[]; lap?: number; finished?: number };

function onMessage(socket: net.Socket, message: Message): void {
  const member = [...members.values()].find((m) => m.control === socket);
  if (message.type === "join" && message.secret === secret && !members.has(message.index) && message.index >= 0 && message.index < n) {
    const address = (socket.remoteAddress ?? "?").replace(/^::ffff:/, "");
    members.set(message.index, { index: message.index, host: message.host, pid: message.pid, address, port: message.port, control: socket, linked: false });
    console.log(`JOINED d${message.index} on ${message.host} (${address}:${message.port}) pid ${message.pid}`);
    socket.on("close", () => void finish(1, `daemon d${message.index} on ${message.host} left before the end`));
    if (members.size === n) void linkRing();
  } else if (message.type === "link" && message.secret === secret) {
    ringIn = socket;
    startGatherWhenClosed();
  } else if (message.type === "linked" && member) {
    member.linked = true;
    startGatherWhenClosed();
  } else if (message.type === "gather" && socket === ringIn) {
    console.log(`GATHERED ${message.members!.length} members: ${message.members!.join(" ")}`);
    if (argv.rounds > 0) return send(ringOut!, firstToken());
    void finish(0);
  } else if (message.type === "token" && socket === ringIn) {
    const again = tokenAtLauncher(message as Token, n);
    if (again) return send(ringOut!, again);
    console.log(`MUTEX DONE: ${n} daemons × ${argv.rounds} rounds in ${message.lap} laps of the token`);
    void finish(0);
  } else if (!member && socket !== ringIn) {
    socket.destroy(); // a stranger, or a daemon of another run
  }
}

/** Once d(N-1) has linked to this process and every daemon to its successor, the ring is closed: gather. */
function startGatherWhenClosed(): void {
  if (!ringIn || !ringOut || members.size < n || ![...members.values()].every((m) => m.linked)) return;
  clearTimeout(setupGuard);
  console.log(`RING CLOSED: launcher -> ${placement.map((_, i) => `d${i}`).join(" -> ")} -> launcher`);
  send(ringOut, { type: "gather", members: [`launcher@${os.hostname()}:${process.pid}`] });
}

/** Every daemon has joined: link to d0, then tell each daemon its successor (the last one: this process). */
async function linkRing(): Promise<void> {
  const first = members.get(0)!;
  try {
    ringOut = await connect(first.address, first.port);
  } catch (error) {
    return finish(1, `cannot reach d0 on ${first.host}: ${socketErrorText(error, first.address, first.port)}`);
  }
  ringOut.on("error", () => {});
  send(ringOut, { type: "link", secret, from: "launcher" });
  for (let i = 0; i < n; i++) {
    const successor = members.get(i + 1);
    send(members.get(i)!.control, { type: "next", host: successor?.address ?? argv.advertise ?? null, port: successor?.port ?? listeningPort });
  }
}

const server = net.createServer((socket) => {
  socket.on("error", () => {});
  onMessages(socket, (message: Message) => onMessage(socket, message), () => socket.destroy());
});
let listeningPort: number;
try {
  listeningPort = await listen(server, argv.port, argv.bind);
} catch (error) {
  die(program, `cannot listen on TCP ${argv.bind}:${argv.port}: ${socketErrorText(error, argv.bind, argv.port)}`);
}
console.log(`LISTENING on ${argv.bind}:${listeningPort}; starting ${n} daemons: ${placement.map((h, i) => `d${i} on ${h.host}`).join(", ")}`);
const command = [process.execPath, ...process.execArgv, path.resolve(argv.daemon)].map(quote).join(" ") + (argv.detach ? " --detach" : "");
const settings = { RING_LAUNCHER_PORT: String(listeningPort), RING_SECRET: secret, RING_FILE: path.resolve(argv.file), RING_ROUNDS: String(argv.rounds), RING_LINES: String(argv.lines), RING_LINE_DELAY_MS: String(argv["line-delay-ms"]), ...(argv.advertise ? { RING_LAUNCHER_HOST: argv.advertise } : {}) };
const setupGuard = setTimeout(() => void finish(1, `the ring was not closed after ${argv["timeout-ms"] / 1000} s: ${members.size} of ${n} daemons joined. Can the machines reach this one? (--advertise ADDRESS)`), argv["timeout-ms"]).unref();
try {
  job = await startOnHosts(placement, (_, i) => ({ command, cwd: process.cwd(), env: { ...settings, RING_INDEX: String(i) } }), {
    keyFile: argv["ssh-key"], knownHostsFiles: argv["known-hosts"] ? [argv["known-hosts"]] : undefined,
    acceptNewHosts: argv["accept-new-hosts"], configPath: argv["ssh-config"] ? undefined : null,
    onLine: ({ index, host, stream, text }) => (stream === "stdout" ? process.stdout : process.stderr).write(`[d${index} ${host}] ${text}\n`),
  });
} catch (error) {
  die(program, (error as Error).message); // SshHostsError: one line per failed host, naming it and the cause
}
console.log(`JOB ${job.jobId}`);
job.handles.forEach((handle) => void handle.exited.then((exit) => {
  if (!stopping && (exit.code !== 0 || !argv.detach)) void finish(1, `daemon d${handle.index} on ${handle.host} stopped before the end (${exit.signal ?? `exit code ${exit.code}`})`);
}));
