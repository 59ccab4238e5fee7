// Mismatched collectives (MPI-4 §6.1: every member of a communicator calls the same collectives in the
// same order, with the same root, op and type signature). Ranks report the descriptors of their
// collective calls per communicator ("bcast(root=0)", run-length encoded, runtime/trace/collective.ts);
// the ledger keeps, per communicator, the sequence of descriptors as first reported by any rank, compares
// every other rank's calls against it position by position, and remembers the first position where they
// differ. Positions every member has passed are forgotten, so memory stays bounded by the ranks' lag.
// A communicator is its context id AND its members: communicators with disjoint groups (the colours of a
// split, their dups) may share a context id, and each is checked only among its own members.
import type { CollectiveLog } from "../../runtime/wire/bootstrap.ts";

interface Run {
  from: number; // first call number (1-based)
  count: number;
  desc: string;
}

interface CommLedger {
  ctx: number;
  comm: string;
  members?: number[];
  reference: Run[];
  /** first call number not yet in the reference */
  end: number;
  /** calls reported per world rank */
  progress: Map<number, number>;
  /** the first position where a rank differed from the reference, and what each differing rank called */
  mismatch?: { seq: number; differing: Map<number, string>; reference: string };
}

export interface CollectiveMismatch {
  /** the communicator's context id (the ranks' call sites are keyed by it) */
  ctx: number;
  comm: string;
  seq: number;
  /** what each member called at that position; undefined for members that have not reached it */
  calls: Map<number, string | undefined>;
}

const MAX_RUNS = 200_000;

export class CollectiveLedger {
  private comms = new Map<string, CommLedger>();
  /** "rank:ctx" → the ledger key of the communicator that rank uses under that context id */
  private keys = new Map<string, string>();

  /** The ledger key of a rank's log: context id and members (members come with a communicator's first report). */
  private keyOf(rank: number, log: CollectiveLog): string {
    const rankCtx = `${rank}:${log.ctx}`;
    if (log.members) this.keys.set(rankCtx, `${log.ctx}:${log.members.join(",")}`);
    return this.keys.get(rankCtx) ?? `${log.ctx}:?`;
  }

  /** Adds a rank's newly reported calls; returns true if this revealed a (first) mismatch. */
  ingest(rank: number, logs: CollectiveLog[] | undefined): boolean {
    let found = false;
    for (const log of logs ?? []) {
      const key = this.keyOf(rank, log);
      let c = this.comms.get(key);
      if (!c) this.comms.set(key, (c = { ctx: log.ctx, comm: log.comm, reference: [], end: 1, progress: new Map() }));
      if (log.members) c.members = log.members;
      let seq = log.from;
      for (const [desc, count] of log.runs) {
        found = this.compare(c, rank, seq, count, desc) || found;
        seq += count;
      }
      c.progress.set(rank, seq - 1);
      this.forgetPassed(c);
    }
    return found;
  }

  private compare(c: CommLedger, rank: number, from: number, count: number, desc: string): boolean {
    let seq = from;
    const end = from + count;
    let found = false;
    while (seq < end && seq < c.end) {
      const run = this.runAt(c, seq);
      const upto = run ? Math.min(end, run.from + run.count) : Math.min(end, c.end);
      if (run && run.desc !== desc && (!c.mismatch || seq <= c.mismatch.seq)) {
        if (!c.mismatch || seq < c.mismatch.seq) {
          c.mismatch = { seq, differing: new Map(), reference: run.desc };
          found = true;
        }
        c.mismatch.differing.set(rank, desc);
      }
      seq = upto;
    }
    if (seq < end) {
      const last = c.reference[c.reference.length - 1];
      if (last && last.desc === desc && last.from + last.count === seq) last.count += end - seq;
      else if (c.reference.length < MAX_RUNS) c.reference.push({ from: seq, count: end - seq, desc });
      c.end = end;
    }
    return found;
  }

