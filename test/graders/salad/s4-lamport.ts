// Grader S4 (salad, seed 000 part 2): workers use the bowl one at a time under Lamport's mutual exclusion.
// Two variants, the same checks: S4, the tsmpi program (tsrun -np 4 --trace DIR: 1 master + 3 workers),
// whose trace marks (docs/trace.md; texts as in exercises/salad/mpi/bowl.ts) are REQUEST / ENTER / LEAVE
// with the request's (timestamp, id), each recorded by the runtime with its vector clock and wall time;
// and S4-broker, the master and 3 workers as separate programs talking only through an MQTT broker (a
// private mosquitto the grader starts, s4-broker's mosquitto.ts), whose workers print the same events with
// the vector clock they keep over the broker's messages (exercises/salad/lamport-broker.ts). Checks every fruit once (S0 oracle),
// every request entered and left once, never two workers in the bowl at once — each entry happens after
// the previous exit (vector clocks: a causal chain, which no clock skew can fake) —, entries in
// (timestamp, id) order, and a total time ≈ the sequential one (the bowl serialises the preparations).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fail, programOf, type Checker, type Grader } from "../lib/grader.ts";
import {
  HANDOUT_UNITS,
  checkEveryFruitOnce,
  parsePrepared,
  resolveProgram,
  saladOracle,
  type Prepared,
} from "./lib/oracle.ts";
import { withProcesses, type Live, type Processes } from "./lib/proc.ts";
import { readTrace } from "../mpi/lib/trace.ts";
import { endedHow, startTsrun, totalUnits } from "./tsrun-job.ts";
import { startBroker } from "./mosquitto.ts";

const SCALE = "0.05";
const NP = 4;

interface BowlEvent {
  kind: "REQUEST" | "ENTER" | "LEAVE";
  worker: string;
  ts: number;
  id: number;
  /** vector clock of the mark (after it) */
  clock: number[];
  /** wall time of the mark, ms */
  time: number;
}

interface Visit {
  worker: string;
  ts: number;
  id: number;
  enter: BowlEvent;
  leave?: BowlEvent;
}

const EVENT = /^(REQUEST|ENTER|LEAVE) (\S+) ts=(\d+) id=(\d+)/;

/** The bowl's marks of a trace directory, every rank's. */
function readEvents(dir: string, np: number): BowlEvent[] {
  return readTrace(dir, np)
    .events.flat()
    .flatMap((e) => {
      const m = e.kind === "mark" && typeof e.text === "string" ? EVENT.exec(e.text) : null;
      if (!m) return [];
      return [
        {
          kind: m[1] as BowlEvent["kind"],
          worker: m[2],
          ts: Number(m[3]),
          id: Number(m[4]),
          clock: e.clock,
          time: e.time,
        },
      ];
    });
}

const BROKER_EVENT = /^(REQUEST|ENTER|LEAVE) (\S+) ts=(\d+) id=(\d+) vc=(\d+(?:,\d+)*) time=(\d+(?:\.\d+)?)/;

/** The bowl's events the broker variant's workers print, with the vector clocks they keep. */
function eventsFromLines(lines: string[]): BowlEvent[] {
  return lines.flatMap((line) => {
    const m = BROKER_EVENT.exec(line);
    return m
      ? [
          {
            kind: m[1] as BowlEvent["kind"],
            worker: m[2],
            ts: Number(m[3]),
            id: Number(m[4]),
            clock: m[5].split(",").map(Number),
            time: Number(m[6]),
          },
        ]
      : [];
  });
}

/** a happened before b (Fidge/Mattern: a ≤ b element-wise, and they differ). */
const happenedBefore = (a: number[], b: number[]) => a.every((x, i) => x <= b[i]) && a.some((x, i) => x < b[i]);
/** A linear extension of happened-before: the sum of a vector clock grows along every causal chain. */
const causalRank = (e: BowlEvent) => e.clock.reduce((sum, x) => sum + x, 0);

