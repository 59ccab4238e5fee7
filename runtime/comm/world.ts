// The process's MPI world once started (runtime/boot/ starts it: the launcher's control socket, a Slurm
// step's PMI, or a world of one): it owns the engine and the transport, hands frames between them, talks to
// the launcher (reports, queries, aborts, shrink), and finalize (MPI_Finalize) waits for every rank, reports
// messages that were sent and never received, and closes everything.
import type * as net from "node:net";
import {
  LineSplitter,
  encodeControl,
  type LauncherToRank,
  type PeerAddress,
  type RankToLauncher,
} from "../wire/bootstrap.ts";
import { setErrorRank } from "../errors.ts";
import { deliverToSelf, type RankTransport } from "../transport/link.ts";
import { Engine } from "./engine.ts";
import { FaultState } from "./fault.ts";
import type { Frame } from "../wire/frame.ts";
import type { SharedBarrierTable } from "../wire/shared-memory.ts";
import type { StepControl, WorldLinks, RuntimeOptions } from "./world-links.ts";
import { CONTROL_CONTEXT, ContextIds, SHRUNK_CONTEXTS } from "../protocol.ts";
import {
  blockedCalls,
  describeBlocked,
  stopKeepAlive,
  blocking,
  setBlockingSpin,
  reportNeverAwaited,
} from "../trace/activity.ts";
import { RankDiagnostics } from "../trace/rank.ts";

export type { StepControl, WorldLinks, RuntimeOptions } from "./world-links.ts";

export class World {
  readonly engine: Engine;
  readonly fault: FaultState;
  readonly options: RuntimeOptions;
  peers: PeerAddress[] = [];
  /** Ranks as threads (shm): a world rank's slab of this rank's shared segment (null: not on it); null otherwise. */
  sharedSlab: ((worldRank: number) => Uint8Array | null) | null = null;
  /** Ranks as threads (shm): the barrier table of this rank's segment (null otherwise). */
  sharedBarriers: SharedBarrierTable | null = null;
  finalized = false;
  private control: net.Socket | null = null;
  /** A task of `srun --mpi=pmi2` with no tsrun parent: PMI-2 does the launcher's part (boot/pmi-boot.ts). */
  private step: StepControl | null = null;
  private transport: RankTransport | null = null;
  private controlHandlers: ((msg: LauncherToRank) => void)[] = [];
  private sentTo = new Map<number, number>();
  private receivedFrom: number[] = [];
  /** Runtime checks and trace (runtime/trace/rank.ts). */
  readonly diagnostics: RankDiagnostics;
  private arrived = 0;
  private arrivalWaiter: (() => void) | null = null;
  /** Frames handed to the transport and not yet written to the kernel (a new connection queues them). */
  private unflushed = 0;
  private flushWaiter: (() => void) | null = null;
  /** Without a launcher (one rank, or a Slurm step) each rank hands out shrunk contexts itself, in the same order. */
  private shrinkContexts = new ContextIds(SHRUNK_CONTEXTS);

  /** @param launched started by tsrun (its options come from the launcher) */
  constructor(
    readonly rank: number,
    readonly size: number,
    options: RuntimeOptions = {},
    launched = false,
  ) {
    setErrorRank(rank);
    this.options = options;
    this.engine = new Engine({
      rank,
      send: (dest, parts, onWritten) => this.sendFrame(dest, parts, onWritten),
      poll: () => this.transport?.poll?.() ?? false,
      spinMicros: () => (this.transport?.poll ? (this.transport.spinMicros ?? 0) : 0),
    });
    this.fault = new FaultState(this.engine, (peer) => this.transport?.hasIncomingFrom(peer) ?? false);
    this.fault.enabled = Boolean(this.options.faultTolerant);
    this.diagnostics = new RankDiagnostics({
      rank,
      size,
      launched,
      options: this.options,
      engine: this.engine,
      sentTo: this.sentTo,
      receivedFrom: this.receivedFrom,
      report: (m) => this.report(m),
    });
  }

  /** Takes over what the boot code started (runtime/boot/start.ts); frames and control messages flow from now on. */
  attach(links: WorldLinks): void {
    this.transport = links.transport;
    this.peers = links.peers;
    this.step = links.step ?? null;
    this.spinOnBlockingCalls();
    if (links.control) this.listenToLauncher(links.control);
  }

