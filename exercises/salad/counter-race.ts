// Salad exercise S3 (seed 000, "Exercice 2: les verrous"): a counter server over the S2 RPC layer exposes
// inc(), which adds 1 to a shared counter N times (default 1e6). Three clients call it at once. Without a
// lock, increments made by one call are overwritten by another (a read-modify-write is not atomic): the
// final count is short. With --lock, the increment is a critical section and the count is exact.
//
//   npx tsx exercises/salad/counter-race.ts server [--port 18861] [--host ADDR] [--lock] [--n 1000000] [--clients 3]
//                                                   [--race async|threads] [--rounds R]
//   npx tsx exercises/salad/counter-race.ts client [--server ws://127.0.0.1:18861]     (start 3 at once)
//
// The race is real in both modes. `async` (default, same result on any machine): each increment reads the
// counter, yields to the event loop's other calls (await), then writes — the handout's thread switch
// between LOAD and STORE, every time. `threads`: each call runs in its own worker thread (like RPyC's
// ThreadedServer) on a SharedArrayBuffer, truly in parallel on several cores; lock = an Atomics mutex.
// The K = --clients calls of a round start together (a start gate), so their loops really overlap.
// Server output: `LISTENING <port>`, `N - i = <x>` per call, and per round
// `FINAL counter=<c> expected=<K*N> lost=<K*N-c>`; the counter is reset for the next round.
import { hostOption, checkHost, reachableHost, loopbackNote } from "./listen-host.ts";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { isMainModule } from "./fruits.ts";
import { connectRpc, serveRpc, type RpcServer } from "./rpc/rpc.ts";

export type RaceMode = "async" | "threads";

/** A promise-based mutual-exclusion lock: acquire() resolves when the caller holds it. FIFO. */
export class AsyncMutex {
  private held = false;
  private readonly waiting: Array<() => void> = [];
  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next(); // hand the lock over directly: it stays held
    else this.held = false;
  }
}

/** Slot 0 of the shared counter array holds the count, slot 1 the threads' lock word, slot 2 the go flag. */
const COUNT = 0;
const GO = 2;

/** N increments as read, yield, write; under `mutex` when one is given (the critical section). */
export async function incrementAsync(counter: Int32Array, n: number, mutex: AsyncMutex | null): Promise<void> {
  for (let k = 0; k < n; k++) {
    // SOLUTION BEGIN: one increment: read the counter, yield (await null) as a thread switch would, write value + 1; with a mutex, hold it around this read-modify-write
    if (mutex) await mutex.acquire();
    const value = counter[COUNT];
    await null; // another call runs here, as a thread switch would
    counter[COUNT] = value + 1;
    mutex?.release();
    // SOLUTION END
  }
}

/** The thread body (plain JavaScript, run with eval): waits for the go flag, then N increments. */
const THREAD_BODY = `
const { workerData, parentPort } = require("node:worker_threads");
const c = new Int32Array(workerData.sab);
const COUNT = 0, LOCK = 1, GO = 2;
while (Atomics.load(c, GO) === 0) Atomics.wait(c, GO, 0);
for (let k = 0; k < workerData.n; k++) {
  if (workerData.lock) while (Atomics.compareExchange(c, LOCK, 0, 1) !== 0) Atomics.wait(c, LOCK, 1);
  const value = Atomics.load(c, COUNT);
  Atomics.store(c, COUNT, value + 1);
  if (workerData.lock) { Atomics.store(c, LOCK, 0); Atomics.notify(c, LOCK, 1); }
}
parentPort.postMessage("done");
`;

/** Starts one increment thread on the shared counter; resolves when its N increments are done. */
export function incrementInThread(counter: Int32Array, n: number, lock: boolean): { ready: Promise<void>; done: Promise<void> } {
  const worker = new Worker(THREAD_BODY, { eval: true, workerData: { sab: counter.buffer, n, lock } });
  const ready = new Promise<void>((resolve) => worker.once("online", () => resolve()));
  const done = new Promise<void>((resolve, reject) => {
    worker.once("message", () => {
      void worker.terminate();
      resolve();
    });
    worker.once("error", reject);
  });
  return { ready, done };
}

export interface CounterOptions {
  n: number;
  clients: number;
  lock: boolean;
  race: RaceMode;
  log: (line: string) => void;
  /** Called after each round with the final count. */
  onRound?: (round: number, count: number) => void;
}

