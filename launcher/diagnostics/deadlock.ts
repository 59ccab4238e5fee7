// Deadlock detection from two consecutive polls of every rank's state (pure: no I/O, unit-testable).
//
// A set X of ranks is deadlocked — certainly, not by a guess — when for every rank r of X:
//  - r answered both polls, blocked in the same calls (same ids), with the same per-peer frame counts,
//    and nothing else of its own (timer, socket, file operation) could wake it ("busy" unset) both times.
//    Counts are monotone, so equal counts at both answers mean some instant between the two polls saw every
//    rank of X in that state: a consistent cut, with no frame delivered in between.
//  - every call r is blocked in can only be completed by ranks of X or by passive ranks: ranks that have
//    exited, or that are in finalize() (they never start a send again; they only answer frames, and
//    the only frames they could answer are checked below). A call that does not say whom it waits for, or
//    a one-sided call (its target progresses while blocked, for other origins too), waits for anyone.
//  - no frame is in flight into r from X or from a passive rank, nor from r into a rank in finalize.
// The greatest such X is found by removing ranks that break a rule until none does. If X holds every rank
// that has not exited and is not in finalize, the whole job is deadlocked; otherwise X is a partial
// deadlock while other ranks still run. A rank that computes (no answer, or not blocked) is never in X.
import type { BlockedCall, UnmatchedMessage } from "../../runtime/wire/bootstrap.ts";

export interface PolledState {
  blocked: BlockedCall[];
  sentTo?: number[];
  recvFrom?: number[];
  busy?: string;
  /** messages waiting at the rank that match none of its receives (detailed answers) */
  unmatched?: UnmatchedMessage[];
  /** the first line each (destination, context, tag) was sent from by this rank (detailed answers) */
  sendSites?: [number, number, number, string][];
}

/** A message waiting at a deadlocked rank, with the line that sent it when its sender said. */
export interface StrayMessage extends UnmatchedMessage {
  site?: string;
}

export interface DeadlockInput {
  np: number;
  prev: Map<number, PolledState>;
  cur: Map<number, PolledState>;
  /** ranks whose process has ended */
  exited: Set<number>;
  /** ranks that have called finalize() */
  inFinalize: Set<number>;
  /** the last per-peer sent counts known of each rank (an exited rank's last answer or finalize report) */
  lastSentTo: Map<number, number[]>;
  /** fault-tolerant mode: a wait on an exited rank fails with ERR_PROC_FAILED, so it is no deadlock */
  faultTolerant?: boolean;
}

export interface DeadRank {
  rank: number;
  calls: BlockedCall[];
  /** per call, the ranks that could complete it */
  waitsFor: number[][];
  /** messages waiting at this rank that none of its receives matches (a wrong tag?) */
  strays?: StrayMessage[];
}

export interface Deadlock {
  /** every rank still running is deadlocked (the rest exited or are in finalize) */
  global: boolean;
  dead: DeadRank[];
  /** ranks neither deadlocked, exited nor in finalize: they still run */
  running: number[];
  /** a wait-for cycle among the deadlocked ranks, first rank repeated at the end, if there is one */
  cycle?: number[];
}

const sameCounts = (a?: number[], b?: number[]): boolean =>
  !!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]);
const sameCalls = (a: BlockedCall[], b: BlockedCall[]): boolean =>
  a.length === b.length && a.every((c, i) => c.id !== undefined && c.id === b[i].id);

/** The ranks that could complete `call` of `rank` (every rank when it cannot be known). */
export function waitsForOf(call: BlockedCall, np: number): number[] {
  if (call.call.startsWith("win.") || !call.waitsFor || !call.waitsFor.length)
    return Array.from({ length: np }, (_, r) => r);
  return [...new Set(call.waitsFor)];
}

