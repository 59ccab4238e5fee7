// A communicator's point-to-point operations (MPI-4 §3): send/ssend/recv, their nonblocking forms,
// sendrecv, probe/iprobe, in value mode (any value) and buffer mode (mpi.buf specs), with MPI's rules:
// ranks are the communicator's own, PROC_NULL is a no-op, ANY_SOURCE/ANY_TAG match anything, a bad rank or
// tag is ERR_RANK/ERR_TAG naming the call. Each communicator has two contexts: one for user messages and
// one for collectives, so the two never match each other.
import { ErrorCode, mpiError } from "../errors.ts";
import { ANY_SOURCE, ANY_TAG, PROC_NULL, TAG_UB, ERRORS_ARE_FATAL, ERRORS_RETURN, type Errhandler } from "../constants.ts";
import { Status } from "./status.ts";
import { Request } from "./request.ts";
import { blocking } from "../trace/activity.ts";
import { nameContext } from "../trace/tracer.ts";
import { toPayload, fromPayload, intoSpec, type Payload } from "./payload.ts";
import type { BufSpec } from "../datatype/index.ts";
import type { World } from "./world.ts";
import { revokedError } from "./fault.ts";
import type { Matched } from "./engine.ts";

export class Comm {
  readonly rank: number;
  readonly size: number;
  /** Context of collective traffic on this communicator. */
  readonly collContext: number;
  private readonly worldToLocal: Map<number, number>;

