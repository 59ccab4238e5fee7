// Exercise 8 (lab book part 1, "Checkpoint distribué"): one process of a complete graph exchanging
// money (random transfers), with Chandy–Lamport snapshots started by process 0. On its first marker of
// snapshot k a process records its balance and counters, sends a marker on every outgoing channel, and
// records each incoming channel (transfers that arrive) until that channel's marker arrives. Recorded
// balances + recorded channel contents conserve the total. Lines: SNAPSHOT {json}, GLOBAL {json}, FINAL b.
//   npx tsx exercises/sockets/snapshot.ts --spawn 4 [--hostfile machines.txt]   (over SSH, as exercise 5)
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import { cli, die, parseHostPort, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";
import { connectWithRetry, listen, onMessages, send } from "./common/net.ts";
import { freePort } from "./common/spawn.ts";
import { machinesFor, MACHINE_OPTIONS } from "./common/machines.ts";

const program = "snapshot";
const argv = cli(program, "$0 --id I --peers H:P,H:P,… [options]   (listens on the I-th address)\n$0 --spawn N [options]")
  .option("id", { type: "number", describe: "this process's index in --peers (0 starts the snapshots)" })
  .option("peers", { type: "string", describe: "every process's host:port, comma-separated, in id order" })
  .option("bind", listenHostOption)
  .option("initial", { type: "number", default: 100, describe: "money each process starts with" })
  .option("tick-ms", { type: "number", default: 50, describe: "time between two transfers of a process" })
  .option("delay-ms", { type: "number", default: 0, describe: "latency added to every message (keeps FIFO)" })
  .option("snapshots", { type: "number", default: 3, describe: "snapshots process 0 takes before stopping everyone" })
  .option("every-ms", { type: "number", default: 1000, describe: "time between two snapshots" })
  .option("spawn", { type: "number", describe: "start N processes on this machine (or on --hostfile's machines)" })
  .options(MACHINE_OPTIONS)
  .check((a) => a.spawn !== undefined || (a.id !== undefined && a.peers !== undefined) || "give --id and --peers (or --spawn N)")
  .parseSync();

type Message = { op: "hello"; from: number } | { op: "transfer"; amount: number } | { op: "marker"; snapshot: number } | { op: "stop" } | { op: "report"; record: Recording };
interface Recording { snapshot: number; process: number; balance: number; sent: number[]; received: number[]; channels: Record<number, number[]> }

if (argv.spawn !== undefined) {
  const ports = await Promise.all(Array.from({ length: argv.spawn }, () => freePort()));
  const machines = await machinesFor(program, argv);
  const peers = ports.map((p, i) => `${machines.addressOf(i)}:${p}`).join(",");
  const launcherOnly = new Set(["--spawn", ...Object.keys(MACHINE_OPTIONS).map((k) => `--${k}`)]);
  const shared = process.argv.slice(2).filter((_, i, all) => !launcherOnly.has(all[i].split("=")[0]) && !(launcherOnly.has(all[i - 1]) && all[i - 1] !== "--accept-new-hosts"));
  process.exit(await machines.run(fileURLToPath(import.meta.url), ports.map((_, i) => ({ label: `p${i}`, args: ["--id", String(i), "--peers", peers, "--bind", machines.bind, ...shared] }))));
}

const me = argv.id!;
let peers: { host: string; port: number }[];
try {
  peers = argv.peers!.split(",").map(parseHostPort);
} catch (error) {
  die(program, `--peers: ${(error as Error).message}`);
}
if (!(me >= 0 && me < peers.length)) die(program, `--id ${me} is not an index of --peers (0..${peers.length - 1})`);
const others = peers.map((_, j) => j).filter((j) => j !== me);
let balance = argv.initial;
const sent = peers.map(() => 0);
const received = peers.map(() => 0);
const recordings = new Map<number, Recording & { open: Set<number> }>();
const reports = new Map<number, Recording[]>(); // process 0 gathers the recordings of each snapshot
const stoppedBy = new Set<number>();
let stopped = false;

const outgoing = new Map(others.map((j) => [j, connectWithRetry(peers[j].host, peers[j].port).then((s) => (s.on("error", () => {}), send(s, { op: "hello", from: me }), s))]));
const transmit = (j: number, message: Message) => {
  const write = () => void outgoing.get(j)!.then((s) => send(s, message), (error) => die(program, `process ${me} cannot reach process ${j}: ${socketErrorText(error, peers[j].host, peers[j].port)}`));
  if (argv["delay-ms"] > 0) setTimeout(write, argv["delay-ms"]); // same delay for all: timers keep FIFO order
  else write();
};

function transferSomething(): void {
  if (stopped || balance === 0) return;
  const to = others[Math.floor(Math.random() * others.length)];
  const amount = 1 + Math.floor(Math.random() * Math.min(balance, 10));
  balance -= amount;
  sent[to]++;
  transmit(to, { op: "transfer", amount });
}

/** Chandy–Lamport: record the local state, then a marker on every outgoing channel. */
function recordLocalState(snapshot: number, markerFrom?: number): void {
  // SOLUTION BEGIN: record balance and counters, open every incoming channel but the marker's, send a marker on every outgoing channel
  const open = new Set(others.filter((j) => j !== markerFrom));
  recordings.set(snapshot, { snapshot, process: me, balance, sent: [...sent], received: [...received], channels: Object.fromEntries(others.map((j) => [j, []])), open });
  for (const j of others) transmit(j, { op: "marker", snapshot });
  if (open.size === 0) complete(snapshot);
  // STARTER: void snapshot, markerFrom;
  // SOLUTION END
}

function complete(snapshot: number): void {
  const { open, ...record } = recordings.get(snapshot)!;
  console.log(`SNAPSHOT ${JSON.stringify(record)}`);
  if (me === 0) gather(record);
  else transmit(0, { op: "report", record });
}

function gather(record: Recording): void {
  const all = [...(reports.get(record.snapshot) ?? []), record];
  reports.set(record.snapshot, all);
  if (all.length < peers.length) return;
  const inChannels = all.reduce((sum, r) => sum + Object.values(r.channels).flat().reduce((a, b) => a + b, 0), 0);
  const balances = all.reduce((sum, r) => sum + r.balance, 0);
  console.log(`GLOBAL ${JSON.stringify({ snapshot: record.snapshot, balances, inChannels, total: balances + inChannels, expected: peers.length * argv.initial })}`);
  if (record.snapshot < argv.snapshots) setTimeout(() => recordLocalState(record.snapshot + 1), argv["every-ms"]);
  else stopEveryone();
}

function stopEveryone(): void {
  if (stopped) return;
  stopped = true; // FIFO: our stop follows our last transfer on every channel
  for (const j of others) transmit(j, { op: "stop" });
  finishIfDrained();
}

function finishIfDrained(): void {
  if (!stopped || stoppedBy.size < others.length) return;
  console.log(`FINAL ${balance}`);
  const close = () => Promise.all([...outgoing.values()].map((p) => p.then((s) => new Promise<void>((r) => s.end(() => r()))))).then(() => process.exit(0));
  setTimeout(close, argv["delay-ms"]); // after our own delayed stops have been written
}

function onMessage(from: number, message: Message): void {
  if (message.op === "transfer") {
    balance += message.amount;
    received[from]++;
    for (const r of recordings.values()) if (r.open.has(from)) r.channels[from].push(message.amount);
  } else if (message.op === "marker") {
    const recording = recordings.get(message.snapshot);
    if (!recording) recordLocalState(message.snapshot, from);
    else if (recording.open.delete(from) && recording.open.size === 0) complete(message.snapshot);
  } else if (message.op === "report") gather(message.record);
  else if (message.op === "stop") {
    stoppedBy.add(from);
    stopEveryone();
    finishIfDrained();
  }
}

const server = net.createServer((socket) => {
  let from = -1;
  socket.on("error", () => {});
  onMessages<Message>(socket, (message) => (message.op === "hello" ? (from = message.from) : onMessage(from, message)));
});
try {
  await listen(server, peers[me].port, argv.bind);
} catch (error) {
  die(program, `cannot listen on TCP ${argv.bind}:${peers[me].port}: ${socketErrorText(error, argv.bind, peers[me].port)}`);
}
console.log(`process ${me} listening on ${argv.bind}:${peers[me].port} with ${balance}; ${others.length} peers${loopbackNote(argv.bind)}`);
await Promise.all(outgoing.values());
setInterval(transferSomething, argv["tick-ms"]);
if (me === 0) setTimeout(() => recordLocalState(1), argv["every-ms"]);
