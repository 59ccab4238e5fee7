// Salad exercise S3, the price of the lock (seed 000, "Exercice 2: les verrous"): K concurrent callers
// each add 1 to a shared counter N times, with and without the lock of counter-race-algorithm.ts, for several N;
// the time of each run is printed as a table and, with --plot FILE.svg, drawn against N (log axes). The run
// without the lock is faster and wrong (lost increments); the lock makes it exact and costs time.
//   npx tsx exercises/salad/counter-lock-cost.ts [--clients 3] [--n 1000,10000,100000] [--race async|threads] [--plot lock.svg]
// Lines: `COST n=<N> lock=off|on ms=<t> counter=<c> expected=<K*N> lost=<l>` per run, then the table.
import { parseArgs } from "node:util";
import { AsyncMutex, incrementAsync, type RaceMode } from "./counter-race-algorithm.ts";
import { incrementInThread } from "./counter-race-threads.ts";
import { writeCharts } from "../common/svg-chart.ts";

interface Run {
  n: number;
  lock: boolean;
  ms: number;
  counter: number;
}

/** One round: K callers started together, N increments each; returns the time and the final counter. */
async function round(clients: number, n: number, lock: boolean, race: RaceMode): Promise<Run> {
  const counter = new Int32Array(new SharedArrayBuffer(16));
  if (race === "threads") {
    const threads = Array.from({ length: clients }, () => incrementInThread(counter, n, lock));
    await Promise.all(threads.map((t) => t.ready));
    const start = performance.now();
    Atomics.store(counter, 2, 1); // the start gate of counter-race-threads.ts
    Atomics.notify(counter, 2);
    await Promise.all(threads.map((t) => t.done));
    return { n, lock, ms: performance.now() - start, counter: counter[0] };
  }
  const mutex = lock ? new AsyncMutex() : null;
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, () => incrementAsync(counter, n, mutex)));
  return { n, lock, ms: performance.now() - start, counter: counter[0] };
}

try {
  const { values } = parseArgs({
    options: {
      clients: { type: "string", default: "3" },
      n: { type: "string", default: "1000,10000,100000" },
      race: { type: "string", default: "async" },
      plot: { type: "string" },
    },
  });
  const clients = Number(values.clients);
  const ns = values.n!.split(",").map(Number);
  if (!Number.isInteger(clients) || clients < 1)
    throw new Error(`--clients must be a whole number ≥ 1, got "${values.clients}"`);
  if (ns.some((n) => !Number.isInteger(n) || n < 1 || n * clients > 2 ** 31 - 1))
    throw new Error(`--n takes whole numbers ≥ 1 separated by commas (K × N below 2^31), got "${values.n}"`);
  if (values.race !== "async" && values.race !== "threads")
    throw new Error(`--race is async or threads, got "${values.race}"`);
  const runs: Run[] = [];
  for (const n of ns) {
    for (const lock of [false, true]) {
      const run = await round(clients, n, lock, values.race);
      runs.push(run);
      console.log(
        `COST n=${n} lock=${lock ? "on" : "off"} ms=${run.ms.toFixed(3)} counter=${run.counter} expected=${clients * n} lost=${clients * n - run.counter}`,
      );
    }
  }
  console.log(
    `\n| N per caller | without lock (ms) | with lock (ms) | lock cost | lost without lock |\n|---:|---:|---:|---:|---:|`,
  );
  for (const n of ns) {
    const [off, on] = [false, true].map((lock) => runs.find((r) => r.n === n && r.lock === lock)!);
    console.log(
      `| ${n} | ${off.ms.toFixed(1)} | ${on.ms.toFixed(1)} | ×${(on.ms / off.ms).toFixed(2)} | ${clients * n - off.counter} |`,
    );
  }
  if (values.plot) {
    const series = (lock: boolean) => ({
      name: lock ? "with lock (exact)" : "without lock (loses increments)",
      points: runs.filter((r) => r.lock === lock).map((r) => [r.n, Number(r.ms.toFixed(3))] as [number, number]),
    });
    writeCharts(values.plot, [
      {
        title: `Cost of the lock (${clients} callers, ${values.race})`,
        x: { label: "increments per caller", log: true },
        y: { label: "time (ms)", log: true },
        series: [series(false), series(true)],
      },
    ]);
    console.log(`plot written to ${values.plot}`);
  }
} catch (err) {
  console.error(`counter-lock-cost: ${(err as Error).message}`);
  process.exit(2);
}