const stampText = (v: { ts: number; id: number }) => `(${v.ts}, ${v.id})`;

/** Pairs each worker's ENTER with its LEAVE (same request); fails on a missing or stray line. */
function visitsOf(events: BowlEvent[]): Visit[] {
  const visits: Visit[] = [];
  const inside = new Map<string, Visit>();
  for (const e of [...events]
    .filter((x) => x.kind !== "REQUEST")
    .sort((a, b) => causalRank(a) - causalRank(b) || a.time - b.time)) {
    const open = inside.get(e.worker);
    if (e.kind === "ENTER") {
      if (open)
        fail(
          `${e.worker} entered the bowl again (request ${stampText(e)}) without leaving it (request ${stampText(open)})`,
          "ENTER, LEAVE, ENTER, LEAVE… per worker",
        );
      const visit: Visit = { worker: e.worker, ts: e.ts, id: e.id, enter: e };
      inside.set(e.worker, visit);
      visits.push(visit);
    } else {
      if (!open || open.ts !== e.ts || open.id !== e.id)
        fail(
          `${e.worker} printed LEAVE for request ${stampText(e)} without entering with it`,
          "a LEAVE after each ENTER, same request",
        );
      open.leave = e;
      inside.delete(e.worker);
    }
  }
  const never = [...inside.values()];
  if (never.length)
    fail(
      `${never.map((v) => `${v.worker} (request ${stampText(v)})`).join(", ")} never left the bowl`,
      "a LEAVE line for every ENTER",
    );
  return visits;
}

/** Never two workers inside at once: each entry happens after the previous exit (a causal chain of visits). */
function checkExclusion(visits: Visit[], t0: number): string {
  const at = (ms: number) => `+${(ms - t0).toFixed(1)} ms`;
  for (let k = 1; k < visits.length; k++) {
    const prev = visits[k - 1];
    const next = visits[k];
    const left = prev.leave!;
    if (!happenedBefore(left.clock, next.enter.clock)) {
      const overlap =
        next.enter.time < left.time
          ? `while ${prev.worker} was in it (from ${at(prev.enter.time)} to ${at(left.time)})`
          : `(${prev.worker} left at ${at(left.time)})`;
      fail(
        `${next.worker} entered the bowl at ${at(next.enter.time)} ${overlap}; its ENTER does not happen after ${prev.worker}'s LEAVE (vector clocks [${next.enter.clock}] vs [${left.clock}])`,
        "one worker at a time in the bowl: every entry causally after the previous exit",
        "Enter only with the n-1 permissions and the own request at the head of the queue; release when leaving",
      );
    }
  }
  const spread = visits.length ? visits[visits.length - 1].leave!.time - t0 : 0;
  return `${visits.length} visits, each after the previous exit, over ${spread.toFixed(0)} ms`;
}

/** Served in Lamport's total order: entries sorted by (timestamp, id). */
function checkTimestampOrder(visits: Visit[]): string {
  for (let k = 1; k < visits.length; k++) {
    const a = visits[k - 1];
    const b = visits[k];
    if (b.ts < a.ts || (b.ts === a.ts && b.id <= a.id)) {
      fail(
        `request ${stampText(b)} of ${b.worker} was served after request ${stampText(a)} of ${a.worker}`,
        "requests served in increasing (timestamp, id) order",
        "The priority queue is ordered by timestamp, then id; enter only when the own request is at its head",
      );
    }
  }
  return `order ${visits.map(stampText).join(" ")}`;
}

/** Each REQUEST printed was served once. */
function checkRequestsServed(events: BowlEvent[], visits: Visit[]): string {
  const requests = events.filter((e) => e.kind === "REQUEST");
  const served = new Set(visits.map((v) => `${v.worker} ${v.ts}.${v.id}`));
  const waiting = requests.filter((r) => !served.has(`${r.worker} ${r.ts}.${r.id}`));
  if (waiting.length)
    fail(`request ${stampText(waiting[0])} of ${waiting[0].worker} never entered`, "every request served");
  if (visits.length !== requests.length)
    fail(`${visits.length} entries for ${requests.length} requests`, "one entry per request");
  return `${requests.length} requests, each served once`;
}

