// tsrun's diagnostics while a job runs: polls every rank's state a few times a second (the ranks answer
// between two awaits, so a rank busy computing simply does not answer and is never judged), and
//  - stops the job on a certain deadlock, global or partial (launcher/diagnostics/deadlock.ts), printing
//    the wait-for graph in words and writing it as a Graphviz file;
//  - stops the job on the first mismatched collective (launcher/diagnostics/collectives.ts), checked at
//    every poll and once more when a rank enters finalize, before finalize may complete; once certain,
//    one detailed poll asks every rank where it made its collective calls (ranks in finalize answer it
//    too, finalize being held meanwhile), and the report gives each rank's call and file:line;
//  - feeds the live view (tsrun --live) with each round of states.
// With --no-check only the live view (if asked) polls.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BlockedCall, LauncherToRank, RankToLauncher } from "../../runtime/wire/bootstrap.ts";
import { findDeadlock, type PolledState } from "./deadlock.ts";
import {
  CollectiveLedger,
  describeMismatch,
  ranksWord,
  type CollectiveMismatch,
  type WhereRank,
} from "./collectives.ts";
import { deadlockDot, deadlockReport, type WaitContext } from "./describe.ts";

export const POLL_MS = 250;
const ANSWER_MS = 200;
/** A detailed answer maps stack positions through the source map (loaded on first use): give it time. */
const SITES_ANSWER_MS = 5000;

export interface RankSnapshot extends PolledState {
  sent: number;
  received: number;
}

/** One poll: the state of every rank that answered, and what the launcher knows of the others. */
export interface Round {
  seq: number;
  time: number;
  states: Map<number, RankSnapshot>;
  exits: Map<number, { code: number | null; signal: NodeJS.Signals | null }>;
  inFinalize: Set<number>;
}

export interface MonitorHost {
  np: number;
  check: boolean;
  faultTolerant: boolean;
  /** where the .dot file goes (the trace directory if any, else the working directory) */
  dotDir: string;
  broadcast(msg: LauncherToRank): void;
  ready: Promise<void>;
  inFinalize: Set<number>;
  exits: Map<number, { code: number | null; signal: NodeJS.Signals | null }>;
  abort(code: number, message: string): void;
  isEnding(): boolean;
  /** Keeps finalize from completing (a mismatch is being reported: the job ends with it). */
  holdFinalize(): void;
}

export class Monitor {
  private seq = 0;
  private round: Map<number, RankSnapshot> | null = null;
  private roundTimer: NodeJS.Timeout | null = null;
  private previous: Map<number, RankSnapshot> | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly ledger = new CollectiveLedger();
  private readonly lastSentTo = new Map<number, number[]>();
  private readonly listeners: ((round: Round) => void)[] = [];
  private stopped = false;
  private wantDetail = false;
  private detailed = false;
  /** a mismatch is certain: the next poll is detailed, and its round reports it with the call sites */
  private wantSites = false;
  /** world rank → "ctx descriptor" → where that rank first made that collective call */
  private readonly collSites = new Map<number, Map<string, { seq: number; site: string }>>();
  /** --fault-tolerant, or a rank turned it on (setErrhandler(ERRORS_RETURN)): waits on dead ranks then fail. */
  private faultTolerant: boolean;

  constructor(private readonly host: MonitorHost) {
    this.faultTolerant = host.faultTolerant;
  }

  /** Starts polling once every rank has joined. */
  start(): void {
    void this.host.ready.then(() => {
      if (this.stopped) return;
      this.pollTimer = setInterval(() => this.poll(), POLL_MS);
      this.pollTimer.unref();
      this.poll();
    });
  }

  onRound(listener: (round: Round) => void): void {
    this.listeners.push(listener);
  }