  private runAt(c: CommLedger, seq: number): Run | undefined {
    const runs = c.reference;
    let lo = 0;
    let hi = runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = runs[mid];
      if (seq < r.from) hi = mid - 1;
      else if (seq >= r.from + r.count) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  private forgetPassed(c: CommLedger): void {
    if (c.mismatch || !c.members) return;
    const passed = Math.min(...c.members.map((m) => c.progress.get(m) ?? 0));
    let drop = 0;
    while (drop < c.reference.length - 1 && c.reference[drop].from + c.reference[drop].count - 1 <= passed) drop++;
    if (drop) c.reference.splice(0, drop);
  }

  /** The first mismatch found, with what every member called at that position. */
  firstMismatch(): CollectiveMismatch | null {
    for (const c of this.comms.values()) {
      if (!c.mismatch) continue;
      const members = c.members ?? [...c.progress.keys()].sort((a, b) => a - b);
      const calls = new Map<number, string | undefined>();
      for (const m of members) {
        const reached = (c.progress.get(m) ?? 0) >= c.mismatch.seq;
        calls.set(m, reached ? (c.mismatch.differing.get(m) ?? c.mismatch.reference) : undefined);
      }
      return { ctx: c.ctx, comm: c.comm, seq: c.mismatch.seq, calls };
    }
    return null;
  }

  /** Communicators whose members have called different numbers of collectives: who is ahead, who behind. */
  lagging(): { comm: string; ahead: number[]; count: number; behind: Map<number, number>; last?: string }[] {
    const out = [];
    for (const c of this.comms.values()) {
      if (!c.members) continue;
      const counts = c.members.map((m) => c.progress.get(m) ?? 0);
      const max = Math.max(...counts);
      if (counts.every((n) => n === max)) continue;
      const ahead = c.members.filter((m) => (c.progress.get(m) ?? 0) === max);
      const behind = new Map(
        c.members
          .filter((m) => (c.progress.get(m) ?? 0) < max)
          .map((m) => [m, c.progress.get(m) ?? 0] as [number, number]),
      );
      out.push({ comm: c.comm, ahead, count: max, behind, last: this.runAt(c, max)?.desc });
    }
    return out;
  }
}

/**
 * Where one rank is in a mismatch report, after "rank 1: reduce(op=SUM, root=0)": " at ring.ts:14:9", or
 * for a rank that has not reached the call, what it is doing instead. Empty when nothing is known.
 */
export type WhereRank = (rank: number, call: string | undefined) => string;

/**
 * "mismatched collectives on COMM_WORLD (call #3 on it): rank 2 called bcast(root=1) while ranks 0, 1, 3
 * called bcast(root=0)", then one line per member with its call and the user's file:line (`where`).
 */
export function describeMismatch(m: CollectiveMismatch, where?: WhereRank): string {
  const groups = new Map<string, number[]>();
  const notYet: number[] = [];
  for (const [rank, call] of m.calls) {
    if (call === undefined) notYet.push(rank);
    else groups.set(call, [...(groups.get(call) ?? []), rank]);
  }
  const sorted = [...groups].sort((a, b) => a[1].length - b[1].length || a[1][0] - b[1][0]);
  const say = ([call, ranks]: [string, number[]]) => `${ranksWord(ranks)} called ${call}`;
  const majority = sorted.pop();
  let text = `mismatched collectives on ${m.comm} (collective call #${m.seq} on it): ${sorted.map(say).join(", ")}`;
  if (majority) text += `${sorted.length ? " while " : ""}${say(majority)}`;
  if (notYet.length) text += `; ${ranksWord(notYet)} ${notYet.length > 1 ? "have" : "has"} not reached it yet`;
  return `${text}.${where ? perRankLines(m, where) : ""}\n  hint: every rank of a communicator must call the same collectives in the same order, with the same root, op and type signature`;
}

const MAX_LINES_PER_CALL = 3;

/** One line per member ("rank 1: reduce(op=SUM, root=0) at ring.ts:14:9"), at most a few per distinct call. */
function perRankLines(m: CollectiveMismatch, where: WhereRank): string {
  const shown = new Map<string | undefined, number>();
  const hidden = new Map<string | undefined, number>();
  let text = "";
  for (const [rank, call] of m.calls) {
    const n = shown.get(call) ?? 0;
    if (n >= MAX_LINES_PER_CALL) hidden.set(call, (hidden.get(call) ?? 0) + 1);
    else text += `\n  rank ${rank}: ${call ?? "has not reached it yet"}${where(rank, call)}`;
    shown.set(call, n + 1);
  }
  for (const [call, n] of hidden)
    text += `\n  … and ${n} more rank${n > 1 ? "s" : ""} ${call ? `calling ${call}` : "not there yet"}`;
  return text;
}

export function ranksWord(ranks: number[]): string {
  return ranks.length === 1 ? `rank ${ranks[0]}` : `ranks ${ranks.join(", ")}`;
}
