// Salad exercise S3's `--race threads` mode (given, not written by the student): each call of inc() runs
// its N increments in a worker thread, like RPyC's ThreadedServer, on a SharedArrayBuffer shared by the
// round's threads, truly in parallel on several cores; the lock is an Atomics spin-and-wait mutex.
// Counter array: slot 0 the count, slot 1 the lock word, slot 2 the go flag of the start gate.
import { Worker } from "node:worker_threads";

const GO = 2;

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

export interface ThreadRun {
  /** Resolves when the thread is online (waiting for the go flag). */
  ready: Promise<void>;
  /** Resolves when its N increments are done. */
  done: Promise<void>;
}

/** Starts one increment thread on the shared counter; it waits for the go flag before counting. */
export function incrementInThread(counter: Int32Array, n: number, lock: boolean): ThreadRun {
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

/** Raises the go flag once `count` threads of the round are online, so that they all start at once. */
export async function startThreadsTogether(
  counter: Int32Array,
  thread: ThreadRun,
  online: { count: number },
  count: number,
): Promise<void> {
  await thread.ready;
  if (++online.count === count) {
    Atomics.store(counter, GO, 1);
    Atomics.notify(counter, GO);
  }
  await thread.done;
}
