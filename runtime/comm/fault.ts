// Fault tolerance after MPI's ULFM proposal (MPIX_Comm_failure_ack, MPIX_Comm_failure_get_acked,
// MPIX_Comm_revoke, MPIX_Comm_shrink). With comm.setErrhandler(ERRORS_RETURN) or `tsrun --fault-tolerant`,
// a rank that dies no longer aborts the job: the launcher tells every rank, and operations that can only
// complete through the dead rank fail with ERR_PROC_FAILED naming it, while live ranks carry on.
import { isMainThread, parentPort } from "node:worker_threads";
import { ErrorCode, mpiError, processFailedError, setErrorsReturn } from "../errors.ts";
import type { Engine } from "./engine.ts";
import { REVOKE_CHANNEL } from "../protocol.ts";

/** How long a dead rank's open connection may take to deliver its last frames (a remote host may never close it). */
const DRAIN_GRACE_MS = 2000;

export class FaultState {
  /** World rank → how it died (e.g. "killed by SIGKILL"). */
  readonly failed = new Map<number, string>();
  /** Contexts of revoked communicators. */
  readonly revoked = new Set<number>();
  private faultTolerant = false;
  /** Dead ranks whose connection to us is still open: their last frames are still arriving. */
  private draining = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly engine: Engine,
    /** true while a connection from the rank is open (the transport's view) */
    private readonly connectedFrom: (worldRank: number) => boolean = () => false,
  ) {
    engine.onControl(REVOKE_CHANNEL, (_source, frame) => this.markRevoked(Buffer.from(frame.payload).readUInt32LE(0)));
  }

  /** Fault-tolerant mode: a dead rank no longer ends the job, and MPI errors are no longer fatal (MpiError.fatal). */
  get enabled(): boolean {
    return this.faultTolerant;
  }
  set enabled(on: boolean) {
    this.faultTolerant = on;
    setErrorsReturn(on);
  }

  /** World ranks known to have failed, ascending. */
  failedRanks(): number[] {
    return [...this.failed.keys()].sort((a, b) => a - b);
  }

  /**
   * A rank died (the launcher says so). What it sent before dying may still be in its connection to us, and
   * the launcher's notice can overtake it: operations that depend on the rank fail only once that connection
   * has closed (peerClosed), so a message or collective token sent just before the death is still received.
   */
  markFailed(worldRank: number, how: string): void {
    if (this.failed.has(worldRank)) return;
    this.failed.set(worldRank, how);
    if (!this.connectedFrom(worldRank)) return this.failDependents(worldRank, how);
    const timer = setTimeout(() => this.drained(worldRank), DRAIN_GRACE_MS);
    timer.unref();
    this.draining.set(worldRank, timer);
  }

  /** The connection from a rank closed: if it was dead and draining, fail what depends on it now. */
  peerClosed(worldRank: number): void {
    if (this.draining.has(worldRank) && !this.connectedFrom(worldRank)) this.drained(worldRank);
  }

  private drained(worldRank: number): void {
    const timer = this.draining.get(worldRank);
    if (!timer) return;
    clearTimeout(timer);
    this.draining.delete(worldRank);
    this.failDependents(worldRank, this.failed.get(worldRank)!);
  }

  private failDependents(worldRank: number, how: string): void {
    this.engine.failPeer(worldRank, (op) =>
      processFailedError(
        op,
        worldRank,
        this.failedRanks(),
        `rank ${worldRank} has failed (${how})`,
        "in fault-tolerant mode, catch ERR_PROC_FAILED, then comm.failedRanks() / comm.shrink() to go on without it",
      ),
    );
  }

  markRevoked(context: number): void {
    if (this.revoked.has(context)) return;
    this.revoked.add(context);
    this.engine.failContexts([context, context + 1], revokedError("a pending operation", context));
  }

  /** Tells every live member that the communicator with `context` is revoked (MPIX_Comm_revoke). */
  revoke(context: number, members: number[], self: number): void {
    const payload = Buffer.alloc(4);
    payload.writeUInt32LE(context);
    for (const m of members)
      if (m !== self && !this.failed.has(m)) this.engine.sendControl(m, REVOKE_CHANNEL, 0, payload);
    this.markRevoked(context);
  }
}

export function revokedError(op: string, context: number) {
  return mpiError(ErrorCode.ERR_REVOKED, op, `the communicator (context ${context}) has been revoked`, {
    hint: "a revoked communicator only allows shrink(); build a new one with comm.shrink()",
  });
}

/** Failure injection (tests, the salad lab): this rank dies at once, as if killed (SIGKILL). */
export function crash(): never {
  if (!isMainThread) {
    // A rank running as a thread (--transport shm): its host ends this thread alone, as a kill would.
    parentPort?.postMessage({ t: "crash" });
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  }
  process.kill(process.pid, "SIGKILL");
  throw new Error("unreachable");
}
