// Grader S4 (salad, seed 000 part 2): workers use the bowl one at a time under Lamport's mutual exclusion
// (tsrun -np 4 --trace DIR: 1 master + 3 workers). Reads the program's trace marks (docs/trace.md; format
// of the texts in exercises/salad/mpi/bowl.ts): REQUEST / ENTER / LEAVE with the request's (timestamp, id),
// each recorded by the runtime with its vector clock and wall time. Checks every fruit once (S0 oracle),
// every request entered and left once, never two workers in the bowl at once — each entry happens after
// the previous exit (vector clocks: a causal chain, which no clock skew can fake) —, entries in
// (timestamp, id) order, and a total time ≈ the sequential one (the bowl serialises the preparations).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fail, programOf, type Checker, type Grader } from "../lib/grader.ts";
import { HANDOUT_UNITS, checkEveryFruitOnce, parsePrepared, resolveProgram, saladOracle, type Prepared } from "./lib/oracle.ts";
import { withProcesses, type Live, type Processes } from "./lib/proc.ts";
import { readTrace } from "../mpi/lib/trace.ts";
import { endedHow, startTsrun, totalUnits } from "./tsrun-job.ts";

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
  return readTrace(dir, np).events.flat().flatMap((e) => {
    const m = e.kind === "mark" && typeof e.text === "string" ? EVENT.exec(e.text) : null;
    if (!m) return [];
    return [{ kind: m[1] as BowlEvent["kind"], worker: m[2], ts: Number(m[3]), id: Number(m[4]), clock: e.clock, time: e.time }];
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
  for (const e of [...events].filter((x) => x.kind !== "REQUEST").sort((a, b) => causalRank(a) - causalRank(b) || a.time - b.time)) {
    const open = inside.get(e.worker);
    if (e.kind === "ENTER") {
      if (open) fail(`${e.worker} entered the bowl again (request ${stampText(e)}) without leaving it (request ${stampText(open)})`, "ENTER, LEAVE, ENTER, LEAVE… per worker");
      const visit: Visit = { worker: e.worker, ts: e.ts, id: e.id, enter: e };
      inside.set(e.worker, visit);
      visits.push(visit);
    } else {
      if (!open || open.ts !== e.ts || open.id !== e.id) fail(`${e.worker} printed LEAVE for request ${stampText(e)} without entering with it`, "a LEAVE after each ENTER, same request");
      open.leave = e;
      inside.delete(e.worker);
    }
  }
  const never = [...inside.values()];
  if (never.length) fail(`${never.map((v) => `${v.worker} (request ${stampText(v)})`).join(", ")} never left the bowl`, "a LEAVE line for every ENTER");
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
      const overlap = next.enter.time < left.time ? `while ${prev.worker} was in it (from ${at(prev.enter.time)} to ${at(left.time)})` : `(${prev.worker} left at ${at(left.time)})`;
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
  if (waiting.length) fail(`request ${stampText(waiting[0])} of ${waiting[0].worker} never entered`, "every request served");
  if (visits.length !== requests.length) fail(`${visits.length} entries for ${requests.length} requests`, "one entry per request");
  return `${requests.length} requests, each served once`;
}

/** When the job did not finish: how far the bowl's lines got. */
function whereItStopped(live: Live): string {
  const count = (k: string) => live.lines(new RegExp(`^${k} `)).length;
  return `after ${count("REQUEST")} REQUEST, ${count("ENTER")} ENTER and ${count("LEAVE")} LEAVE lines`;
}

/** One traced run of the program and every check on it. */
async function gradeRun(checker: Checker, program: string, oracle: Prepared[], procs: Processes, traceDir: string): Promise<void> {
  const job = startTsrun(procs, program, NP, ["--time-scale", SCALE], { tsrunArgs: ["--trace", traceDir], timeoutS: 40 });
  job.command = job.command.replace(traceDir, "DIR");
  let ok = await checker.check(`runs under tsrun -np ${NP} (1 master + 3 workers sharing the bowl) and exits 0`, async () => {
    await job.live.finished((job.timeoutS + 30) * 1000).catch(() => undefined);
    if (job.live.exitInfo?.code !== 0) {
      fail(
        `${endedHow(job)}, ${whereItStopped(job.live)}`,
        "exit code 0",
        "A worker waiting forever for the bowl: does every worker send release to the n-1 others when it leaves, and answer every request with a permission?",
      );
    }
    return job.command;
  });
  if (!ok) return;
  await checker.check("every fruit prepared exactly once (same result as S0)", () =>
    checkEveryFruitOnce(parsePrepared(job.live.lines()), oracle, "The master's task distribution does not change from S1"),
  );
  const events = readEvents(traceDir, NP);
  let visits: Visit[] = [];
  ok = await checker.check("every request enters the bowl and leaves it once (REQUEST, ENTER, LEAVE marks in the trace)", () => {
    if (!events.length) fail("no REQUEST/ENTER/LEAVE marks in the trace", "marks as in exercises/salad/mpi/bowl.ts, e.g. mpi.mark(`ENTER worker-2 ts=3 id=1`)", "Call mpi.mark(text) at each request, entry and exit: tsrun --trace records it with the event's vector clock");
    visits = visitsOf(events);
    const served = checkRequestsServed(events, visits);
    if (visits.length !== oracle.length) fail(`${visits.length} visits to the bowl`, `one per fruit (${oracle.length})`, "Take the bowl once for each fruit");
    return served;
  });
  if (!ok) return;
  const t0 = events.reduce((m, e) => Math.min(m, e.time), Infinity);
  await checker.check("never two workers in the bowl at once", () => checkExclusion(visits, t0));
  await checker.check("requests are served in timestamp order ((timestamp, id))", () => checkTimestampOrder(visits));
  await checker.check(`takes about the sequential time (≈ ${HANDOUT_UNITS} units: the bowl serialises the preparations)`, () => {
    const units = totalUnits(job.live, job.command);
    if (units < HANDOUT_UNITS - 1) fail(`${units} units`, `at least ${HANDOUT_UNITS - 1} (one fruit at a time over the bowl)`, "Prepare the fruit inside the critical section");
    // far above: the bowl stays idle between two workers (a loaded machine adds a few units per hand-over)
    if (units > HANDOUT_UNITS * 4) fail(`${units} units`, `≈ ${HANDOUT_UNITS} (at most ${HANDOUT_UNITS * 4})`, "Hand the bowl over as soon as it is released");
    return `${units} units at --time-scale ${SCALE}`;
  });
}

export const s4: Grader = {
  id: "S4",
  title: "Lamport's mutual exclusion over tsmpi: one worker at a time in the bowl, in (timestamp, id) order; every fruit once",
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
