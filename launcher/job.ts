// Job supervision, as mpirun does it: start every rank, forward output, and end the job. Exit code 0 when
// every rank exits 0; a rank that throws, exits non-zero or is killed aborts the job: the other ranks are
// stopped, one message says which rank, its pid, how it ended and what MPI call it was in, and tsrun exits
// with that rank's code (128+signal for a signal). comm.abort(code) ends the job with `code`; --timeout S
// ends a job that runs too long and says what each rank was blocked in; Ctrl-C stops every rank.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { constants as osConstants } from "node:os";
import { Env, type BlockedCall } from "../runtime/wire/bootstrap.ts";
import { Rendezvous } from "./rendezvous.ts";
import { forwardLines } from "./output.ts";
import type { RankProcess, RankSpec } from "./local.ts";
import { SECRET_FD, spawnLocalRank, startReaper } from "./local.ts";
import type { RemoteHosts } from "./remote.ts";
import { spawnThreadRanks } from "./threads.ts";
import { describeWaits, findStuckRanks } from "./stuck.ts";
import { JobDiagnostics } from "./diagnostics/index.ts";
import { FaultPolicy, describeExit } from "./fault.ts";
import { openMpiEnvironment, OPEN_MPI_VARIABLES } from "./executable.ts";

export interface JobOptions {
  np: number;
  bundle: string;
  program: string;
  programArgs: string[];
  /** An executable started as is on every rank's host (launcher/executable.ts); the bundle otherwise. */
  command?: string;
  tagOutput: boolean;
  timeoutSeconds?: number;
  env: Record<string, string>;
  wdir: string;
  transport: "unix" | "tcp" | "shm";
  /** --secure: TCP frames between ranks sealed with AES-256-GCM. */
  secure?: boolean;
  coll?: string;
  runtimeOptions: Record<string, unknown>;
  /** Variable names given with -x (exported to remote ranks). */
  exported: string[];
  /** Hosts to start ranks on over SSH; local child processes when absent. */
  hosts?: RemoteHosts;
  /** --live: serve a live view of the ranks' states (launcher/view/live.ts). */
  live?: boolean;
  /** --kill-rank: ranks to kill (SIGKILL) after some seconds, to inject failures. */
  kills?: { rank: number; seconds: number }[];
}

interface Ending {
  code: number;
  message: string;
}

const STOP_GRACE_MS = 500;

export class Job {
  private ranks: RankProcess[] = [];
  private exits = new Map<number, { code: number | null; signal: NodeJS.Signals | null }>();
  private errors = new Map<number, { message: string; blocked?: BlockedCall[] }>();
  private ending: Ending | null = null;
  private finish!: (code: number) => void;
  private readonly done = new Promise<number>((resolve) => (this.finish = resolve));
  private rendezvous!: Rendezvous;
  private dir = "";
  private stuckTimer: NodeJS.Timeout | null = null;
  private diagnostics: JobDiagnostics | null = null;
  private fault!: FaultPolicy;
  private reaper: ReturnType<typeof startReaper> | null = null;

  constructor(private readonly o: JobOptions) {}

