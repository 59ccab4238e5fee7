// Grader S4 (salad, seed 000 part 2): workers use the bowl one at a time under Lamport's mutual exclusion
// (tsrun -np 4: 1 master + 3 workers). Reads what the program prints (format in exercises/salad/mpi/bowl.ts):
// REQUEST / ENTER / LEAVE lines with the request's (timestamp, id), the Lamport clock and the wall-clock
// time of each event; the runtime's trace marks are not needed. Checks every fruit once (S0 oracle), every
// request entered and left once, never two workers in the bowl at once (by wall-clock time, and by Lamport
// clock: an entry must come causally after the previous exit), entries in (timestamp, id) order, and a
// total time ≈ the sequential one (the bowl serialises the preparations).
import { fail, programOf, type Grader } from "../lib/grader.ts";
import { HANDOUT_UNITS, checkEveryFruitOnce, parsePrepared, resolveProgram, saladOracle } from "./lib/oracle.ts";
import { withProcesses, type Live } from "./lib/proc.ts";
import { endedHow, expectJobSuccess, startTsrun, totalUnits } from "./tsrun-job.ts";

const SCALE = "0.05";
const NP = 4;
/** Wall clocks of two processes of one machine agree to well under this (a real overlap lasts ≥ 1 time unit). */
const CLOCK_SLACK_MS = 2;

interface BowlEvent {
  kind: "REQUEST" | "ENTER" | "LEAVE";
  worker: string;
  ts: number;
  id: number;
  clock: number;
  time: number;
}

interface Visit {
  worker: string;
  ts: number;
  id: number;
  enter: BowlEvent;
  leave?: BowlEvent;
}

const EVENT = /^(REQUEST|ENTER|LEAVE) (\S+) ts=(\d+) id=(\d+)(?: clock=(\d+))? time=([\d.]+)/;

function parseEvents(lines: string[]): BowlEvent[] {
  return lines.flatMap((line) => {
    const m = EVENT.exec(line);
    if (!m) return [];
    return [{ kind: m[1] as BowlEvent["kind"], worker: m[2], ts: Number(m[3]), id: Number(m[4]), clock: Number(m[5] ?? NaN), time: Number(m[6]) }];
  });
}

const stampText = (v: { ts: number; id: number }) => `(${v.ts}, ${v.id})`;

/** Pairs each worker's ENTER with its LEAVE (same request); fails on a missing or stray line. */
function visitsOf(events: BowlEvent[]): Visit[] {
  const visits: Visit[] = [];
  const inside = new Map<string, Visit>();
  for (const e of [...events].filter((x) => x.kind !== "REQUEST").sort((a, b) => a.time - b.time)) {
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

/** Never two workers inside at once: each entry after the previous exit, in wall-clock time and causally. */
function checkExclusion(visits: Visit[], t0: number): string {
  const at = (ms: number) => `+${(ms - t0).toFixed(1)} ms`;
  for (let k = 1; k < visits.length; k++) {
    const prev = visits[k - 1];
    const next = visits[k];
    const left = prev.leave!;
    if (next.enter.time < left.time - CLOCK_SLACK_MS) {
      fail(
        `${next.worker} entered the bowl at ${at(next.enter.time)} while ${prev.worker} was in it (from ${at(prev.enter.time)} to ${at(left.time)})`,
        "one worker at a time in the bowl",
        "Enter only with the n-1 permissions and the own request at the head of the queue; release when leaving",
      );
    }
    if (!(next.enter.clock > left.clock)) {
      fail(
        `${next.worker} entered at Lamport clock ${next.enter.clock}, not after ${prev.worker} left at clock ${left.clock}`,
        "each entry causally after the previous exit (a larger clock)",
        "An entry must follow the news of the previous release; update the clock on every receive (max(own, message) + 1)",
      );
    }
  }
  const spread = visits.length ? visits[visits.length - 1].leave!.time - t0 : 0;
  return `${visits.length} visits, one at a time, over ${spread.toFixed(0)} ms`;
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

/** When the job did not finish: what the bowl lines say about where it stopped. */
function whereItStopped(live: Live): string {
  const events = parseEvents(live.lines());
  const count = (k: BowlEvent["kind"]) => events.filter((e) => e.kind === k).length;
  return `after ${count("REQUEST")} REQUEST, ${count("ENTER")} ENTER and ${count("LEAVE")} LEAVE lines`;
}

export const s4: Grader = {
  id: "S4",
  title: "Lamport's mutual exclusion over tsmpi: one worker at a time in the bowl, in (timestamp, id) order; every fruit once",
  reference: "exercises/salad/lamport-mutex.ts",
  async run(checker, options) {
    const program = resolveProgram(programOf(this, options));
    const oracle = await saladOracle();
    await withProcesses(async (procs) => {
      const job = startTsrun(procs, program, NP, ["--time-scale", SCALE], { timeoutS: 40 });
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
      const events = parseEvents(job.live.lines());
      let visits: Visit[] = [];
      ok = await checker.check("every request enters the bowl and leaves it once (REQUEST, ENTER, LEAVE lines)", () => {
        if (!events.length) fail("no REQUEST/ENTER/LEAVE lines", "the lines of exercises/salad/mpi/bowl.ts, e.g. `ENTER worker-2 ts=3 id=1 clock=7 time=<ms>`");
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
    });
  },
};
