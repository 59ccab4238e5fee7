// The rank's side of the diagnostics (issue "diagnostics a student can act on"): turned on by the
// launcher's runtime options (checks on unless `--no-check`, the trace with `--trace DIR`), it installs
// the engine observer, answers the launcher's state queries with what the deadlock detector needs to be
// exact (the blocked calls with their source lines, frames sent to and received from every peer, whether
// anything else — a timer, a socket, a file operation — may still wake the rank, and the collectives
// called since the last answer), and writes the finalize warnings.
import type { RankToLauncher } from "../wire/bootstrap.ts";
import { blockedCalls, keepAliveHeld, resolveSites, setSiteCapture } from "./activity.ts";
import { setCollectiveChecks, takeCollectiveLogs, takeCollectiveSites } from "./collective.ts";
import {
  finalizeWarnings,
  firstSendSites,
  noteSend,
  sendSitesToPeers,
  setLeftoverChecks,
  type Unreceived,
} from "./leftovers.ts";
import { contextName, startTrace } from "./tracer.ts";
import type { ObservedEngine } from "./observer.ts";

export interface DiagnosticOptions {
  check?: boolean;
  trace?: string;
  strict?: boolean;
}

/** What the diagnostics read of the rank's World (runtime/comm/world.ts). */
export interface RankWorldView {
  rank: number;
  size: number;
  /** false for a program started without tsrun (a world of one, no launcher to ask) */
  launched: boolean;
  options: DiagnosticOptions;
  engine: ObservedEngine & { sentCount: number; receivedCount: number };
  /** frames sent to each world rank (the world counts every frame it hands to the transport) */
  sentTo: Map<number, number>;
  /** frames received from each world rank */
  receivedFrom: number[];
  report(msg: RankToLauncher): void;
}

export class RankDiagnostics {
  readonly checking: boolean;

  constructor(private readonly w: RankWorldView) {
    this.checking = w.launched && w.options.check !== false;
    setSiteCapture(this.checking);
    setCollectiveChecks(this.checking);
    setLeftoverChecks(this.checking, w.engine);
    if (w.launched && w.options.trace) startTrace(w.options.trace, w.rank, w.size, w.engine);
    if (this.checking) this.observeSends();
  }

  /** Notes the first source line of each user message stream (even contexts are point-to-point ones). */
  private observeSends(): void {
    const engine = this.w.engine;
    const traced = engine.observer;
    engine.observer = {
      ...traced,
      sent: (dest, context, tag, size, id, sync) => {
        traced?.sent(dest, context, tag, size, id, sync);
        if ((context & 1) === 0) noteSend(dest, context, tag, id);
      },
    };
  }

  /** Answers a launcher query with this rank's state (every field read at one instant). */
  async answerQuery(seq: number, detail: boolean): Promise<void> {
    try {
      this.w.report(await this.state(seq, detail));
    } catch (err) {
      // A diagnostics failure must never stop the program: answer without the extras.
      const { rank, engine } = this.w;
      this.w.report({
        t: "state",
        rank,
        seq,
        blocked: blockedCalls(),
        sent: engine.sentCount,
        received: engine.receivedCount,
        idle: false,
      });
      process.emitWarning(`tsmpi diagnostics: ${(err as Error).message}`);
    }
  }

  private async state(seq: number, detail: boolean): Promise<RankToLauncher> {
    if (this.checking && detail) await resolveSites();
    const { engine, rank, size } = this.w;
    const state: RankToLauncher = {
      t: "state",
      rank,
      seq,
      blocked: blockedCalls(),
      sent: engine.sentCount,
      received: engine.receivedCount,
      idle: false,
    };
    if (this.checking) {
      state.sentTo = Array.from({ length: size }, (_, r) => this.w.sentTo.get(r) ?? 0);
      state.recvFrom = Array.from({ length: size }, (_, r) => this.w.receivedFrom[r] ?? 0);
      const busy = busyReason();
      if (busy) state.busy = busy;
      const colls = takeCollectiveLogs();
      if (colls.length) state.colls = colls;
      if (detail) Object.assign(state, this.unmatchedAndSites());
    }
    return state;
  }

  /**
   * For a deadlock report: user messages waiting here that match no receive (even contexts: point-to-point;
   * the runtime's CONTROL context is 0xffffffff, odd), and where this rank first sent to each peer and tag;
   * for a mismatch report: where this rank first made each of its collective calls.
   */
  private unmatchedAndSites(): Pick<RankToLauncher & { t: "state" }, "unmatched" | "sendSites" | "collSites"> {
    const waiting = (this.w.engine.unreceived?.() ?? []).filter((m) => (m.context & 1) === 0).slice(0, 50);
    const sites = firstSendSites();
    const collSites = takeCollectiveSites();
    return {
      ...(waiting.length
        ? {
            unmatched: waiting.map((m) => ({
              source: m.source,
              tag: m.tag,
              ctx: m.context,
              comm: contextName(m.context),
              size: m.size,
            })),
          }
        : {}),
      ...(sites.length ? { sendSites: sites } : {}),
      ...(collSites.length ? { collSites } : {}),
    };
  }

  /** Before finalize takes its frame counts: tell each destination where its messages were sent from. */
  beforeFinalize(): void {
    if (this.checking) sendSitesToPeers(this.w.engine);
  }

  /** Extra fields of the finalize message: the last collectives called, for the mismatch check. */
  finalizeFields(): { colls?: ReturnType<typeof takeCollectiveLogs> } {
    if (!this.checking) return {};
    const colls = takeCollectiveLogs();
    return colls.length ? { colls } : {};
  }

  /** The finalize warnings (unreceived messages, open requests, unfreed windows). */
  finalizeWarnings(left: Unreceived[]): string[] {
    return finalizeWarnings(this.w.rank, Boolean(this.w.options.strict), left);
  }
}

/**
 * Why this rank may still make progress without a message arriving: a timer or immediate of the program,
 * an open socket or server, a child process, a pending file or DNS operation. Undefined when only a frame
 * from a peer (or the launcher) can wake it. The rank's own keep-alive timer, its unref'd sockets, and
 * stdout/stderr are not counted.
 */
export function busyReason(): string | undefined {
  let timers = 0;
  let immediates = 0;
  for (const r of process.getActiveResourcesInfo()) {
    if (r === "Timeout") timers++;
    else if (r === "Immediate") immediates++;
  }
  if (keepAliveHeld()) timers--;
  const internals = process as unknown as { _getActiveHandles?: () => unknown[]; _getActiveRequests?: () => unknown[] };
  const handles = (internals._getActiveHandles?.() ?? []).filter((h) => h !== process.stdout && h !== process.stderr);
  const requests = internals._getActiveRequests?.() ?? [];
  const reasons: string[] = [];
  if (timers > 0) reasons.push(`${timers} timer${timers > 1 ? "s" : ""}`);
  if (immediates > 0) reasons.push(`${immediates} setImmediate callback${immediates > 1 ? "s" : ""}`);
  if (handles.length)
    reasons.push(
      `${handles.length} open handle${handles.length > 1 ? "s" : ""} (${[...new Set(handles.map((h) => (h as object).constructor?.name ?? "handle"))].join(", ")})`,
    );
  if (requests.length) reasons.push(`${requests.length} pending I/O request${requests.length > 1 ? "s" : ""}`);
  return reasons.length ? reasons.join(", ") : undefined;
}
