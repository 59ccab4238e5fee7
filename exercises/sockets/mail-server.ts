// Exercise 3 (lab book part 1, "Messagerie et ordre causal"): the mail server of one domain. Clients
// send mail to user@domain addresses; the server stamps each message with the sender's matrix clock,
// keeps it if the domain is its own, otherwise relays it to that domain's server over one FIFO TCP link
// per peer. It keeps each user's matrix clock (merged when mail arrives) and mailbox in arrival order;
// the client orders what it fetches. `--delay DOMAIN=MS` slows the link to DOMAIN (to show the race).
//   npx tsx exercises/sockets/mail-server.ts --port 5556 --domain tf1.fr --servers servers.txt
import * as fs from "node:fs";
import * as net from "node:net";
import { cli, die, parseHostPort, portsAreValid, socketErrorText } from "./common/cli.ts";
import { listenHostOption, loopbackNote } from "./common/listen.ts";
import { type MatrixClock, merge, recordSend } from "./common/matrix-clock.ts";
import { connectWithRetry, listen, onMessages, send } from "./common/net.ts";

const program = "mail-server";
const argv = cli(
  program,
  "$0 --port PORT --domain DOMAIN --servers FILE [--delay DOMAIN=MS]\n\nFILE lines: host:port:domain",
)
  .option("port", { type: "number", demandOption: true, describe: "TCP port for clients and other servers" })
  .option("bind", listenHostOption)
  .option("domain", { type: "string", demandOption: true, describe: "the domain this server is in charge of" })
  .option("servers", { type: "string", demandOption: true, describe: "file listing every server as host:port:domain" })
  .option("delay", { type: "string", array: true, default: [], describe: "DOMAIN=MS: hold each relay to DOMAIN MS ms" })
  .check(portsAreValid("port"))
  .check(
    (a) =>
      a.delay.every((d) => /^[^=]+=\d+$/.test(String(d))) ||
      "--delay takes DOMAIN=MILLISECONDS, e.g. --delay n.org=1500",
  )
  .parseSync();

interface Mail {
  from: string;
  to: string;
  text: string;
  clock: MatrixClock;
}
type Request =
  | { op: "send"; from: string; to: string[]; text: string }
  | { op: "fetch"; user: string }
  | { op: "relay"; mail: Mail };

function readServers(file: string): Map<string, { host: string; port: number }> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    die(program, `cannot read the servers file ${file}: ${(error as Error).message}`);
  }
  const servers = new Map<string, { host: string; port: number }>();
  for (const [n, line] of text.split("\n").entries()) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const at = line.trim().lastIndexOf(":");
    try {
      servers.set(line.trim().slice(at + 1), parseHostPort(line.trim().slice(0, at)));
    } catch (error) {
      die(program, `${file} line ${n + 1}: ${(error as Error).message}; expected host:port:domain`);
    }
  }
  return servers;
}

const servers = readServers(argv.servers);
const delays = new Map(argv.delay.map((d) => [d.split("=")[0], Number(d.split("=")[1])]));
const mailboxes = new Map<string, Mail[]>();
const clocks = new Map<string, MatrixClock>();
const links = new Map<string, Promise<net.Socket>>(); // one FIFO connection per peer domain
const queues = new Map<string, Promise<void>>(); // sends to one domain happen one after another

const domainOf = (address: string) => address.slice(address.lastIndexOf("@") + 1);

function store(mail: Mail): void {
  mailboxes.set(mail.to, [...(mailboxes.get(mail.to) ?? []), mail]);
  // SOLUTION BEGIN: the recipient's matrix clock learns what the mail's clock knew (merge)
  clocks.set(mail.to, merge(clocks.get(mail.to) ?? {}, mail.clock));
  // SOLUTION END
  console.log(`STORED to=${mail.to} from=${mail.from} text=${JSON.stringify(mail.text)}`);
}

function relay(domain: string, mail: Mail): void {
  const peer = servers.get(domain)!;
  if (!links.has(domain)) {
    const link = connectWithRetry(peer.host, peer.port);
    link.then(
      (s) => s.on("error", () => {}).on("close", () => links.delete(domain)),
      () => links.delete(domain),
    );
    links.set(domain, link);
  }
  const previous = queues.get(domain) ?? Promise.resolve();
  const next = previous.then(async () => {
    const delay = delays.get(domain) ?? 0;
    if (delay > 0) await new Promise((r) => setTimeout(r, delay)); // injected network latency, FIFO kept
    send(await links.get(domain)!, { op: "relay", mail });
    console.log(`RELAYED to=${mail.to} from=${mail.from} via ${domain}${delay ? ` after ${delay} ms` : ""}`);
  });
  queues.set(
    domain,
    next.catch((error) =>
      console.error(
        `${program}: cannot relay to ${domain} (${peer.host}:${peer.port}): ${socketErrorText(error, peer.host, peer.port)}`,
      ),
    ),
  );
}

function route(mail: Mail): void {
  const domain = domainOf(mail.to);
  if (domain === argv.domain) store(mail);
  else relay(domain, mail);
}

function handle(socket: net.Socket, request: Request): void {
  if (request.op === "relay") return route(request.mail);
  if (request.op === "fetch") return send(socket, { op: "mailbox", mails: mailboxes.get(request.user) ?? [] });
  if (request.op !== "send")
    return send(socket, {
      op: "error",
      message: `unknown operation ${JSON.stringify((request as { op: unknown }).op)}`,
    });
  const unknown = request.to.filter((to) => !to.includes("@") || !servers.has(domainOf(to)));
  if (unknown.length)
    return send(socket, {
      op: "error",
      message: `no server for ${unknown.join(", ")} (domains: ${[...servers.keys()].join(", ")})`,
    });
  // one mail to several people is one send event: every copy carries the clock counting all of them
  // SOLUTION BEGIN: stamp the mail: the sender's matrix clock after one send to each recipient (one send event), kept as the sender's new clock
  // STARTER: const clock: MatrixClock = {};
  const clock = request.to.reduce((c, to) => recordSend(c, request.from, to), clocks.get(request.from) ?? {});
  clocks.set(request.from, clock);
  // SOLUTION END
  for (const to of request.to) route({ from: request.from, to, text: request.text, clock });
  send(socket, { op: "sent", count: request.to.length });
}

const server = net.createServer((socket) => {
  socket.on("error", () => {});
  onMessages<Request>(
    socket,
    (request) => handle(socket, request),
    (line) => send(socket, { op: "error", message: `not JSON: ${line.slice(0, 80)}` }),
  );
});
if (!servers.has(argv.domain)) die(program, `${argv.servers} has no line for the domain ${argv.domain}`);
try {
  await listen(server, argv.port, argv.bind);
  console.log(
    `${program}: domain ${argv.domain} listening on TCP ${argv.bind}:${argv.port}; peers: ${[...servers.keys()].join(", ")}${loopbackNote(argv.bind)}`,
  );
} catch (error) {
  die(program, `cannot listen on TCP ${argv.bind}:${argv.port}: ${socketErrorText(error, argv.bind, argv.port)}`);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