  /** What the transport calls: a frame arrived, a connection failed, a connection from a peer closed. */
  readonly transportHandlers = {
    onFrame: (source: number, frame: Frame) => this.onFrame(source, frame),
    onPeerError: (peer: number, err: Error) => this.peerError(peer, err),
    onPeerClosed: (peer: number) => this.fault.peerClosed(peer),
  };

  /** A transport that can be polled: blocking calls spin on it a short while (Engine.spinWhile). */
  private spinOnBlockingCalls(): void {
    if (this.transport?.poll) setBlockingSpin((pending) => void this.engine.spinWhile(pending));
  }

  private sendFrame(dest: number, parts: Buffer[], onWritten?: () => void): void {
    this.sentTo.set(dest, (this.sentTo.get(dest) ?? 0) + 1);
    if (this.transport) {
      this.unflushed++;
      return this.transport.send(dest, parts, () => {
        this.unflushed--;
        if (!this.unflushed) this.flushWaiter?.();
        onWritten?.();
      });
    }
    deliverToSelf(parts, (f) => this.onFrame(0, f), onWritten); // a world of one
  }

  private onFrame(source: number, frame: Frame): void {
    this.arrived++;
    this.receivedFrom[source] = (this.receivedFrom[source] ?? 0) + 1;
    this.engine.onFrame(source, frame);
    if (this.arrivalWaiter) this.arrivalWaiter();
  }

  private listenToLauncher(socket: net.Socket): void {
    this.control = socket;
    const splitter = new LineSplitter((line) => this.onControl(JSON.parse(line) as LauncherToRank));
    socket.setEncoding("utf8").on("data", (d: string) => splitter.push(d));
    socket.on("error", () => {});
    socket.on("close", () => {
      // The launcher is gone (killed, or the job was stopped): nothing may keep running.
      if (!this.finalized) process.exit(1);
    });
  }

  private onControl(msg: LauncherToRank): void {
    if (msg.t === "query") {
      void this.diagnostics.answerQuery(msg.seq, Boolean(msg.detail));
    } else if (msg.t === "stop") {
      process.exit(1);
    } else if (msg.t === "peer-exit") {
      this.fault.markFailed(msg.rank, msg.how);
    }
    for (const h of this.controlHandlers) h(msg);
  }

  /** Calls `handler` for every control message of type `t` (until it returns true, for one-shot use). */
  onControlMessage(handler: (msg: LauncherToRank) => void): void {
    this.controlHandlers.push(handler);
  }

  /** Calls `handler` once, for the next control message of type `t`. */
  onceControl<T extends LauncherToRank["t"]>(t: T, handler: (m: Extract<LauncherToRank, { t: T }>) => void): void {
    const h = (m: LauncherToRank) => {
      if (m.t !== t) return;
      this.controlHandlers = this.controlHandlers.filter((x) => x !== h);
      handler(m as Extract<LauncherToRank, { t: T }>);
    };
    this.controlHandlers.push(h);
  }

  report(msg: RankToLauncher): void {
    this.control?.write(encodeControl(msg));
  }

  private peerError(peer: number, err: Error): void {
    if ((err as { code?: string }).code === "ERR_PROTOCOL") {
      this.fatal(`MpiError [ERR_PROTOCOL]: receiving from rank ${peer} on rank ${this.rank}: ${err.message}`);
    }
    // Other connection errors mean the peer died; the launcher reports that and stops the job.
  }

  /** ERRORS_RETURN on a communicator: the job no longer aborts when a rank dies (the launcher is told). */
  enableFaultTolerance(): void {
    if (this.fault.enabled) return;
    this.fault.enabled = true;
    this.report({ t: "ft", rank: this.rank });
  }

  /** Asks the launcher for the live members of a communicator being shrunk and a fresh context id. */
  shrink(key: string, members: number[]): Promise<{ alive: number[]; context: number }> {
    if (!this.control) return Promise.resolve({ alive: members, context: this.shrinkContexts.offer() });
    const answer = new Promise<{ alive: number[]; context: number }>((resolve) => {
      const handler = (m: LauncherToRank) => {
        if (m.t !== "shrunk" || m.key !== key) return;
        this.controlHandlers = this.controlHandlers.filter((h) => h !== handler);
        resolve({ alive: m.alive, context: m.context });
      };
      this.controlHandlers.push(handler);
    });
    this.report({ t: "shrink", rank: this.rank, key, members });
    return blocking(answer, "shrink()");
  }