/** When the job did not finish: how far the bowl's lines got (`lines`: the job's output lines matching). */
function whereItStopped(lines: (pattern: RegExp) => string[]): string {
  const count = (k: string) => lines(new RegExp(`^${k} `)).length;
  return `after ${count("REQUEST")} REQUEST, ${count("ENTER")} ENTER and ${count("LEAVE")} LEAVE lines`;
}

/** The checks on the bowl's events, the same for both variants. */
async function checkBowl(checker: Checker, events: BowlEvent[], oracle: Prepared[], how: string): Promise<void> {
  let visits: Visit[] = [];
  const ok = await checker.check(
    "every request enters the bowl and leaves it once (REQUEST, ENTER, LEAVE events)",
    () => {
      if (!events.length)
        fail(
          `no REQUEST/ENTER/LEAVE events ${how}`,
          "an event at each request, entry and exit, with its vector clock",
          "as in the reference: mpi.mark(text) under tsrun --trace; the broker's workers print `… vc=<v0,v1,…> time=<ms>`",
        );
      visits = visitsOf(events);
      const served = checkRequestsServed(events, visits);
      if (visits.length !== oracle.length)
        fail(
          `${visits.length} visits to the bowl`,
          `one per fruit (${oracle.length})`,
          "Take the bowl once for each fruit",
        );
      return served;
    },
  );
  if (!ok) return;
  const t0 = events.reduce((m, e) => Math.min(m, e.time), Infinity);
  await checker.check("never two workers in the bowl at once", () => checkExclusion(visits, t0));
  await checker.check("requests are served in timestamp order ((timestamp, id))", () => checkTimestampOrder(visits));
}

/** The salad's total time: about the sequential one, as the bowl serialises the preparations. */
function checkTotal(master: Live, who: string): string {
  const units = totalUnits(master, who);
  if (units < HANDOUT_UNITS - 1)
    fail(
      `${units} units`,
      `at least ${HANDOUT_UNITS - 1} (one fruit at a time over the bowl)`,
      "Prepare the fruit inside the critical section",
    );
  // far above: the bowl stays idle between two workers (a loaded machine adds a few units per hand-over)
  if (units > HANDOUT_UNITS * 4)
    fail(
      `${units} units`,
      `≈ ${HANDOUT_UNITS} (at most ${HANDOUT_UNITS * 4})`,
      "Hand the bowl over as soon as it is released",
    );
  return `${units} units at --time-scale ${SCALE}`;
}

const TOTAL_CHECK = `takes about the sequential time (≈ ${HANDOUT_UNITS} units: the bowl serialises the preparations)`;

/** One traced run of the program and every check on it. */
async function gradeRun(
  checker: Checker,
  program: string,
  oracle: Prepared[],
  procs: Processes,
  traceDir: string,
): Promise<void> {
  const job = startTsrun(procs, program, NP, ["--time-scale", SCALE], {
    tsrunArgs: ["--trace", traceDir],
    timeoutS: 40,
  });
  job.command = job.command.replace(traceDir, "DIR");
  const ok = await checker.check(
    `runs under tsrun -np ${NP} (1 master + 3 workers sharing the bowl) and exits 0`,
    async () => {
      await job.live.finished((job.timeoutS + 30) * 1000).catch(() => undefined);
      if (job.live.exitInfo?.code !== 0) {
        fail(
          `${endedHow(job)}, ${whereItStopped((re) => job.live.lines(re))}`,
          "exit code 0",
          "A worker waiting forever for the bowl: does every worker send release to the n-1 others when it leaves, and answer every request with a permission?",
        );
      }
      return job.command;
    },
  );
  if (!ok) return;
  await checker.check("every fruit prepared exactly once (same result as S0)", () =>
    checkEveryFruitOnce(
      parsePrepared(job.live.lines()),
      oracle,
      "The master's task distribution does not change from S1",
    ),
  );
  await checkBowl(checker, readEvents(traceDir, NP), oracle, "in the trace");
  await checker.check(TOTAL_CHECK, () => checkTotal(job.live, job.command));
}

