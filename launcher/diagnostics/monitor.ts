// tsrun's diagnostics while a job runs: polls every rank's state a few times a second (the ranks answer
// between two awaits, so a rank busy computing simply does not answer and is never judged), and
//  - stops the job on a certain deadlock, global or partial (launcher/diagnostics/deadlock.ts), printing
//    the wait-for graph in words and writing it as a Graphviz file;
//  - stops the job on the first mismatched collective (launcher/diagnostics/collectives.ts), checked at
//    every poll and once more when a rank enters finalize, before finalize may complete;
//  - feeds the live view (tsrun --live) with each round of states.
// With --no-check only the live view (if asked) polls.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LauncherToRank, RankToLauncher } from "../../runtime/wire/bootstrap.ts";
import { findDeadlock, type PolledState } from "./deadlock.ts";
import { CollectiveLedger, describeMismatch, ranksWord } from "./collectives.ts";
import { deadlockDot, deadlockReport, type WaitContext } from "./describe.ts";

export const POLL_MS = 250;
const ANSWER_MS = 200;

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
      if (this.host.check && this.ledger.ingest(rank, msg.colls)) this.reportMismatchSoon();
      if (this.round && msg.seq === this.seq) {
        this.round.set(rank, { blocked: msg.blocked, sentTo: msg.sentTo, recvFrom: msg.recvFrom, busy: msg.busy, sent: msg.sent, received: msg.received, unmatched: msg.unmatched, sendSites: msg.sendSites });
        if (this.round.size >= this.liveRanks()) this.endRound();
      }
    } else if (msg.t === "finalize") {
      this.lastSentTo.set(rank, Array.from({ length: this.host.np }, (_, r) => msg.sentTo[r] ?? 0));
      // Finalize must not complete on a mismatch: the last rank to enter it decides, before the rendezvous
      // may release the ranks; earlier ones wait for the other ranks' reports (or the next poll).
      if (this.host.check && (this.ledger.ingest(rank, msg.colls) || this.ledger.firstMismatch())) {
        const others = Array.from({ length: this.host.np }, (_, r) => r).filter((r) => r !== rank);
        if (others.every((r) => this.host.inFinalize.has(r) || this.host.exits.has(r))) this.reportMismatch();
        else this.reportMismatchSoon();
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
    this.roundTimer = setTimeout(() => this.endRound(), ANSWER_MS);
    this.roundTimer.unref();
    // Source lines cost the ranks a stack capture (and a source-map load, once): ask for them only to
    // confirm a deadlock seen in the last two polls, and always for the live view.
    const detail = this.host.check && (this.wantDetail || this.listeners.length > 0);
    this.detailed = detail;
    this.host.broadcast({ t: "query", seq: this.seq, detail });
  }

  private endRound(): void {
    if (!this.round) return;
    if (this.roundTimer) clearTimeout(this.roundTimer);
    const states = this.round;
    this.round = null;
    if (this.stopped || this.host.isEnding()) return;
    const round: Round = { seq: this.seq, time: Date.now(), states, exits: new Map(this.host.exits), inFinalize: new Set(this.host.inFinalize) };
    for (const l of this.listeners) l(round);
    if (this.host.check) this.judge(round);
    this.previous = states;
    if (this.wantDetail) this.poll();
  }

  private judge(round: Round): void {
    if (this.reportMismatch()) return;
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
    const ctx: WaitContext = { exits: round.exits, inFinalize: round.inFinalize, collectiveLags: this.collectiveLags() };
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

  /** A mismatch seen in a state answer: report it after the other ranks' answers of this poll arrive. */
  private reportMismatchSoon(): void {
    if (this.mismatchTimer) return;
    this.mismatchTimer = setTimeout(() => this.reportMismatch(), ANSWER_MS);
    this.mismatchTimer.unref();
  }

  private reportMismatch(): boolean {
    const m = this.ledger.firstMismatch();
    if (!m || this.host.isEnding()) return false;
    this.host.abort(1, `tsrun: ${describeMismatch(m)}`);
    return true;
  }

  private writeDot(text: string): string | null {
    for (const dir of [this.host.dotDir, os.tmpdir()]) {
      const file = path.join(dir, dir === this.host.dotDir ? "tsrun-deadlock.dot" : `tsrun-deadlock-${process.pid}.dot`);
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