  constructor(
    readonly world: World,
    /** World rank of each member, by rank in this communicator. */
    readonly members: number[],
    /** Context of user point-to-point traffic. */
    readonly context: number,
    readonly name = "COMM_WORLD",
  ) {
    this.size = members.length;
    this.worldToLocal = new Map(members.map((w, i) => [w, i]));
    this.rank = this.worldToLocal.get(world.rank) ?? -1;
    this.collContext = context + 1;
    nameContext(context, name);
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

  checkDest(op: () => string, dest: number): void {
    this.checkNotFinalized(op);
    if (dest === PROC_NULL || (Number.isInteger(dest) && dest >= 0 && dest < this.size)) return;
    throw mpiError(ErrorCode.ERR_RANK, op(), "destination rank out of range", {
      measured: dest, peer: dest,
      expected: `0..${this.size - 1} or PROC_NULL`,
      hint: `${this.name} has ${this.size} rank${this.size > 1 ? "s" : ""}; check the rank arithmetic (e.g. (rank + 1) % size)`,
    });
  }

  checkSource(op: () => string, source: number): void {
    this.checkNotFinalized(op);
    if (source === ANY_SOURCE || source === PROC_NULL) return;
    if (Number.isInteger(source) && source >= 0 && source < this.size) return;
    throw mpiError(ErrorCode.ERR_RANK, op(), "source rank out of range", {
      measured: source, peer: source,
      expected: `0..${this.size - 1}, ANY_SOURCE or PROC_NULL`,
      hint: `${this.name} has ${this.size} rank${this.size > 1 ? "s" : ""}`,
    });
  }

  checkTag(op: () => string, tag: number, allowAny: boolean): void {
    if (allowAny && tag === ANY_TAG) return;
    if (Number.isInteger(tag) && tag >= 0 && tag <= TAG_UB) return;
    throw mpiError(ErrorCode.ERR_TAG, op(), "invalid tag", {
      measured: tag,
      expected: `an integer in 0..TAG_UB (${TAG_UB})${allowAny ? " or ANY_TAG" : ""}`,
      hint: "tags are non-negative integers; ANY_TAG is only for receives",
    });
  }

  // ---- engine access, shared with the collectives ---------------------------------------------

  /** Sends an encoded payload to `dest` (a rank of this communicator) in `context`. */
  sendPayload(p: Payload, dest: number, tag: number, context: number, sync = false): Promise<void> {
    if (this.world.fault.revoked.has(this.context)) return Promise.reject(revokedError("send", this.context));
    return this.world.engine.send({ dest: this.members[dest], context, tag, enc: p.enc, sig: p.sig, payload: p.bytes, sync });
  }

  /** Receives the next message matching (source, tag) in `context`; resolves with the raw match. */
  recvMatched(source: number, tag: number, context: number, onPost?: (cancel: () => boolean) => void): Promise<Matched | null> {
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

  private fillStatus(status: Status | undefined, m: Matched): void {
    if (!status) return;
    status.source = this.localRank(m.source);
    status.tag = m.tag;
    status.count = m.size;
  }

  private waitsFor(source: number): number[] {
    return source === ANY_SOURCE ? [...this.members] : [this.members[source]];
  }

  // ---- blocking point-to-point ----------------------------------------------------------------

  /** Standard-mode send (MPI_Send): complete when the data is buffered or, for large messages, matched. */
  send(data: unknown, dest: number, tag = 0): Promise<void> {
    return this.sendMode(data, dest, tag, false, "send");
  }

  /** Synchronous-mode send (MPI_Ssend): completes only once a matching receive has started. */
  ssend(data: unknown, dest: number, tag = 0): Promise<void> {
    return this.sendMode(data, dest, tag, true, "ssend");
  }

  private sendMode(data: unknown, dest: number, tag: number, sync: boolean, name: string): Promise<void> {
    const op = () => `${name}(dest=${dest}, tag=${tag})`;
    try {
      this.checkDest(op, dest);
      this.checkTag(op, tag, false);
      this.checkNotRevoked(op);
      if (dest === PROC_NULL) return Promise.resolve();
      const sending = this.sendPayload(toPayload(data, op()), dest, tag, this.context, sync);
      return blocking(sending, () => this.describeSend(op(), dest), this.name, [this.members[dest]]);
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

  /** Blocking receive (MPI_Recv) in value mode: resolves with the received value (`recv<number>(0, 1)` types it). */
  recv<T = unknown>(source = ANY_SOURCE, tag = ANY_TAG, status?: Status): Promise<T> {
    return this.receive(source, tag, status, null, "recv") as Promise<T>;
  }

  /** Blocking receive into a buffer spec (MPI_Recv with a buffer): resolves with the status. */
  async recvInto(spec: BufSpec, source = ANY_SOURCE, tag = ANY_TAG, status?: Status): Promise<Status> {
    const s = status ?? new Status();
    await this.receive(source, tag, s, spec, "recvInto");
    return s;
  }

  private receive(source: number, tag: number, status: Status | undefined, spec: BufSpec | null, name: string, onPost?: (cancel: () => boolean) => void): Promise<unknown> {
    const op = () => `${name}(source=${source === ANY_SOURCE ? "ANY_SOURCE" : source}, tag=${tag === ANY_TAG ? "ANY_TAG" : tag})`;
    try {
      this.checkSource(op, source);
      this.checkTag(op, tag, true);
      this.checkNotRevoked(op);
    } catch (err) {
      return Promise.reject(err);
    }
    if (source === PROC_NULL) {
      if (status) Object.assign(status, { source: PROC_NULL, tag: ANY_TAG, count: 0 });
      return Promise.resolve(undefined);
    }
    const received = this.recvMatched(source, tag, this.context, onPost).then((m) => {
      if (!m) return undefined; // cancelled
      this.fillStatus(status, m);
      if (!spec) return fromPayload(m);
      intoSpec(m, spec, op());
      return spec.array;
    });
    return onPost ? received : blocking(received, op, this.name, this.waitsFor(source));
  }

  /** MPI_Sendrecv: sends and receives at once (no deadlock between two partners doing the same). */
  async sendrecv<T = unknown>(data: unknown, dest: number, sendtag = 0, source = ANY_SOURCE, recvtag = ANY_TAG, status?: Status): Promise<T> {
    const sending = this.isend(data, dest, sendtag);
    const value = await this.recv<T>(source, recvtag, status);
    await sending.wait();
    return value;
  }

  // ---- nonblocking ----------------------------------------------------------------------------

  isend(data: unknown, dest: number, tag = 0): Request {
    return this.nonblockingSend(data, dest, tag, false, "isend");
  }

  issend(data: unknown, dest: number, tag = 0): Request {
    return this.nonblockingSend(data, dest, tag, true, "issend");
  }

  private nonblockingSend(data: unknown, dest: number, tag: number, sync: boolean, name: string): Request {
    const op = () => `${name}(dest=${dest}, tag=${tag})`;
    this.checkDest(op, dest);
    this.checkTag(op, tag, false);
    this.checkNotRevoked(op);
    if (dest === PROC_NULL) return Request.completed(undefined);
    const payload = toPayload(data, op());
    return new Request(() => this.sendPayload(payload, dest, tag, this.context, sync), op(), [this.members[dest]]);
  }

  irecv(source = ANY_SOURCE, tag = ANY_TAG): Request {
    return this.nonblockingRecv(source, tag, null, "irecv");
  }

  irecvInto(spec: BufSpec, source = ANY_SOURCE, tag = ANY_TAG): Request {
    return this.nonblockingRecv(source, tag, spec, "irecvInto");
  }

  private nonblockingRecv(source: number, tag: number, spec: BufSpec | null, name: string): Request {
    const op = () => `${name}(source=${source === ANY_SOURCE ? "ANY_SOURCE" : source}, tag=${tag === ANY_TAG ? "ANY_TAG" : tag})`;
    this.checkSource(op, source);
    this.checkTag(op, tag, true);
    let cancel: (() => boolean) | null = null;
    const req = new Request((status) => this.receive(source, tag, status, spec, name, (c) => (cancel = c)), op(), source === PROC_NULL ? [] : this.waitsFor(source));
    req.setCanceller(() => cancel?.() ?? false);
    return req;
  }

  // ---- probes ---------------------------------------------------------------------------------

  /** MPI_Probe: waits until a matching message can be received; returns its status without receiving it. */
  async probe(source = ANY_SOURCE, tag = ANY_TAG, status?: Status): Promise<Status> {
    const op = () => `probe(source=${source}, tag=${tag})`;
    this.checkSource(op, source);
    this.checkTag(op, tag, true);
    const s = status ?? new Status();
    if (source === PROC_NULL) return Object.assign(s, { source: PROC_NULL, tag: ANY_TAG, count: 0 });
    const wsource = source === ANY_SOURCE ? ANY_SOURCE : this.members[source];
    const env = await blocking(this.world.engine.probe(wsource, tag, this.context), op, this.name, this.waitsFor(source));
    Object.assign(s, { source: this.localRank(env.source), tag: env.tag, count: env.size });
    return s;
  }

  /** MPI_Iprobe: true if a matching message can be received now (status filled), false otherwise. */
  iprobe(source = ANY_SOURCE, tag = ANY_TAG, status?: Status): boolean {
    const op = () => `iprobe(source=${source}, tag=${tag})`;
    this.checkSource(op, source);
    this.checkTag(op, tag, true);
    if (source === PROC_NULL) {
      if (status) Object.assign(status, { source: PROC_NULL, tag: ANY_TAG, count: 0 });
      return true;
    }
    const env = this.world.engine.iprobe(source === ANY_SOURCE ? ANY_SOURCE : this.members[source], tag, this.context);
    if (env && status) Object.assign(status, { source: this.localRank(env.source), tag: env.tag, count: env.size });
    return env !== null;
  }

  // ---- fault tolerance (ULFM: MPIX_Comm_*) ------------------------------------------------------

  private errhandler: Errhandler = ERRORS_ARE_FATAL;
  private acked: number[] = [];

  /** MPI_Comm_set_errhandler: ERRORS_RETURN keeps the job alive when a rank dies (errors are thrown to the caller). */
  setErrhandler(handler: Errhandler): void {
    this.errhandler = handler;
    if (handler === ERRORS_RETURN) this.world.enableFaultTolerance();
  }

  getErrhandler(): Errhandler {
    return this.errhandler;
  }

  /** Ranks of this communicator known to have failed (MPIX_Comm_get_failed). */
  failedRanks(): number[] {
    return this.members.flatMap((w, r) => (this.world.fault.failed.has(w) ? [r] : []));
  }

  /** MPIX_Comm_failure_ack: acknowledges the failures known now; getAcked() returns them. */
  ack(): number[] {
    this.acked = this.failedRanks();
    return this.acked;
  }

  getAcked(): number[] {
    return [...this.acked];
  }

  /** MPIX_Comm_revoke: every member's pending and future operations on this communicator fail with ERR_REVOKED. */
  revoke(): void {
    this.world.fault.revoke(this.context, this.members, this.world.rank);
  }

  /** Throws ERR_REVOKED when this communicator was revoked: every operation then fails, PROC_NULL ones too. */
  checkNotRevoked(op: () => string): void {
    if (this.world.fault.revoked.has(this.context)) throw revokedError(op(), this.context);
  }

  isRevoked(): boolean {
    return this.world.fault.revoked.has(this.context);
  }

  private shrinks = 0;
  /** MPIX_Comm_shrink: a new communicator of the live members (collective over the survivors), same rank order. */
  async shrink(): Promise<this> {
    const key = `${this.context}:${this.shrinks++}`;
    const { alive, context } = await this.world.shrink(key, this.members);
    const Ctor = this.constructor as new (world: World, members: number[], context: number, name: string) => this;
    return new Ctor(this.world, alive, context, `${this.name}.shrink()`);
  }

  /** MPI_Abort: stops every rank of the job with `errorcode`. */
  abort(errorcode = 1): never {
    return this.world.abort(errorcode, `${this.name}.abort(${errorcode}) called on rank ${this.rank}`);
  }
}