/** The broker variant: a private mosquitto, the master and 3 workers as separate programs, every check. */
async function gradeBrokerRun(
  checker: Checker,
  program: string,
  oracle: Prepared[],
  procs: Processes,
  url: string,
): Promise<void> {
  const topic = `salad-${process.pid}-${Date.now()}`;
  const common = ["--broker", url, "--workers", String(NP - 1), "--topic", topic, "--time-scale", SCALE];
  const master = procs.start("master", program, ["master", ...common]);
  const workers = Array.from({ length: NP - 1 }, (_, i) =>
    procs.start(`worker ${i}`, program, ["worker", ...common, "--id", String(i)]),
  );
  const all = [master, ...workers];
  const ok = await checker.check(
    `the master and ${NP - 1} workers, separate programs talking through the broker, exit 0`,
    async () => {
      await Promise.all(all.map((p) => p.finished(70_000).catch(() => undefined)));
      const bad = all.find((p) => p.exitInfo?.code !== 0);
      if (bad)
        fail(
          `${bad.describe()}, ${whereItStopped((re) => workers.flatMap((w) => w.lines(re)))}`,
          "exit code 0 for each",
          "A worker waiting forever for the bowl: does every worker publish release to the n-1 others when it leaves, and answer every request with a permission?",
        );
      return `lamport-broker.ts master|worker ${common.join(" ").replace(url, "URL")}`;
    },
  );
  if (!ok) return;
  await checker.check("every fruit prepared exactly once (same result as S0)", () =>
    checkEveryFruitOnce(
      parsePrepared(master.lines()),
      oracle,
      "The master's task distribution does not change from S1",
    ),
  );
  await checkBowl(checker, eventsFromLines(workers.flatMap((w) => w.lines())), oracle, "in the workers' output");
  await checker.check(TOTAL_CHECK, () => checkTotal(master, "the master"));
}

export const s4: Grader = {
  id: "S4",
  title:
    "Lamport's mutual exclusion over tsmpi: one worker at a time in the bowl, in (timestamp, id) order; every fruit once",
  reference: "exercises/salad/lamport-mutex.ts",
  async run(checker, options) {
    const program = resolveProgram(programOf(this, options));
    const oracle = await saladOracle();
    const traceDir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-salad-s4-"));
    try {
      await withProcesses((procs) => gradeRun(checker, program, oracle, procs, traceDir));
    } finally {
      fs.rmSync(traceDir, { recursive: true, force: true });
    }
  },
};

export const s4Broker: Grader = {
  id: "S4-broker",
  title: "Lamport's mutual exclusion through an MQTT broker (mosquitto): the same checks by vector clocks",
  reference: "exercises/salad/lamport-broker.ts",
  async run(checker, options) {
    const program = resolveProgram(programOf(this, options));
    const oracle = await saladOracle();
    let url = "";
    let stopBroker = async () => {};
    const up = await checker.check(
      "an MQTT broker: a private mosquitto on a free loopback port (or TSMPI_GRADE_MQTT)",
      async () => {
        const broker = await startBroker().catch((e: Error) => fail(e.message, "a running MQTT broker"));
        url = broker.url;
        stopBroker = broker.stop;
        return process.env.TSMPI_GRADE_MQTT ? url : "started";
      },
    );
    if (!up) return;
    try {
      await withProcesses((procs) => gradeBrokerRun(checker, program, oracle, procs, url));
    } finally {
      await stopBroker();
    }
  },
};