  async run(): Promise<number> {
    this.fault = new FaultPolicy(Boolean(this.o.runtimeOptions.faultTolerant));
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsrun-"));
    fs.chmodSync(this.dir, 0o700);
    this.reaper = startReaper(this.dir);
    const secret = randomBytes(32).toString("hex");
    this.rendezvous = new Rendezvous(path.join(this.dir, "ctl.sock"), this.o.np, secret, {
      onAbort: (rank, code, message) =>
        this.abort(code, `tsrun: rank ${rank} called abort with code ${code}: ${message}`, rank),
      onError: (rank, message, blocked) => this.errors.set(rank, { message, blocked }),
      onStranger: (why) => process.stderr.write(`tsrun: refused a connection: ${why}\n`),
      onFinalize: () => this.watchForStuckRanks(),
      onMessage: (rank, msg) => this.diagnostics?.onMessage(rank, msg),
      onFaultTolerant: () => (this.fault.enabled = true),
    });
    await this.rendezvous.listen();
    this.diagnostics = new JobDiagnostics({
      ...this.o,
      rendezvous: this.rendezvous,
      exits: this.exits,
      abort: (code, message) => this.abort(code, message),
      isEnding: () => this.ending !== null,
    });
    await this.diagnostics.start();
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    const onSignal = (sig: NodeJS.Signals) =>
      this.abort(
        128 + osConstants.signals[sig],
        `tsrun: received ${sig}; stopping ${this.o.np === 1 ? "the rank" : this.o.np === 2 ? "both ranks" : `all ${this.o.np} ranks`}`,
      );
    for (const s of signals) process.on(s, onSignal);
    const timer = this.o.timeoutSeconds ? setTimeout(() => void this.timedOut(), this.o.timeoutSeconds * 1000) : null;
    for (const connection of this.o.hosts?.connections ?? []) {
      connection.closed.then((lost) => {
        if (!lost || this.ending) return;
        const index = this.o.hosts!.connections.indexOf(connection);
        const ranks = this.o.hosts!.placement.ranksByHost[index];
        this.abort(
          255,
          `tsrun: lost the connection to host ${connection.label} (rank${ranks.length === 1 ? "" : "s"} ${ranks.join(", ")}): ${lost.message}`,
        );
      });
    }
    try {
      await this.startRanks(secret);
    } catch (err) {
      this.abort(1, `tsrun: ${(err as Error).message}`);
    }
    // --kill-rank R@T: T seconds after every rank has joined the job (so a slow start cannot dodge it).
    void this.rendezvous.ready.then(() => {
      this.fault.restartClock();
      for (const k of this.o.kills ?? [])
        setTimeout(() => this.ranks[k.rank]?.kill("SIGKILL"), k.seconds * 1000).unref();
    });
    const code = await this.done;
    this.reaper?.stop();
    await this.diagnostics.stop(code, this.ending?.message);
    if (timer) clearTimeout(timer);
    if (this.stuckTimer) clearInterval(this.stuckTimer);
    for (const s of signals) process.off(s, onSignal);
    this.rendezvous.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
    return code;
  }

  private async startRanks(secret: string): Promise<void> {
    const baseEnv = { ...process.env, ...this.o.env };
    const starts: Promise<unknown>[] = [];
    const threadSpecs: RankSpec[] = [];
    const hosts = this.o.hosts;
    const remote = hosts ? await remoteSpawners() : null; // SSH code is loaded only for jobs on other hosts
    const controlPorts = new Map<string, number>();
    for (const address of new Set(hosts?.localAddresses ?? []))
      controlPorts.set(address, await this.rendezvous.listenTcp(address));
    for (let rank = 0; rank < this.o.np; rank++) {
      const hostIndex = hosts?.placement.ranks[rank].hostIndex ?? -1;
      const where = hosts
        ? {
            [Env.CONTROL]: `tcp:${hosts.localAddresses[hostIndex]}:${controlPorts.get(hosts.localAddresses[hostIndex])}`,
            [Env.TRANSPORT]: this.o.transport === "unix" ? "mixed" : this.o.transport,
            [Env.HOST_ID]: `h${hostIndex}`,
            [Env.TCP_BIND]: hosts.addresses[hostIndex],
          }
        : {};
      const localRanks = hosts ? hosts.placement.ranksByHost[hostIndex] : undefined;
      const spec: RankSpec = {
        rank,
        bundle: this.o.bundle,
        command: this.o.command ? [this.o.command, ...this.o.programArgs] : undefined,
        args: this.o.programArgs,
        cwd: this.o.wdir,
        stdin: rank === 0,
        // Extra node flags for every rank, e.g. TSMPI_NODE_ARGS="--cpu-prof" or "--inspect=0".
        nodeArgs: process.env.TSMPI_NODE_ARGS?.split(/\s+/).filter(Boolean),
        env: {
          ...baseEnv,
          [Env.RANK]: String(rank),
          [Env.SIZE]: String(this.o.np),
          [Env.JOB]: path.basename(this.dir),
          [Env.CONTROL]: this.rendezvous.path,
          [Env.SECRET_FD]: String(SECRET_FD),
          [Env.TRANSPORT]: this.o.transport,
          [Env.SOCKET_DIR]: this.dir,
          [Env.HOST_ID]: "local",
          [Env.PROGRAM]: this.o.program,
          [Env.OPTIONS]: JSON.stringify(this.o.runtimeOptions),
          ...(this.o.coll ? { [Env.COLL]: this.o.coll } : {}),
          ...(this.o.secure ? { [Env.SECURE]: "1" } : {}),
          ...where,
          ...openMpiEnvironment(rank, this.o.np, localRanks?.indexOf(rank) ?? rank, localRanks?.length ?? this.o.np),
        },
        exported: [...Object.keys(this.o.env), ...OPEN_MPI_VARIABLES],
        secret,
      };
      if (this.o.transport === "shm") {
        threadSpecs.push(spec);
        continue;
      }
      const started = hosts ? remote!.spawnRemoteRank(hosts, spec) : spawnLocalRank(spec, os.hostname());
      starts.push(started.then((p) => this.watch(p)));
    }
    // Threads: one host process for this machine, or one per host (its ranks only) over SSH.
    const threadHosts = hosts ? hosts.placement.ranksByHost : [threadSpecs.map((s) => s.rank)];
    threadHosts.forEach((ranks, hostIndex) => {
      if (!threadSpecs.length || !ranks.length) return;
      const group = ranks.map((r) => threadSpecs[r]);
      const started = hosts
        ? remote!.spawnRemoteThreadRanks(hosts, hostIndex, group)
        : spawnThreadRanks(group, os.hostname());
      starts.push(started.then((ps) => void ps.forEach((p) => this.watch(p))));
    });
    await Promise.all(starts);
  }

