// Exercise 4 (lab book part 1, "Exclusion mutuelle I"): the coordinator of centralised mutual exclusion.
// Clients stay connected and send REQUEST / RELEASE; the server grants the critical section to one
// client at a time, first come first served (a FIFO queue). A client that disconnects while holding
// the lock (crash, Ctrl-C) releases it: the server notices the closed connection and grants the next.
//   npx tsx exercises/sockets/mutex-central.ts --port 9877
import * as net from "node:net";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";
import { listen, onMessages, send } from "./common/net.ts";

const program = "mutex-central";
const argv = cli(program, "$0 --port PORT\n\nGrants the critical section to one client at a time, in request order.")
  .option("port", { type: "number", default: 9877, describe: "TCP port for the clients" })
  .option("bind", listenHostOption)
  .check(portsAreValid("port"))
  .parseSync();

type Request = { op: "hello"; name: string } | { op: "request" } | { op: "release" };

const names = new Map<net.Socket, string>();
const queue: net.Socket[] = []; // waiting clients, oldest first
let holder: net.Socket | null = null;

const nameOf = (client: net.Socket) => names.get(client) ?? `${client.remoteAddress}:${client.remotePort}`;

function grantNext(): void {
  // SOLUTION BEGIN: when nobody holds the lock and someone waits: grant it to the oldest waiting client, print "GRANT NAME (waiting: …)" and send it {op: "grant"}
  if (holder || queue.length === 0) return;
  holder = queue.shift()!;
  console.log(`GRANT ${nameOf(holder)} (waiting: ${queue.map(nameOf).join(" ") || "nobody"})`);
  send(holder, { op: "grant" });
  // SOLUTION END
}

function onRequest(client: net.Socket, request: Request): void {
  if (request.op === "hello") {
    names.set(client, request.name);
    console.log(`HELLO ${request.name} from ${client.remoteAddress}:${client.remotePort}`);
  } else if (request.op === "request") {
    if (client === holder || queue.includes(client)) return send(client, { op: "error", message: "you already asked" });
    queue.push(client);
    console.log(`REQUEST ${nameOf(client)}`);
    grantNext();
  } else if (request.op === "release") {
    if (client !== holder) return send(client, { op: "error", message: "you do not hold the lock" });
    console.log(`RELEASE ${nameOf(client)}`);
    holder = null;
    grantNext();
  }
}

function onLeave(client: net.Socket): void {
  // SOLUTION BEGIN: a client left: drop it from the queue; if it held the lock, print "LEFT NAME while holding the lock: released" and grant the next; else print "LEFT NAME"
  const index = queue.indexOf(client);
  if (index >= 0) queue.splice(index, 1);
  if (client === holder) {
    console.log(`LEFT ${nameOf(client)} while holding the lock: released`);
    holder = null;
    grantNext();
  } else console.log(`LEFT ${nameOf(client)}`);
  names.delete(client);
  // SOLUTION END
}

const server = net.createServer((client) => {
  client.on("error", () => {}); // a reset is handled as a departure by 'close'
  client.on("close", () => onLeave(client));
  onMessages<Request>(
    client,
    (request) => onRequest(client, request),
    () => send(client, { op: "error", message: "not JSON" }),
  );
});
try {
  await listen(server, argv.port, argv.bind);
  console.log(`${program}: listening on TCP ${argv.bind}:${argv.port}${loopbackNote(argv.bind)}`);
} catch (error) {
  die(program, `cannot listen on TCP ${argv.bind}:${argv.port}: ${socketErrorText(error, argv.bind, argv.port)}`);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
