// Salad exercise S3 (seed 000, "Exercice 2: les verrous"): a counter server over the S2 RPC layer exposes
// inc(), which adds 1 to a shared counter N times (default 1e6). Three clients call it at once. Without a
// lock, increments made by one call are overwritten by another (a read-modify-write is not atomic): the
// final count is short. With --lock, the increment is a critical section and the count is exact.
// This file is the program (options, server, client); the service and its race are in
// counter-race-algorithm.ts (the part to write), the `--race threads` mode in counter-race-threads.ts.
//
//   npx tsx exercises/salad/counter-race.ts server [--port 18861] [--host ADDR] [--lock] [--n 1000000] [--clients 3]
//                                                   [--race async|threads] [--rounds R]
//   npx tsx exercises/salad/counter-race.ts client [--server ws://127.0.0.1:18861]     (start 3 at once)
//
// The race is real in both modes. `async` (default, same result on any machine): each increment reads the
// counter, yields to the event loop's other calls (await), then writes — the handout's thread switch
// between LOAD and STORE, every time. `threads`: each call runs in its own worker thread on shared memory.
// Server output: `LISTENING <port>`, `N - i = <x>` per call, and per round
// `FINAL counter=<c> expected=<K*N> lost=<K*N-c>`; the counter is reset for the next round.
import { parseArgs } from "node:util";
import { hostOption, checkHost, reachableHost, loopbackNote } from "./listen-host.ts";
import { connectRpc, serveRpc, type RpcServer } from "./rpc/rpc.ts";
import { CounterService, type CounterOptions } from "./counter-race-algorithm.ts";

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** `server` subcommand: serves inc() until --rounds rounds are done (forever without it). */
async function runCounterServer(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "18861" },
      ...hostOption,
      lock: { type: "boolean", default: false },
      n: { type: "string", default: "1000000" },
      clients: { type: "string", default: "3" },
      race: { type: "string", default: "async" },
      rounds: { type: "string" },
    },
    strict: true,
  });
  if (values.race !== "async" && values.race !== "threads")
    throw new Error(`--race is async or threads, got "${values.race}"`);
  const n = positiveInteger("n", values.n!);
  const clients = positiveInteger("clients", values.clients!);
  if (clients * n > 2 ** 31 - 1)
    throw new Error(`--clients × --n must stay below 2^31 (the counter is an int32), got ${clients * n}`);
  const rounds = values.rounds === undefined ? Infinity : positiveInteger("rounds", values.rounds);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got "${values.port}"`);
  const host = checkHost(values.host!);
  const log = (line: string) => console.log(line);
  const options: CounterOptions = {
    n,
    clients,
    lock: values.lock!,
    race: values.race,
    log,
    onRound: (round) => {
      // after the last answer is on its way (it is sent once inc() returns)
      if (round >= rounds) setImmediate(() => void server?.close().then(() => process.exit(0)));
    },
  };
  const server: RpcServer = await serveRpc(new CounterService(options), { host, port }).catch(
    (err: NodeJS.ErrnoException) => {
      throw new Error(`cannot listen on ${host}:${port}: ${err.code ?? err.message}. Try another --port (0 = any)`);
    },
  );
  log(`counter server on ws://${reachableHost(host)}:${server.port}, waiting for ${clients} clients per round`);
  const note = loopbackNote(host);
  if (note) log(note);
  log(`LISTENING ${server.port}`);
}

/** `client` subcommand: one inc() call, prints the handout's `N - i = …`. */
async function runCounterClient(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { server: { type: "string", default: "ws://127.0.0.1:18861" } },
    strict: true,
  });
  const conn = await connectRpc(values.server!);
  const { n, i } = (await conn.root.inc()) as { n: number; i: number };
  console.log(`N - i = ${n - i}`);
  conn.close();
}

const [command, ...rest] = process.argv.slice(2);
const run = command === "server" ? runCounterServer : command === "client" ? runCounterClient : undefined;
if (!run) {
  console.error(
    `counter-race: say "server" or "client" first, e.g. counter-race.ts server --lock (got ${command ?? "nothing"})`,
  );
  process.exit(2);
}
run(rest).catch((err: Error) => {
  console.error(`counter-race ${command}: ${err.message.replace(/\s*\n\s*/g, " ")}`);
  process.exit(1);
});