  private watch(p: RankProcess): RankProcess {
    this.ranks[p.rank] = p;
    if (!this.o.hosts) this.reaper?.add(p.pid);
    if (this.ending) p.kill("SIGKILL");
    const outputs = Promise.all([
      forwardLines(p.stdout, process.stdout, p.rank, { tagOutput: this.o.tagOutput }),
      forwardLines(p.stderr, process.stderr, p.rank, { tagOutput: this.o.tagOutput }),
    ]);
    if (p.stdin) {
      p.stdin.on("error", () => {});
      process.stdin.on("error", () => {});
      process.stdin.pipe(p.stdin);
    }
    Promise.all([p.exited, outputs]).then(([exit]) => this.rankExited(p, exit));
    return p;
  }

  private rankExited(p: RankProcess, exit: { code: number | null; signal: NodeJS.Signals | null }): void {
    this.exits.set(p.rank, exit);
    this.rendezvous.rankExited(p.rank);
    const tolerated =
      exit.code !== 0 &&
      !this.ending &&
      this.fault.tolerate(p.rank, exit, describeExit(exit), (m) => this.rendezvous.broadcast(m));
    if (tolerated && (!exit.signal || this.errors.has(p.rank)))
      process.stderr.write(`${this.failureMessage(p, exit)}\n`); // a rank's own error, not a kill
    if (exit.code !== 0 && !this.ending && !tolerated) this.abort(codeOf(exit), this.failureMessage(p, exit), p.rank);
    else if (!this.ending && this.exits.size < this.o.np) this.watchForStuckRanks();
    if (this.exits.size === this.o.np && !this.ending) {
      const end = this.fault.summary(this.o.np, this.exits);
      if (end.message) process.stderr.write(`${end.message}\n`);
      this.finish(end.code);
    } else if (this.ending && this.allStopped()) this.finish(this.ending.code);
  }

  private allStopped(): boolean {
    return (
      this.ranks.every((r) => !r || this.exits.has(r.rank)) && this.exits.size >= this.ranks.filter(Boolean).length
    );
  }

  private failureMessage(p: RankProcess, exit: { code: number | null; signal: NodeJS.Signals | null }): string {
    const pid = p.pid > 0 ? p.pid : (this.rendezvous.address(p.rank)?.pid ?? "unknown");
    const who = `rank ${p.rank} (pid ${pid} on ${p.host})`;
    const error = this.errors.get(p.rank);
    if (error) {
      const where = error.blocked?.length ? `\n  it was in: ${error.blocked.map((b) => b.call).join(", ")}` : "";
      return `tsrun: ${who} failed:\n${indent(error.message)}${where}`;
    }
    if (exit.signal) return `tsrun: ${who} was killed by ${exit.signal}`;
    return `tsrun: ${who} exited with code ${exit.code}`;
  }

