// Salad exercise S3's algorithm: the counter service that three clients race on, without sockets or
// options (counter-race.ts serves it over the S2 RPC layer). `inc()` waits until the K calls of a round
// have arrived (a start gate, so that their loops really overlap), then adds 1 to the round's counter N
// times: in this event loop as read, yield, write (`async`), or in a worker thread each (`threads`,
// counter-race-threads.ts). With the lock, each read-modify-write holds the round's one mutex.
import { incrementInThread, startThreadsTogether, type ThreadRun } from "./counter-race-threads.ts";

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
    if (next)
      next(); // hand the lock over directly: it stays held
    else this.held = false;
  }
}

/** Slot 0 of the shared counter array holds the count (slot 1 the threads' lock word, slot 2 their go flag). */
const COUNT = 0;

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
interface Round {
  number: number;
  counter: Int32Array;
  arrivals: Array<() => void>;
  threadsReady: { count: number };
  finished: number;
  /** The lock of the round's critical section: one mutex shared by all its calls (null without --lock). */
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
    const mutex = this.options.lock ? new AsyncMutex() : null;
    this.round = { number: this.roundNumber, counter, arrivals: [], threadsReady: { count: 0 }, finished: 0, mutex };
  }

  /** Increments the shared counter N times, once K calls are in; returns {n, i} as i stood at the end. */
  async exposed_inc(): Promise<{ n: number; i: number }> {
    const { n, clients, lock, race, log } = this.options;
    const round = this.round;
    const thread: ThreadRun | null = race === "threads" ? incrementInThread(round.counter, n, lock) : null;
    await new Promise<void>((resolve) => {
      round.arrivals.push(resolve);
      if (round.arrivals.length === clients) {
        log(`ROUND ${round.number} START ${clients} calls, N=${n}, lock=${lock ? "on" : "off"}, race=${race}`);
        this.newRound(); // later calls belong to the next round
        for (const go of round.arrivals) go();
      }
    });
    if (thread) await startThreadsTogether(round.counter, thread, round.threadsReady, clients);
    else await incrementAsync(round.counter, n, round.mutex);
    const i = Atomics.load(round.counter, COUNT);
    log(`N - i = ${n - i}`);
    if (++round.finished === clients) {
      log(`FINAL counter=${i} expected=${clients * n} lost=${clients * n - i}`);
      this.options.onRound?.(round.number, i);
    }
    return { n, i };
  }
}
