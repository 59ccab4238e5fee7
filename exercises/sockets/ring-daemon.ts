// Exercise 5 (lab book part 1, "Exclusion mutuelle II"): the daemon that ring-ssh.ts starts over SSH on
// each machine of the list. Star mode (default): it opens a listening socket on a port chosen by the
// system, joins the infrastructure by connecting to the launcher (address and port in its environment) and
// telling it that port, learns its successor from the launcher, connects to it, and then relays the ring's
// messages: `gather` (appends "d<i>@<hostname>:<pid>" and passes it on), `token` (token-mutex.ts: critical
// section on the shared file while holding it). It stops when the launcher says so or goes away.
// Chain mode (RING_MODE=chain, set by `ring-ssh.ts --chain`): ring-chain-daemon.ts, anonymous members.
// The job's settings come in RING_* environment variables (the launcher's library sends them over SSH,
// never on the command line); each has an option to override it when the daemon is started by hand.
// It listens on the address its SSH session came in on (loopback when started by hand; --host to choose).
import { spawn } from "node:child_process";
import * as net from "node:net";
import * as os from "node:os";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { listenHostOption } from "./common/listen.ts";
import { connect, connectWithRetry, listen, onMessages, send } from "./common/net.ts";
import { runChainDaemon } from "./ring-chain-daemon.ts";
import { daemonBindAddress } from "./ring-launch.ts";
import { tokenMutex, type Token } from "./token-mutex.ts";

const program = "ring-daemon";
const env = process.env;
const numberFrom = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : Number(env[name]));
/** The launcher's address as this host sees it: where the SSH session came from ($SSH_CONNECTION). */
const sshClient = env.SSH_CONNECTION?.split(" ")[0];
const chain = env.RING_MODE === "chain";

const argv = cli(program, "$0 [--launcher-host H --launcher-port P --index I]")
  .epilogue(
    "One member of the ring of exercise 5, normally started by ring-ssh.ts over SSH with its settings in RING_* variables.",
  )
  .option("launcher-host", {
    type: "string",
    default: env.RING_LAUNCHER_HOST || sshClient,
    describe: "address of the launcher (RING_LAUNCHER_HOST, else where the SSH session came from)",
  })
  .option("launcher-port", {
    type: "number",
    default: numberFrom("RING_LAUNCHER_PORT"),
    describe: "port of the launcher (RING_LAUNCHER_PORT)",
  })
  .option("index", {
    type: "number",
    default: numberFrom("RING_INDEX"),
    describe: "this daemon's place on the ring, 0.. (RING_INDEX)",
  })
  .option("bind", { ...listenHostOption, default: daemonBindAddress(env) })
  .option("file", {
    type: "string",
    default: env.RING_FILE ?? "/tmp/ring-shared.txt",
    describe: "the shared file (RING_FILE)",
  })
  .option("rounds", {
    type: "number",
    default: numberFrom("RING_ROUNDS") ?? 2,
    describe: "critical sections to enter (RING_ROUNDS)",
  })
  .option("lines", {
    type: "number",
    default: numberFrom("RING_LINES") ?? 3,
    describe: "lines per critical section (RING_LINES)",
  })
  .option("line-delay-ms", {
    type: "number",
    default: numberFrom("RING_LINE_DELAY_MS") ?? 100,
    describe: "pause between two lines (RING_LINE_DELAY_MS)",
  })
  .option("detach", {
    type: "boolean",
    default: false,
    describe: "become a daemon: start a detached copy and exit (its output is lost)",
  })
  .check(portsAreValid("launcher-port"))
  .check(
    (a) =>
      chain ||
      (a["launcher-host"] !== undefined && a["launcher-port"] !== undefined && a.index !== undefined) ||
      "give --launcher-host, --launcher-port and --index (ring-ssh.ts sets RING_LAUNCHER_PORT and RING_INDEX)",
  )
  .parseSync();

const index = argv.index!;
const launcher = { host: argv["launcher-host"]!, port: argv["launcher-port"]! };
const secret = env.RING_SECRET ?? "";
const name = chain ? `daemon@${os.hostname()}:${process.pid}` : `d${index}@${os.hostname()}`;

if (argv.detach) {
  // The handout's fork(): the copy runs in its own session, the parent exits at once.
  const args = [...process.execArgv, ...process.argv.slice(1).filter((a) => a !== "--detach")];
  const copy = spawn(process.execPath, args, { detached: true, stdio: "ignore" });
  copy.unref();
  console.log(`DAEMON ${name} detached as pid ${copy.pid}`);
  process.exit(0);
}

const onToken = tokenMutex(
  { name, file: argv.file, rounds: argv.rounds, lines: argv.lines, lineDelayMs: argv["line-delay-ms"] },
  (line) => console.log(line),
);
if (chain)
  await runChainDaemon({
    name,
    secret,
    bind: argv.bind,
    parent: { host: argv["launcher-host"] ?? "127.0.0.1", port: numberFrom("RING_PARENT_PORT") ?? 0 },
    onToken,
  });

let stopping = false;
let next: net.Socket | undefined;

function stop(): void {
  stopping = true;
  server.close();
  next?.end();
  control.end(() => process.exit(0));
}

/** Messages from the predecessor: the first one must be {type: "link", secret}, else the stranger is dropped. */
function onPredecessor(socket: net.Socket): void {
  let linked = false;
  socket.on("error", () => {});
  socket.on(
    "close",
    () => linked && !stopping && die(program, `${name}: the previous member of the ring left before the end`),
  );
  onMessages<{ type: string; secret?: string; members?: string[]; lap?: number; finished?: number }>(
    socket,
    async (message) => {
      if (!linked) {
        if (message.type !== "link" || message.secret !== secret) return void socket.destroy();
        linked = true;
        return;
      }
      if (message.type === "gather") {
        send(next!, { type: "gather", members: [...(message.members ?? []), `${name}:${process.pid}`] });
      } else if (message.type === "token") {
        try {
          send(next!, await onToken(message as Token));
        } catch (error) {
          die(program, `${name} cannot write the shared file ${argv.file}: ${(error as Error).message}`);
        }
      }
    },
    () => socket.destroy(),
  );
}

const server = net.createServer(onPredecessor);
let port: number;
try {
  port = await listen(server, 0, argv.bind); // the system chooses the port; the launcher learns it
} catch (error) {
  die(program, `${name} cannot listen on ${argv.bind}: ${socketErrorText(error, argv.bind, 0)}`);
}

let control: net.Socket;
try {
  control = await connectWithRetry(launcher.host, launcher.port, 10_000);
} catch (error) {
  die(program, `${name} cannot join the launcher: ${socketErrorText(error, launcher.host, launcher.port)}`);
}
control.on("error", () => {});
control.on("close", () => stopping || die(program, `${name}: the launcher went away; stopping`));
send(control, { type: "join", secret, index, host: os.hostname(), pid: process.pid, address: argv.bind, port });
console.log(`JOINED ${name} listening on port ${port}, launcher ${launcher.host}:${launcher.port}`);

onMessages<{ type: string; host?: string | null; port?: number }>(control, async (message) => {
  if (message.type === "stop") return stop();
  if (message.type !== "next") return;
  const to = { host: message.host ?? launcher.host, port: message.port! }; // no host: the launcher closes the ring
  try {
    next = await connect(to.host, to.port);
  } catch (error) {
    die(program, `${name} cannot reach its successor: ${socketErrorText(error, to.host, to.port)}`);
  }
  next.on("error", () => {});
  send(next, { type: "link", secret, from: index });
  send(control, { type: "linked", index });
  console.log(`LINKED ${name} -> ${to.host}:${to.port}`);
});
