// Exercise 5, chain mode (`ring-ssh.ts --chain`, the lab book's way): the sockets around ring-protocol.ts.
// Each process opens exactly one connection (`up`: a daemon to the process that started it, the first
// process to the last daemon) and accepts exactly one (`down`). Every message comes in on `down` and
// leaves on `up`, so the ring runs last → … → first daemon → first process → last. A daemon joins the
// process that started it, then starts the next daemon over SSH on the next machine of the list it was
// given (RING_REST), or, being the last, sends its address up the chain. Members know no index.
import * as net from "node:net";
import * as os from "node:os";
import type { HostEntry, HostJob } from "tsmpi/launcher";
import { socketErrorText } from "./common/cli.ts";
import { connect, connectWithRetry, listen, onMessages, send } from "./common/net.ts";
import { startMembers, sshEnv, type SshSettings } from "./ring-launch.ts";
import { chainFirstStep, memberName, type RingMessage, type Step } from "./ring-protocol.ts";
import { tokenAtLauncher, type Token } from "./token-mutex.ts";

export interface ChainNode {
  secret: string;
  bind: string;
  /** What the process does with each message from `down` (after the link is proved). */
  onMessage(message: RingMessage): Promise<Step & { connect?: { host: string; port: number } }>;
  /** The link from `down` is proved: its first message was `join` or `link` with the secret. */
  onLinked?(): void;
  fail(message: string): Promise<never>;
}

/** Listens for the one `down` link; resolves with the port. Strangers (no secret first) are dropped. */
export async function listenDown(
  node: ChainNode,
  up: () => net.Socket | undefined,
  stopped: () => boolean,
): Promise<number> {
  let taken = false;
  const server = net.createServer((socket) => {
    let proved = false;
    socket.on("error", () => {});
    socket.on(
      "close",
      () => proved && !stopped() && void node.fail("the previous member of the ring left before the end"),
    );
    onMessages<RingMessage>(
      socket,
      async (message) => {
        if (!proved) {
          if (taken || (message.type !== "join" && message.type !== "link") || message.secret !== node.secret)
            return void socket.destroy();
          taken = proved = true;
          server.close(); // one incoming link per process
          return node.onLinked?.();
        }
        const step = await node.onMessage(message);
        if (step.print) console.log(step.print);
        if (step.forward) send(up()!, step.forward);
      },
      () => socket.destroy(),
    );
  });
  try {
    return await listen(server, 0, node.bind);
  } catch (error) {
    return node.fail(`cannot listen on ${node.bind}: ${socketErrorText(error, node.bind, 0)}`);
  }
}

/** Opens the `up` link (retrying while the peer starts) and proves the secret with `first`. */
export async function connectUp(
  node: ChainNode,
  to: { host: string; port: number },
  first: RingMessage,
  stopped: () => boolean,
  retry = false,
): Promise<net.Socket> {
  let up: net.Socket;
  try {
    up = retry ? await connectWithRetry(to.host, to.port, 10_000) : await connect(to.host, to.port);
  } catch (error) {
    return node.fail(`cannot reach the next member of the ring: ${socketErrorText(error, to.host, to.port)}`);
  }
  up.on("error", () => {});
  up.on("close", () => !stopped() && void node.fail("the next member of the ring went away before the end"));
  send(up, first);
  return up;
}

export interface ChainStart {
  machines: HostEntry[];
  daemonCommand: string;
  env: Record<string, string>;
  ssh: SshSettings;
  jobId?: string;
}

/** Starts the next daemon of the chain on machines[0], handing it the rest of the list and our port. */
export function startNext(start: ChainStart, port: number): Promise<HostJob> {
  const [next, ...rest] = start.machines;
  const env = {
    ...start.env,
    ...sshEnv(start.ssh),
    RING_MODE: "chain",
    RING_PARENT_PORT: String(port),
    RING_REST: JSON.stringify(rest),
  };
  return startMembers(
    [next],
    start.daemonCommand,
    () => env,
    start.ssh,
    (_, host) => host,
    start.jobId,
  );
}

/**
 * The first process of a chain of `daemons` daemons: counts the token's laps (tokenAtLauncher), connects to
 * the last daemon when its address comes up the chain, and resolves once the stop message is back.
 */
export function chainFirst(
  secret: string,
  bind: string,
  daemons: number,
  rounds: number,
  fail: (m: string) => Promise<never>,
): { node: ChainNode; done: Promise<void>; up: () => net.Socket | undefined; stopped: () => boolean } {
  let up: net.Socket | undefined;
  let stopped = false;
  let resolveDone: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const name = memberName("launcher", os.hostname(), process.pid);
  const node: ChainNode = {
    secret,
    bind,
    fail,
    async onMessage(message) {
      if (message.type === "token") {
        const again = tokenAtLauncher(message as Token, daemons);
        if (again) return { forward: again };
        console.log(`MUTEX DONE: ${daemons} daemons × ${rounds} rounds in ${message.lap} laps of the token`);
        stopped = true; // from now on, members leaving is the normal end
        return { forward: { type: "stop" } };
      }
      const step = chainFirstStep(message, name, rounds);
      if (step.connect) {
        up = await connectUp(node, step.connect, { type: "link", secret, from: "first" }, () => stopped);
        console.log(
          `RING CLOSED: a chain of ${daemons} daemons, the first process linked to the last at ${step.connect.host}:${step.connect.port}`,
        );
      }
      if (step.forward) send(up!, step.forward);
      if (step.then) send(up!, step.then);
      if (step.then?.type === "stop") stopped = true; // from now on, members leaving is the normal end
      if (step.done) resolveDone();
      return {};
    },
  };
  return { node, done, up: () => up, stopped: () => stopped };
}