  stop(): void {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.roundTimer) clearTimeout(this.roundTimer);
  }

  /** Every control message of every rank passes here first (before the rendezvous handles it). */
  onMessage(rank: number, msg: RankToLauncher): void {
    if (msg.t === "ft") this.faultTolerant = true;
    else if (msg.t === "state") {
      if (msg.sentTo) this.lastSentTo.set(rank, msg.sentTo);
      if (msg.collSites) this.noteCollectiveSites(rank, msg.collSites);
      if (this.host.check && this.ledger.ingest(rank, msg.colls)) this.reportMismatchSoon();
      if (this.round && msg.seq === this.seq) {
        this.round.set(rank, {
          blocked: msg.blocked,
          sentTo: msg.sentTo,
          recvFrom: msg.recvFrom,
          busy: msg.busy,
          sent: msg.sent,
          received: msg.received,
          unmatched: msg.unmatched,
          sendSites: msg.sendSites,
        });
        if (this.round.size >= this.liveRanks()) this.endRound();
      }
    } else if (msg.t === "finalize") {
      this.lastSentTo.set(
        rank,
        Array.from({ length: this.host.np }, (_, r) => msg.sentTo[r] ?? 0),
      );
      // Finalize must not complete on a mismatch: the last rank to enter it decides, before the rendezvous
      // may release the ranks; earlier ones wait for the other ranks' reports (or the next poll).
      if (this.host.check && (this.ledger.ingest(rank, msg.colls) || this.ledger.firstMismatch())) {
        const others = Array.from({ length: this.host.np }, (_, r) => r).filter((r) => r !== rank);
        if (others.every((r) => this.host.inFinalize.has(r) || this.host.exits.has(r))) {
          this.host.holdFinalize();
          this.askSites();
        } else this.reportMismatchSoon();
      }
    }
  }

  private liveRanks(): number {
    return this.host.np - this.host.exits.size;
  }

  private poll(): void {
    if (this.stopped || this.host.isEnding() || this.round) return;
    this.seq++;
    this.round = new Map();
    this.roundTimer = setTimeout(() => this.endRound(), this.wantSites ? SITES_ANSWER_MS : ANSWER_MS);
    this.roundTimer.unref();
    // Source lines cost the ranks a stack capture (and a source-map load, once): ask for them only to
    // confirm a deadlock seen in the last two polls, and always for the live view.
    const detail = this.host.check && (this.wantDetail || this.wantSites || this.listeners.length > 0);
    this.detailed = detail;
    this.host.broadcast({ t: "query", seq: this.seq, detail });
  }

  private endRound(): void {
    if (!this.round) return;
    if (this.roundTimer) clearTimeout(this.roundTimer);
    const states = this.round;
    this.round = null;
    if (this.stopped || this.host.isEnding()) return;
    const round: Round = {
      seq: this.seq,
      time: Date.now(),
      states,
      exits: new Map(this.host.exits),
      inFinalize: new Set(this.host.inFinalize),
    };
    for (const l of this.listeners) l(round);
    if (this.host.check) this.judge(round);
    this.previous = states;
    if (this.wantDetail || this.wantSites) this.poll();
  }

  private judge(round: Round): void {
    if (this.ledger.firstMismatch()) {
      if (this.wantSites && this.detailed) this.reportMismatch(round);
      else this.wantSites = true;
      return;
    }
    if (!this.previous) return;
    const found = findDeadlock({
      np: this.host.np,
      prev: this.previous,
      cur: round.states,
      exited: new Set(round.exits.keys()),
      inFinalize: round.inFinalize,
      lastSentTo: this.lastSentTo,
      faultTolerant: this.faultTolerant,
    });
    this.wantDetail = Boolean(found) && !this.detailed;
    if (!found || !this.detailed) return; // seen twice without source lines: confirm with them next poll
    const ctx: WaitContext = {
      exits: round.exits,
      inFinalize: round.inFinalize,
      collectiveLags: this.collectiveLags(),
    };
    const dotPath = this.writeDot(deadlockDot(found, ctx));
    this.host.abort(1, deadlockReport(found, ctx, dotPath));
  }

  private collectiveLags(): string[] {
    return this.ledger.lagging().map((l) => {
      const behind = [...l.behind].map(([r, n]) => `rank ${r} has called only ${n}`).join(", ");
      return `on ${l.comm}, ${ranksWord(l.ahead)} called collective #${l.count}${l.last ? ` (${l.last})` : ""} but ${behind}: a collective called by only some ranks of a communicator never completes`;
    });
  }

  private mismatchTimer: NodeJS.Timeout | null = null;

  /** A mismatch seen in a finalize report: after the other ranks' answers of this poll, ask for the sites. */
  private reportMismatchSoon(): void {
    if (this.mismatchTimer || this.wantSites) return;
    this.mismatchTimer = setTimeout(() => this.askSites(), ANSWER_MS);
    this.mismatchTimer.unref();
  }

  /** One detailed poll (now, or when the poll in flight ends); its round reports the mismatch. */
  private askSites(): void {
    this.wantSites = true;
    this.poll();
  }

  private reportMismatch(round: Round): void {
    const m = this.ledger.firstMismatch();
    if (!m || this.host.isEnding()) return;
    this.host.abort(1, `tsrun: ${describeMismatch(m, this.whereRanks(m, round))}`);
  }

  private noteCollectiveSites(rank: number, sites: [ctx: number, desc: string, seq: number, site: string][]): void {
    let mine = this.collSites.get(rank);
    if (!mine) this.collSites.set(rank, (mine = new Map()));
    for (const [ctx, desc, seq, site] of sites) mine.set(`${ctx} ${desc}`, { seq, site });
  }

  /** For the mismatch report: each rank's file:line of the mismatched call, or what it is doing instead. */
  private whereRanks(m: CollectiveMismatch, round: Round): WhereRank {
    return (rank, call) => {
      const exit = round.exits.get(rank);
      const fate = exit ? (exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`) : undefined;
      const state = round.states.get(rank);
      if (call !== undefined) {
        const first = this.collSites.get(rank)?.get(`${m.ctx} ${call}`);
        if (first)
          return first.seq === m.seq ? ` at ${first.site}` : `, the same call as its first one at ${first.site}`;
        if (fate) return ` (it ${fate} before saying where)`;
        return state ? "" : " (it did not say where: busy computing?)";
      }
      if (fate) return `; it ${fate}`;
      if (!state) return "; it is computing (it did not answer)";
      const now = state.blocked.filter((c) => c.call !== "finalize()");
      if (now.length) return `; it is in ${now.map(callAt).join(" and in ")}`;
      return round.inFinalize.has(rank) ? "; it is in finalize()" : "";
    };
  }

  private writeDot(text: string): string | null {
    for (const dir of [this.host.dotDir, os.tmpdir()]) {
      const file = path.join(
        dir,
        dir === this.host.dotDir ? "tsrun-deadlock.dot" : `tsrun-deadlock-${process.pid}.dot`,
      );
      try {
        fs.writeFileSync(file, text);
        return file;
      } catch {
        /* not writable: try the next place */
      }
    }
    return null;
  }
}

function callAt(c: BlockedCall): string {
  return `${c.call}${c.comm && c.comm !== "COMM_WORLD" ? ` on ${c.comm}` : ""}${c.site ? ` at ${c.site}` : ""}`;
}