  /** Reports an error that ends this rank, then exits with `code`. */
  fatal(message: string, code = 1): never {
    const blocked = blockedCalls();
    if (this.step) this.step.failed(message, blocked, code);
    if (!this.control) {
      process.stderr.write(`${message}\n`);
      process.exit(code);
    }
    this.control.ref();
    this.control.end(encodeControl({ t: "error", rank: this.rank, message, blocked }), () => process.exit(code));
    setTimeout(() => process.exit(code), 1000);
    // Stop the program's own code from going on while the report is written.
    throw new Error("tsmpi: rank is stopping");
  }

  /** MPI_Abort: asks the launcher to stop every rank with `code`. */
  abort(code: number, message: string): never {
    if (this.step) this.step.aborted(code, message);
    if (!this.control) {
      process.stderr.write(`tsmpi: abort(${code}) on rank 0: ${message}\n`);
      process.exit(code);
    }
    this.control.ref();
    this.control.end(encodeControl({ t: "abort", rank: this.rank, code, message, blocked: blockedCalls() }), () =>
      process.exit(code),
    );
    setTimeout(() => process.exit(code), 1000);
    throw new Error("tsmpi: rank is aborting");
  }

  /** MPI_Finalize: waits for all ranks, reports unreceived messages, closes connections. */
  async finalize(): Promise<void> {
    if (this.finalized) return;
    const neverAwaited = blockedCalls(); // calls still pending now were started and never awaited
    this.finalized = true;
    if (this.control) {
      this.diagnostics.beforeFinalize();
      const sentTo: Record<number, number> = Object.fromEntries(this.sentTo);
      const done = new Promise<number>((resolve) => this.onceControl("finalized", (m) => resolve(m.expected)));
      this.report({ t: "finalize", rank: this.rank, sentTo, ...this.diagnostics.finalizeFields() });
      const expected = await blocking(done, "finalize()");
      await this.waitForArrivals(expected);
    }
    if (this.step) await this.waitForArrivals(await blocking(this.step.finalize(this.sentTo), "finalize()"));
    this.reportUnreceived();
    reportNeverAwaited(neverAwaited, this.rank, Boolean(this.options.strict));
    await this.flushed();
    await this.transport?.close();
    await this.step?.close();
    this.control?.end();
    stopKeepAlive();
  }

  /**
   * Every frame this rank counted as sent must leave before its connections close: a frame queued on a
   * connection still being opened would otherwise be lost, and its receiver would wait for it in vain.
   */
  private async flushed(): Promise<void> {
    // a dead peer (fault-tolerant mode) never takes its frames
    await waitUntil(
      () => this.unflushed <= 0,
      5000,
      (wake) => (this.flushWaiter = wake),
    );
  }

  /** Frames in flight towards us when finalize completed still have to land before we count leftovers. */
  private async waitForArrivals(expected: number): Promise<void> {
    await waitUntil(
      () => this.arrived >= expected,
      2000,
      (wake) => (this.arrivalWaiter = wake),
    );
  }

  private reportUnreceived(): void {
    const left = this.engine.unreceived().filter((m) => m.context !== CONTROL_CONTEXT);
    const warnings = this.diagnostics.finalizeWarnings(left);
    for (const text of warnings) process.stderr.write(text + "\n");
    if (warnings.length && this.options.strict) process.exitCode = 1;
  }

  describeState(): string {
    return describeBlocked(blockedCalls());
  }
}

/**
 * Waits until `done()`, at most `withinMs`: looks again whenever the caller's `wake` (handed to `onWake`, and
 * taken back at the end) is called, and every 50 ms.
 */
async function waitUntil(
  done: () => boolean,
  withinMs: number,
  onWake: (wake: (() => void) | null) => void,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!done() && Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      onWake(resolve);
      setTimeout(resolve, 50);
    });
  }
  onWake(null);
}
