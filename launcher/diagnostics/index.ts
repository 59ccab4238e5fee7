// The launcher's diagnostics for one job (docs/diagnostics.md):
// the monitor that detects deadlocks and mismatched collectives (on unless --no-check), the trace
// directory (--trace DIR: meta.json and outcome.json here, one rank-<r>.jsonl per rank written by the ranks), and the
// live view (--live). launcher/job.ts starts it and passes it every control message of the ranks.
import * as fs from "node:fs";
import * as path from "node:path";
import type { LauncherToRank, RankToLauncher } from "../../runtime/wire/bootstrap.ts";
import { Monitor } from "./monitor.ts";
import type { LiveView } from "../view/live.ts";

export interface DiagnosticsSetup {
  np: number;
  program: string;
  programArgs: string[];
  runtimeOptions: Record<string, unknown>;
  live?: boolean;
  rendezvous: {
    broadcast(msg: LauncherToRank): void;
    ready: Promise<void>;
    inFinalize: Set<number>;
    holdFinalize(): void;
  };
  exits: Map<number, { code: number | null; signal: NodeJS.Signals | null }>;
  abort(code: number, message: string): void;
  isEnding(): boolean;
}

export class JobDiagnostics {
  readonly checking: boolean;
  private monitor: Monitor | null = null;
  private live: LiveView | null = null;

  constructor(private readonly s: DiagnosticsSetup) {
    this.checking = s.runtimeOptions.check !== false;
  }

  async start(): Promise<void> {
    const traceDir = this.s.runtimeOptions.trace as string | undefined;
    if (traceDir) prepareTraceDir(traceDir, this.s);
    if (!this.checking && !this.s.live) return;
    this.monitor = new Monitor({
      np: this.s.np,
      check: this.checking,
      faultTolerant: Boolean(this.s.runtimeOptions.faultTolerant),
      dotDir: traceDir ?? process.cwd(),
      broadcast: (m) => this.s.rendezvous.broadcast(m),
      ready: this.s.rendezvous.ready,
      inFinalize: this.s.rendezvous.inFinalize,
      exits: this.s.exits,
      abort: (code, message) => this.s.abort(code, message),
      isEnding: () => this.s.isEnding(),
      holdFinalize: () => this.s.rendezvous.holdFinalize(),
    });
    if (this.s.live) {
      const { LiveView } = await import("../view/live.ts"); // the WebSocket server, only for --live
      this.live = new LiveView(this.s.np, path.basename(this.s.program));
      const url = await this.live.start();
      process.stderr.write(`tsrun: live view at ${url}\n`);
      this.monitor.onRound((round) => this.live?.update(round));
    }
    this.monitor.start();
  }

  onMessage(rank: number, msg: RankToLauncher): void {
    this.monitor?.onMessage(rank, msg);
  }

  /** The job ended with `code` (and tsrun's report, if it stopped the job): stop polling, close the live view. */
  async stop(code: number, report?: string): Promise<void> {
    this.monitor?.stop();
    const traceDir = this.s.runtimeOptions.trace as string | undefined;
    if (traceDir) writeOutcome(traceDir, code, report);
    await this.live?.end(code, this.s.exits);
  }
}

/** Creates the trace directory, removes a previous run's rank files, and describes the job in meta.json. */
export function prepareTraceDir(dir: string, s: Pick<DiagnosticsSetup, "np" | "program" | "programArgs">): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(dir))
    if (/^rank-\d+\.jsonl$|^outcome\.json$|^tsrun-deadlock\.dot$/.test(f))
      fs.rmSync(path.join(dir, f), { force: true });
  const meta = {
    format: "tsmpi-trace",
    version: 1,
    np: s.np,
    program: s.program,
    args: s.programArgs,
    started: Date.now(),
  };
  fs.writeFileSync(path.join(dir, "meta.json"), JSON.stringify(meta, null, 2) + "\n");
}

/** How the job ended, for `tsrun view` (a deadlock, --timeout or an abort keeps blocked calls open to the end). */
function writeOutcome(dir: string, code: number, report?: string): void {
  try {
    fs.writeFileSync(
      path.join(dir, "outcome.json"),
      JSON.stringify({ code, ...(report ? { report } : {}), ended: Date.now() }, null, 2) + "\n",
    );
  } catch {
    /* the trace directory went away: nothing to record */
  }
}