/** One round: K calls that start together on a fresh counter. */
export interface Round {
  number: number;
  counter: Int32Array;
  arrivals: Array<() => void>;
  threadsReady: number;
  finished: number;
  mutex: AsyncMutex | null;
}

/** The counter service: only `inc` is exposed. */
export class CounterService {
  private round!: Round;
  private roundNumber = 0;
  constructor(private readonly options: CounterOptions) {
    this.newRound();
  }

  private newRound(): void {
    this.roundNumber++;
    const counter = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    this.round = { number: this.roundNumber, counter, arrivals: [], threadsReady: 0, finished: 0, mutex: this.options.lock ? new AsyncMutex() : null };
  }

  /** Increments the shared counter N times, once K calls are in; returns {n, i} as i stood at the end. */
  async exposed_inc(): Promise<{ n: number; i: number }> {
    const { n, clients, lock, race, log } = this.options;
    const round = this.round;
    const thread = race === "threads" ? incrementInThread(round.counter, n, lock) : null;
    await new Promise<void>((resolve) => {
      round.arrivals.push(resolve);
      if (round.arrivals.length === clients) {
        log(`ROUND ${round.number} START ${clients} calls, N=${n}, lock=${lock ? "on" : "off"}, race=${race}`);
        this.newRound(); // later calls belong to the next round
        for (const go of round.arrivals) go();
      }
    });
    if (thread) {
      await this.startThreads(round, thread);
    } else {
      await incrementAsync(round.counter, n, this.lockFor(round));
    }
    const i = Atomics.load(round.counter, COUNT);
    log(`N - i = ${n - i}`);
    if (++round.finished === clients) {
      log(`FINAL counter=${i} expected=${clients * n} lost=${clients * n - i}`);
      this.options.onRound?.(round.number, i);
    }
    return { n, i };
  }

  /** The lock of the round's critical section: one mutex shared by all its calls (null without --lock). */
  protected lockFor(round: Round): AsyncMutex | null {
    return round.mutex;
  }

  /** Threads wait on the go flag until every thread of the round is online, then all start at once. */
  private async startThreads(round: Round, thread: { ready: Promise<void>; done: Promise<void> }): Promise<void> {
    await thread.ready;
    if (++round.threadsReady === this.options.clients) {
      Atomics.store(round.counter, GO, 1);
      Atomics.notify(round.counter, GO);
    }
    await thread.done;
  }
}

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** `server` subcommand: serves inc() until --rounds rounds are done (forever without it). */
export async function runCounterServer(argv: string[], service?: (o: CounterOptions) => object): Promise<void> {
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
  if (values.race !== "async" && values.race !== "threads") throw new Error(`--race is async or threads, got "${values.race}"`);
  const n = positiveInteger("n", values.n!);
  const clients = positiveInteger("clients", values.clients!);
  if (clients * n > 2 ** 31 - 1) throw new Error(`--clients × --n must stay below 2^31 (the counter is an int32), got ${clients * n}`);
  const rounds = values.rounds === undefined ? Infinity : positiveInteger("rounds", values.rounds);
  const log = (line: string) => console.log(line);
  let server: RpcServer | undefined;
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
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got "${values.port}"`);
  const host = checkHost(values.host!);
  const listening = await serveRpc(service ? service(options) : new CounterService(options), { host, port }).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`cannot listen on ${host}:${port}: ${err.code ?? err.message}. Try another --port (0 = any)`);
  });
  server = listening;
  log(`counter server on ws://${reachableHost(host)}:${listening.port}, waiting for ${clients} clients per round`);
  const note = loopbackNote(host);
  if (note) log(note);
  log(`LISTENING ${listening.port}`);
}

/** `client` subcommand: one inc() call, prints the handout's `N - i = …`. */
export async function runCounterClient(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { server: { type: "string", default: "ws://127.0.0.1:18861" } }, strict: true });
  const conn = await connectRpc(values.server!);
  const { n, i } = (await conn.root.inc()) as { n: number; i: number };
  console.log(`N - i = ${n - i}`);
  conn.close();
}

if (isMainModule(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  const run = command === "server" ? runCounterServer : command === "client" ? runCounterClient : undefined;
  if (!run) {
    console.error(`counter-race: say "server" or "client" first, e.g. counter-race.ts server --lock (got ${command ?? "nothing"})`);
    process.exit(2);
  }
  run(rest).catch((err: Error) => {
    console.error(`counter-race ${command}: ${err.message.replace(/\s*\n\s*/g, " ")}`);
    process.exit(1);
  });
}