  /** Ends the job: stops every rank, prints one message, exits with `code`. Only the first call counts. */
  abort(code: number, message: string, culprit = -1): void {
    if (this.ending) return;
    this.ending = { code, message };
    const others = this.ranks.filter((r) => r && !this.exits.has(r.rank) && r.rank !== culprit);
    process.stderr.write(`${message}\n`);
    // "other" only makes sense next to a failed rank; a timeout, a deadlock or Ctrl-C says what it stops itself.
    if (others.length && culprit >= 0)
      process.stderr.write(
        `tsrun: stopping ${others.length} other rank${others.length > 1 ? "s" : ""} (${others.map((r) => r.rank).join(", ")})\n`,
      );
    for (const r of others) r.kill("SIGTERM");
    setTimeout(() => {
      for (const r of this.ranks) if (r && !this.exits.has(r.rank)) r.kill("SIGKILL");
    }, STOP_GRACE_MS).unref();
    if (this.allStopped()) this.finish(code);
    // Ranks that never started still count: finish once every started rank is gone.
    setTimeout(() => this.finish(code), 5000).unref();
  }

  private async timedOut(): Promise<void> {
    if (this.ending) return;
    const states = await this.rendezvous.queryStates(800, true); // with the source line of each blocked call
    const lines = this.ranks.filter(Boolean).map((r) => {
      if (this.exits.has(r.rank)) return `  rank ${r.rank}: already exited`;
      const s = states.get(r.rank);
      if (!s) return `  rank ${r.rank}: did not answer (busy computing, not in an MPI call)`;
      return `  rank ${r.rank}: ${s.blocked.length ? `blocked in ${s.blocked.map((b) => `${b.call}${b.site ? ` at ${b.site}` : ""}`).join(", ")}` : "running (not in an MPI call)"}`;
    });
    this.abort(
      124,
      `tsrun: the job exceeded --timeout ${this.o.timeoutSeconds} s; what each rank was doing:\n${lines.join("\n")}`,
    );
  }

  /** Once some ranks have exited, ranks still waiting only for exited ranks can never finish: report them. */
  private watchForStuckRanks(): void {
    if (this.diagnostics?.checking) return; // the diagnostics monitor finds these, and more
    if (this.stuckTimer) return;
    let previous = "";
    this.stuckTimer = setInterval(async () => {
      if (this.ending) return;
      const states = await this.rendezvous.queryStates(500);
      const gone = new Set([...this.exits.keys(), ...this.rendezvous.inFinalize]);
      const stuck = findStuckRanks(states, gone);
      const key = JSON.stringify([...stuck.keys(), [...states.values()].map((s) => s.received)]);
      if (stuck.size && key === previous) {
        this.abort(1, `tsrun: ${describeWaits(stuck, this.exits, this.rendezvous.inFinalize)}`);
      }
      previous = stuck.size ? key : "";
    }, 300);
    this.stuckTimer.unref();
  }

  /** Kills every rank now (used when tsrun itself must exit). */
  killAll(): void {
    for (const r of this.ranks) r?.kill("SIGKILL");
  }
}

function codeOf(exit: { code: number | null; signal: NodeJS.Signals | null }): number {
  if (exit.signal) return 128 + (osConstants.signals[exit.signal] ?? 0);
  return exit.code ?? 1;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l.trimStart().startsWith("at ") ? "  " + l.trim() : l}`)
    .join("\n");
}

/** The functions that start ranks over SSH, loaded on demand (ssh2 costs every local job tens of ms to load). */
async function remoteSpawners() {
  const [{ spawnRemoteRank }, { spawnRemoteThreadRanks }] = await Promise.all([
    import("./remote.ts"),
    import("./remote-threads.ts"),
  ]);
  return { spawnRemoteRank, spawnRemoteThreadRanks };
}
