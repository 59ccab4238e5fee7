// Exercise 5, chain mode: one daemon of the chain (ring-daemon.ts runs this when RING_MODE=chain). It
// listens, joins the process that started it (its `up` link), then starts the next daemon over SSH on the
// next machine of RING_REST, or, being the last (RING_REST empty), sends its own address up the chain. The
// first process then links to the last, which starts the gather message. Tokens get the critical section
// (token-mutex.ts) on the way through; `stop` is passed on, and the daemon waits for the one it started to
// end before it ends too, so nothing is left on any machine.
import type * as net from "node:net";
import * as os from "node:os";
import type { HostEntry, HostJob } from "tsmpi/launcher";
import { send } from "./common/net.ts";
import { connectUp, listenDown, startNext, type ChainNode } from "./ring-chain.ts";
import { nodeCommand, sshFromEnv } from "./ring-launch.ts";
import { chainStep, type RingMessage } from "./ring-protocol.ts";
import type { Token } from "./token-mutex.ts";

export interface ChainDaemon {
  name: string;
  secret: string;
  bind: string;
  parent: { host: string; port: number };
  onToken(token: Token): Promise<Token>;
}

/** Runs this daemon's part of the chain until `stop` has gone through (then exits 0) or a link breaks (exits 1). */
export async function runChainDaemon(d: ChainDaemon): Promise<never> {
  const rest = JSON.parse(process.env.RING_REST ?? "[]") as HostEntry[];
  const isLast = rest.length === 0;
  let up: net.Socket | undefined;
  let next: HostJob | undefined;
  let stopping = false;
  const exit = async (code: number, message?: string): Promise<never> => {
    if (message) console.error(`ring-daemon: ${d.name}: ${message}`);
    stopping = true;
    if (next)
      await (code === 0
        ? Promise.race([next.exited, new Promise((r) => setTimeout(r, 10_000))]).then(() => next!.close())
        : next.stopAll());
    up?.end();
    process.exit(code);
  };
  process.on("SIGTERM", () => void exit(143));
  const node: ChainNode = {
    secret: d.secret,
    bind: d.bind,
    fail: (message) => exit(1, message),
    // the first process linked to the last one: the ring is closed, the last one starts the gather message
    onLinked: () => isLast && send(up!, { type: "gather", members: [d.name] }),
    async onMessage(message: RingMessage) {
      if (message.type === "token") return { forward: await d.onToken(message) };
      const step = chainStep(message, d.name, isLast);
      if (step.stop) {
        stopping = true;
        setImmediate(() => void exit(0)); // after the caller has passed `stop` on
      }
      return step;
    },
  };
  const port = await listenDown(
    node,
    () => up,
    () => stopping,
  );
  up = await connectUp(
    node,
    d.parent,
    { type: "join", secret: d.secret, host: os.hostname(), pid: process.pid, address: d.bind, port },
    () => stopping,
    true,
  );
  console.log(
    `JOINED ${d.name} listening on ${d.bind}:${port}${isLast ? ", last of the chain" : `, starting the next daemon on ${rest[0].host}`}`,
  );
  if (isLast) {
    send(up, { type: "last", host: d.bind, port });
  } else {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k.startsWith("RING_") && k !== "RING_LAUNCHER_HOST"),
    ) as Record<string, string>;
    try {
      next = await startNext(
        {
          machines: rest,
          daemonCommand: nodeCommand(process.argv[1]),
          env,
          ssh: sshFromEnv(process.env),
          jobId: process.env.TSMPI_JOB_ID,
        },
        port,
      );
    } catch (error) {
      return exit(1, (error as Error).message);
    }
    void next.handles[0].exited.then(
      (e) =>
        stopping ||
        void exit(
          1,
          `the next daemon on ${rest[0].host} stopped before the end (${e.signal ?? `exit code ${e.code}`})`,
        ),
    );
  }
  return new Promise<never>(() => {});
}
