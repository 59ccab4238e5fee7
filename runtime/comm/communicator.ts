// The engine side of a communicator (MPI-4 §3, §7.1): what the facade's Comm, Intracomm and Cartcomm
// (runtime/mpi/) hold in a private field and what the collectives and windows work on. It knows the
// members (world rank by communicator rank), the two contexts (user point-to-point traffic, and
// collective traffic one above, so the two never match each other), the argument checks of MPI's
// point-to-point calls (their rules are in arguments.ts), and the paths from a call to the matching engine
// (comm/engine.ts). Users never see it: a Comm shows only MPI methods.
import { ErrorCode, mpiError } from "../errors.ts";
import { ANY_SOURCE, PROC_NULL, ERRORS_ARE_FATAL, ERRORS_RETURN, type Errhandler } from "../constants.ts";
import { blocking, tracingBlocks } from "../trace/activity.ts";
import { nameContext } from "../trace/tracer.ts";
import { toPayload, fromPayload, intoSpec, checkRecvSpec, type Payload } from "./payload.ts";
import type { BufSpec } from "../datatype/index.ts";
import type { World } from "./world.ts";
import { revokedError } from "./fault.ts";
import { SENT, type Matched } from "./engine.ts";
import {
  checkDestRank,
  checkSourceRank,
  checkTagValue,
  describeRecv,
  fillNull,
  type StatusFields,
} from "./arguments.ts";

/** A cartesian topology (collectives/cartcomm.ts): kept by every communicator derived from it. */
export interface CartTopology {
  readonly dims: readonly number[];
  readonly periods: readonly boolean[];
}

export class CommCore {
  readonly rank: number;
  readonly size: number;
  /** Context of collective traffic on this communicator. */
  readonly collContext: number;
  private readonly worldToLocal: Map<number, number>;
  /** The collective sequence number: the next collective call's tag (collectives/collective-comm.ts). */
  collSeq = 0;
  /** Set by free(): the communicator can no longer be used for collectives. */
  freed = false;
  /** A fixed tag for every collective call (the temporary communicator of createGroup), or null. */
  fixedCollTag: number | null = null;
  errhandler: Errhandler = ERRORS_ARE_FATAL;
  acked: number[] = [];
  shrinks = 0;

  constructor(
    readonly world: World,
    /** World rank of each member, by rank in this communicator. */
    readonly members: number[],
    /** Context of user point-to-point traffic. */
    readonly context: number,
    readonly name = "COMM_WORLD",
    readonly topology: CartTopology | null = null,
  ) {
    this.size = members.length;
    this.worldToLocal = new Map(members.map((w, i) => [w, i]));
    this.rank = this.worldToLocal.get(world.rank) ?? -1;
    this.collContext = context + 1;
    nameContext(context, name);
  }

  /** A communicator of the same world over other members (keeps the topology unless given another). */
  derive(members: number[], context: number, name: string, topology = this.topology): CommCore {
    return new CommCore(this.world, members, context, name, topology);
  }

  /** World rank of a member of this communicator. */
  worldRank(rank: number): number {
    return this.members[rank];
  }

  /** This communicator's rank of a world rank, or -1. */
  localRank(worldRank: number): number {
    return this.worldToLocal.get(worldRank) ?? -1;
  }

  // ---- argument checks --------------------------------------------------------------------------

  /** Every MPI call after mpi.finalize() is an error naming the call (MPI-4 §11.2.2). */
  checkNotFinalized(op: () => string): void {
    if (!this.world.finalized) return;
    throw mpiError(ErrorCode.ERR_OTHER, op(), "MPI is finalized", {
      hint: "mpi.finalize() must be the last MPI call of the program: move this call before it (and await it)",
    });
  }

  /** A destination rank of this communicator or PROC_NULL (ERR_RANK otherwise), checked after finalize's rule. */
  checkDest(op: () => string, dest: number): void {
    this.checkNotFinalized(op);
    checkDestRank(this, op, dest);
  }

  /** A source rank of this communicator, ANY_SOURCE or PROC_NULL, checked after finalize's rule. */
  checkSource(op: () => string, source: number): void {
    this.checkNotFinalized(op);
    checkSourceRank(this, op, source);
  }

  checkTag(op: () => string, tag: number, allowAny: boolean): void {
    checkTagValue(op, tag, allowAny);
  }

  /** Throws ERR_REVOKED when this communicator was revoked: every operation then fails, PROC_NULL ones too. */
  checkNotRevoked(op: () => string): void {
    if (this.world.fault.revoked.has(this.context)) throw revokedError(op(), this.context);
  }

  /** Checks a send's arguments and encodes its data; null for PROC_NULL (nothing to send). */
  prepareSend(data: unknown, dest: number, tag: number, name: string): Payload | null {
    const op = () => `${name}(dest=${dest}, tag=${tag})`;
    this.checkDest(op, dest);
    this.checkTag(op, tag, false);
    this.checkNotRevoked(op);
    return dest === PROC_NULL ? null : toPayload(data, op());
  }

  /** Checks a receive's (or probe's) arguments. */
  checkRecv(source: number, tag: number, name: string): void {
    const op = () => describeRecv(name, source, tag);
    this.checkSource(op, source);
    this.checkTag(op, tag, true);
  }

  // ---- engine access, shared with the collectives and windows ---------------------------------

  /** Sends an encoded payload to `dest` (a rank of this communicator) in `context`. */
  sendPayload(p: Payload, dest: number, tag: number, context: number, sync = false): Promise<void> {
    if (this.world.fault.revoked.has(this.context)) return Promise.reject(revokedError("send", this.context));
    return this.world.engine.send({
      dest: this.members[dest],
      context,
      tag,
      enc: p.enc,
      sig: p.sig,
      payload: p.bytes,
      sync,
    });
  }