export function findDeadlock(x: DeadlockInput): Deadlock | null {
  const all = Array.from({ length: x.np }, (_, r) => r);
  const finalizing = new Set([...x.inFinalize].filter((r) => !x.exited.has(r)));
  const passive = new Set<number>(finalizing);
  if (!x.faultTolerant) for (const r of x.exited) passive.add(r);
  const stableBlocked = (r: number): boolean => {
    const a = x.prev.get(r);
    const b = x.cur.get(r);
    return (
      !!a &&
      !!b &&
      b.blocked.length > 0 &&
      !a.busy &&
      !b.busy &&
      sameCalls(a.blocked, b.blocked) &&
      sameCounts(a.sentTo, b.sentTo) &&
      sameCounts(a.recvFrom, b.recvFrom)
    );
  };
  const dead = new Set(all.filter((r) => !x.exited.has(r) && !finalizing.has(r) && stableBlocked(r)));
  const sentBy = (s: number): number[] | undefined => x.cur.get(s)?.sentTo ?? x.lastSentTo.get(s);
  const nothingInFlight = (r: number): boolean => {
    const mine = x.cur.get(r)!;
    for (const s of all) {
      const received = mine.recvFrom![s] ?? 0;
      if (dead.has(s)) {
        if ((x.cur.get(s)!.sentTo![r] ?? 0) !== received) return false;
      } else if (finalizing.has(s)) {
        const theirs = sentBy(s);
        if (!theirs || (theirs[r] ?? 0) !== received) return false;
        const answered = x.cur.get(s)?.recvFrom;
        if (!answered || (answered[r] ?? 0) !== (mine.sentTo![s] ?? 0)) return false;
      } else if (x.exited.has(s)) {
        if ((x.lastSentTo.get(s)?.[r] ?? 0) > received) return false;
      }
    }
    return true;
  };
  const canOnlyBeCompletedByStuck = (r: number): boolean =>
    x.cur.get(r)!.blocked.every((c) => waitsForOf(c, x.np).every((w) => dead.has(w) || passive.has(w)));
  for (let changed = true; changed;) {
    changed = false;
    for (const r of [...dead]) {
      if (!canOnlyBeCompletedByStuck(r) || !nothingInFlight(r)) {
        dead.delete(r);
        changed = true;
      }
    }
  }
  if (!dead.size) return null;
  const deadRanks: DeadRank[] = [...dead]
    .sort((a, b) => a - b)
    .map((rank) => {
      const calls = x.cur.get(rank)!.blocked;
      const strays = (x.cur.get(rank)!.unmatched ?? []).map((m) => ({
        ...m,
        site: x.cur.get(m.source)?.sendSites?.find(([d, c, t]) => d === rank && c === m.ctx && t === m.tag)?.[3],
      }));
      return { rank, calls, waitsFor: calls.map((c) => waitsForOf(c, x.np)), ...(strays.length ? { strays } : {}) };
    });
  const running = all.filter((r) => !dead.has(r) && !x.exited.has(r) && !finalizing.has(r));
  return { global: running.length === 0, dead: deadRanks, running, cycle: findCycle(deadRanks) };
}

/** A cycle in the wait-for graph restricted to the deadlocked ranks (depth-first, smallest ranks first). */
export function findCycle(dead: DeadRank[]): number[] | undefined {
  const edges = new Map<number, number[]>();
  for (const d of dead)
    edges.set(
      d.rank,
      [...new Set(d.waitsFor.flat())]
        .filter((w) => w !== d.rank || d.waitsFor.flat().every((v) => v === d.rank))
        .sort((a, b) => a - b),
    );
  const inDead = new Set(edges.keys());
  const state = new Map<number, "open" | "done">();
  const stack: number[] = [];
  const visit = (r: number): number[] | undefined => {
    state.set(r, "open");
    stack.push(r);
    for (const w of edges.get(r) ?? []) {
      if (!inDead.has(w)) continue;
      if (state.get(w) === "open") return [...stack.slice(stack.indexOf(w)), w];
      if (!state.has(w)) {
        const found = visit(w);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(r, "done");
    return undefined;
  };
  for (const r of [...inDead].sort((a, b) => a - b)) {
    if (state.has(r)) continue;
    const found = visit(r);
    if (found) return found;
  }
  return undefined;
}
