// The launcher's side of fault-tolerant mode (tsrun --fault-tolerant, or a rank calling
// comm.setErrhandler(ERRORS_RETURN)): a rank that dies does not abort the job; every live rank is told
// (its operations involving the dead rank then fail with ERR_PROC_FAILED); at the end one message lists
// the ranks that died and how. Exit code: 0 when every rank that was not killed exited 0.
// Also failure injection for tests and the lab: --kill-rank R@T kills rank R T seconds after all ranks joined.
import type { LauncherToRank } from "../runtime/wire/bootstrap.ts";

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class FaultPolicy {
  private deaths: { rank: number; how: string; at: number }[] = [];
  private started = Date.now();

  constructor(public enabled: boolean) {}

  /** Times of death are counted from when every rank has joined (as --kill-rank's are). */
  restartClock(): void {
    this.started = Date.now();
  }

  /** Handles a rank's non-zero exit in fault-tolerant mode; returns false when the job must abort instead. */
  tolerate(rank: number, exit: Exit, how: string, tell: (msg: LauncherToRank) => void): boolean {
    if (!this.enabled) return false;
    this.deaths.push({ rank, how, at: (Date.now() - this.started) / 1000 });
    tell({ t: "peer-exit", rank, how });
    return true;
  }

  /** The closing message and exit code once every rank has ended. */
  summary(np: number, exits: Map<number, Exit>): { code: number; message: string } {
    if (!this.deaths.length) return { code: 0, message: "" };
    const list = this.deaths.map((d) => `rank ${d.rank} ${d.how} at ${d.at.toFixed(1)} s`).join("; ");
    const survivors = np - this.deaths.length;
    const selfExited = [...exits.entries()].find(([, e]) => !e.signal && e.code !== 0);
    return {
      code: selfExited ? (selfExited[1].code ?? 1) : 0,
      message: `tsrun: fault-tolerant run: ${list}; ${survivors} rank${survivors === 1 ? "" : "s"} finished normally`,
    };
  }
}

/** Parses --kill-rank values "R@T" (rank R, T seconds after start). */
export function parseKillSpecs(values: string[], np: number): { rank: number; seconds: number }[] {
  return values.map((v) => {
    const m = /^(\d+)@(\d+(?:\.\d+)?)$/.exec(v);
    if (!m || Number(m[1]) >= np)
      throw new Error(`--kill-rank ${v}: expected RANK@SECONDS with RANK below ${np}, e.g. 2@1.5`);
    return { rank: Number(m[1]), seconds: Number(m[2]) };
  });
}

export function describeExit(exit: Exit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}