  /** Receives the next message matching (source, tag) in `context`; resolves with the raw match. */
  recvMatched(
    source: number,
    tag: number,
    context: number,
    onPost?: (cancel: () => boolean) => void,
  ): Promise<Matched | null> {
    return new Promise((resolve, reject) => {
      if (this.world.fault.revoked.has(this.context)) return reject(revokedError("recv", this.context));
      const recv = {
        source: source === ANY_SOURCE ? ANY_SOURCE : this.members[source],
        tag,
        context,
        deliver: resolve,
        fail: reject,
        candidates: source === ANY_SOURCE ? this.members : undefined,
      };
      this.world.engine.postRecv(recv);
      onPost?.(() => {
        const cancelled = this.world.engine.cancelRecv(recv);
        if (cancelled) resolve(null);
        return cancelled;
      });
    });
  }

  /** The world ranks a receive from `source` waits for (diagnostics). */
  waitsFor(source: number): number[] {
    if (source === PROC_NULL) return [];
    return source === ANY_SOURCE ? [...this.members] : [this.members[source]];
  }

  // ---- point-to-point paths (the facade's send, recv, probe…) ---------------------------------

  /** A blocking send in standard (sync false) or synchronous mode, recorded as what this rank is blocked in. */
  send(data: unknown, dest: number, tag: number, sync: boolean, name: string): Promise<void> {
    try {
      const payload = this.prepareSend(data, dest, tag, name);
      if (payload === null) return Promise.resolve();
      const sending = this.sendPayload(payload, dest, tag, this.context, sync);
      if (sending === SENT && !tracingBlocks()) return sending; // written already: nothing to wait for
      return blocking(sending, () => this.describeSend(`${name}(dest=${dest}, tag=${tag})`, dest), this.name, [
        this.members[dest],
      ]);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** A pending send as the diagnostics show it: says when flow control holds it back for lack of credit. */
  private describeSend(op: string, dest: number): string {
    const held = this.world.engine.waitingForCredit(this.members[dest]);
    if (!held) return op;
    return `${op}, held back by flow control: no credit until rank ${dest} receives this rank's earlier messages (${held} send${held > 1 ? "s" : ""} waiting)`;
  }

  /**
   * A receive: resolves with the value (value mode) or the spec's array (buffer mode), fills `status`.
   * With `onPost` (a nonblocking receive) it hands out the canceller and is not recorded as blocking.
   */
  receive(
    source: number,
    tag: number,
    status: StatusFields | undefined,
    spec: BufSpec | null,
    name: string,
    onPost?: (cancel: () => boolean) => void,
  ): Promise<unknown> {
    const op = () => describeRecv(name, source, tag);
    try {
      this.checkRecv(source, tag, name);
      if (spec !== null) checkRecvSpec(spec, op());
      this.checkNotRevoked(op);
    } catch (err) {
      return Promise.reject(err);
    }
    if (source === PROC_NULL) {
      if (status) fillNull(status);
      return Promise.resolve(undefined);
    }
    const received = this.recvMatched(source, tag, this.context, onPost).then((m) => {
      if (!m) return undefined; // cancelled
      if (status) this.fill(status, m);
      if (!spec) return fromPayload(m);
      intoSpec(m, spec, op());
      return spec.array;
    });
    return onPost ? received : blocking(received, op, this.name, this.waitsFor(source));
  }

  /** MPI_Probe: fills `status` once a matching message can be received. */
  async probe(source: number, tag: number, status: StatusFields): Promise<void> {
    this.checkRecv(source, tag, "probe");
    if (source === PROC_NULL) return void fillNull(status);
    const wsource = source === ANY_SOURCE ? ANY_SOURCE : this.members[source];
    const env = await blocking(
      this.world.engine.probe(wsource, tag, this.context),
      () => `probe(source=${source}, tag=${tag})`,
      this.name,
      this.waitsFor(source),
    );
    this.fill(status, env);
  }

  /** MPI_Iprobe: true (status filled) if a matching message can be received now. */
  iprobe(source: number, tag: number, status: StatusFields | undefined): boolean {
    this.checkRecv(source, tag, "iprobe");
    if (source === PROC_NULL) {
      if (status) fillNull(status);
      return true;
    }
    const env = this.world.engine.iprobe(source === ANY_SOURCE ? ANY_SOURCE : this.members[source], tag, this.context);
    if (env && status) this.fill(status, env);
    return env !== null;
  }

  private fill(status: StatusFields, m: { source: number; tag: number; size: number }): void {
    status.source = this.localRank(m.source);
    status.tag = m.tag;
    status.count = m.size;
  }

  // ---- fault tolerance (ULFM: MPIX_Comm_*) ------------------------------------------------------

  setErrhandler(handler: Errhandler): void {
    this.errhandler = handler;
    if (handler === ERRORS_RETURN) this.world.enableFaultTolerance();
  }

  /** Ranks of this communicator known to have failed (MPIX_Comm_get_failed). */
  failedRanks(): number[] {
    return this.members.flatMap((w, r) => (this.world.fault.failed.has(w) ? [r] : []));
  }

  isRevoked(): boolean {
    return this.world.fault.revoked.has(this.context);
  }

  revoke(): void {
    this.world.fault.revoke(this.context, this.members, this.world.rank);
  }

  /** MPIX_Comm_shrink: the live members with a new context (collective over the survivors). */
  async shrink(): Promise<CommCore> {
    const key = `${this.context}:${this.shrinks++}`;
    const { alive, context } = await this.world.shrink(key, this.members);
    return this.derive(alive, context, `${this.name}.shrink()`, null);
  }

  abort(errorcode: number): never {
    return this.world.abort(errorcode, `${this.name}.abort(${errorcode}) called on rank ${this.rank}`);
  }
}
