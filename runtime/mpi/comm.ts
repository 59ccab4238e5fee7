// class Comm (MPI_Comm, MPI-4 chapter 3 and §9.3): a communicator's point-to-point operations, in the
// standard's order — blocking send and receive, the send modes (synchronous, buffered, ready), sendrecv,
// nonblocking, probes (matched probes too), persistent requests — then error handling, fault tolerance
// (ULFM) and abort. Each method is a few lines that hand over to the engine side of the communicator
// (comm/communicator.ts: argument checks, matching; held in a private field), so an editor shows only MPI.
// Value mode takes any value; buffer mode (…Into) an mpi.buf spec. Intracomm (collectives, new
// communicators) and Cartcomm (topologies) extend this class.
import { ANY_SOURCE, ANY_TAG } from "../constants.ts";
import type { CommCore } from "../comm/communicator.ts";
import { describeRecv } from "../comm/arguments.ts";
import { checkRecvSpec } from "../comm/payload.ts";
import { bufferedSend, sendrecvReplace, takeMatched } from "../comm/modes.ts";
import type { Errhandler } from "../constants.ts";
import type { BufSpec } from "../datatype/index.ts";
import { Status } from "./status.ts";
import { Request, completedRequest, persistentRequest, startRequest, type PersistentRequest } from "./request.ts";
import { newMessage, type Message } from "./message.ts";

let coreOf: (comm: Comm) => CommCore;

export class Comm {
  /** This process's rank in the communicator (MPI_Comm_rank). */
  readonly rank: number;
  /** Number of processes in the communicator (MPI_Comm_size). */
  readonly size: number;
  readonly #core: CommCore;

  protected constructor(core: CommCore) {
    this.#core = core;
    this.rank = core.rank;
    this.size = core.size;
  }

  static {
    coreOf = (comm) => comm.#core;
  }

  /** The communicator's name (MPI_Comm_get_name), e.g. "COMM_WORLD" or "COMM_WORLD.split(1)". */
  get name(): string {
    return this.#core.name;
  }

  // ---- blocking point-to-point (§3.2–3.4) -----------------------------------------------------------

  /** MPI_Send (standard mode): complete when the data is buffered or, for large messages, matched. */
  send(data: unknown, dest: number, tag = 0): Promise<void> {
    return this.#core.send(data, dest, tag, false, "send");
  }

  /** MPI_Recv in value mode: resolves with the received value (`recv<number>(0, 1)` types it). */
  recv<T = unknown>(source = ANY_SOURCE, tag = ANY_TAG, status?: Status): Promise<T> {
    return this.#core.receive(source, tag, status, null, "recv") as Promise<T>;
  }

  /** MPI_Recv into a buffer spec: resolves with the status. */
  async recvInto(spec: BufSpec, source = ANY_SOURCE, tag = ANY_TAG, status?: Status): Promise<Status> {
    const s = status ?? new Status();
    await this.#core.receive(source, tag, s, spec, "recvInto");
    return s;
  }

  /** MPI_Ssend (synchronous mode): completes only once a matching receive has started. */
  ssend(data: unknown, dest: number, tag = 0): Promise<void> {
    return this.#core.send(data, dest, tag, true, "ssend");
  }

  /** MPI_Bsend (buffered mode): completes at once, the data copied into the buffer of mpi.attachBuffer. */
  async bsend(data: unknown, dest: number, tag = 0): Promise<void> {
    bufferedSend(this.#core, data, dest, tag, "bsend");
  }

  /** MPI_Rsend (ready mode): the caller guarantees the receive is posted; then it is a standard send. */
  rsend(data: unknown, dest: number, tag = 0): Promise<void> {
    return this.#core.send(data, dest, tag, false, "rsend");
  }

  /** MPI_Sendrecv: sends and receives at once (no deadlock between two partners doing the same). */
  async sendrecv<T = unknown>(
    data: unknown,
    dest: number,
    sendtag = 0,
    source = ANY_SOURCE,
    recvtag = ANY_TAG,
    status?: Status,
  ): Promise<T> {
    const sending = this.isend(data, dest, sendtag);
    const value = await this.recv<T>(source, recvtag, status);
    await sending.wait();
    return value;
  }

  /** MPI_Sendrecv_replace: sends the spec's data and receives into the same spec; resolves with the status. */
  async sendrecvReplace(
    spec: BufSpec,
    dest: number,
    sendtag = 0,
    source = ANY_SOURCE,
    recvtag = ANY_TAG,
    status?: Status,
  ): Promise<Status> {
    const s = status ?? new Status();
    await sendrecvReplace(this.#core, spec, dest, sendtag, source, recvtag, s);
    return s;
  }

  // ---- nonblocking (§3.7) ----------------------------------------------------------------------------

  /** MPI_Isend. */
  isend(data: unknown, dest: number, tag = 0): Request {
    return this.#isend(data, dest, tag, false, "isend");
  }

  /** MPI_Issend: completes once a matching receive has started. */
  issend(data: unknown, dest: number, tag = 0): Request {
    return this.#isend(data, dest, tag, true, "issend");
  }

  /** MPI_Ibsend: complete at once (the data is copied into the attached buffer). */
  ibsend(data: unknown, dest: number, tag = 0): Request {
    bufferedSend(this.#core, data, dest, tag, "ibsend");
    return completedRequest();
  }

  /** MPI_Irsend: a nonblocking ready-mode send. */
  irsend(data: unknown, dest: number, tag = 0): Request {
    return this.#isend(data, dest, tag, false, "irsend");
  }

  /** MPI_Irecv in value mode: the request's wait() resolves with the value. */
  irecv(source = ANY_SOURCE, tag = ANY_TAG): Request {
    return this.#irecv(source, tag, null, "irecv");
  }

  /** MPI_Irecv into a buffer spec. */
  irecvInto(spec: BufSpec, source = ANY_SOURCE, tag = ANY_TAG): Request {
    return this.#irecv(source, tag, spec, "irecvInto");
  }

  #isend(data: unknown, dest: number, tag: number, sync: boolean, name: string): Request {
    const core = this.#core;
    const payload = core.prepareSend(data, dest, tag, name);
    if (payload === null) return completedRequest();
    return startRequest(
      () => core.sendPayload(payload, dest, tag, core.context, sync),
      `${name}(dest=${dest}, tag=${tag})`,
      [core.worldRank(dest)],
    );
  }

  #irecv(source: number, tag: number, spec: BufSpec | null, name: string): Request {
    const core = this.#core;
    core.checkRecv(source, tag, name);
    if (spec !== null) checkRecvSpec(spec, describeRecv(name, source, tag));
    let cancel: (() => boolean) | null = null;
    const start = (status: Status) => core.receive(source, tag, status, spec, name, (c) => (cancel = c));
    return startRequest(start, describeRecv(name, source, tag), core.waitsFor(source), () => cancel?.() ?? false);
  }

  // ---- probes (§3.8) ---------------------------------------------------------------------------------

  /** MPI_Probe: waits until a matching message can be received; resolves with its status, not receiving it. */
  async probe(source = ANY_SOURCE, tag = ANY_TAG, status?: Status): Promise<Status> {
    const s = status ?? new Status();
    await this.#core.probe(source, tag, s);
    return s;
  }

  /** MPI_Iprobe: true if a matching message can be received now (status filled), false otherwise. */
  iprobe(source = ANY_SOURCE, tag = ANY_TAG, status?: Status): boolean {
    return this.#core.iprobe(source, tag, status);
  }

  /** MPI_Mprobe: waits for a matching message and takes it out of matching: only the Message receives it. */
  async mprobe(source = ANY_SOURCE, tag = ANY_TAG, status?: Status): Promise<Message> {
    const s = await this.probe(source, tag, status);
    return newMessage(takeMatched(this.#core, s), s);
  }

  /** MPI_Improbe: mprobe without waiting; null when no matching message is there. */
  improbe(source = ANY_SOURCE, tag = ANY_TAG, status?: Status): Message | null {
    const s = status ?? new Status();
    return this.iprobe(source, tag, s) ? newMessage(takeMatched(this.#core, s), s) : null;
  }

  // ---- persistent requests (§3.9) ----------------------------------------------------------------------

  /** MPI_Send_init: each start() sends `data` again (an isend). */
  sendInit(data: unknown, dest: number, tag = 0): PersistentRequest {
    return persistentRequest(() => this.isend(data, dest, tag), `sendInit(dest=${dest}, tag=${tag})`);
  }

  /** MPI_Recv_init: each start() posts a receive (into `spec` when given). */
  recvInit(source = ANY_SOURCE, tag = ANY_TAG, spec?: BufSpec): PersistentRequest {
    const begin = () => (spec ? this.irecvInto(spec, source, tag) : this.irecv(source, tag));
    return persistentRequest(begin, `recvInit(source=${source}, tag=${tag})`);
  }

  // ---- error handling (§9.3) and fault tolerance (ULFM, MPIX_Comm_*) ---------------------------------

  /** MPI_Comm_set_errhandler: ERRORS_RETURN keeps the job alive when a rank dies (errors are thrown to the caller). */
  setErrhandler(handler: Errhandler): void {
    this.#core.setErrhandler(handler);
  }

  /** MPI_Comm_get_errhandler. */
  getErrhandler(): Errhandler {
    return this.#core.errhandler;
  }

  /** MPIX_Comm_get_failed: ranks of this communicator known to have failed. */
  failedRanks(): number[] {
    return this.#core.failedRanks();
  }

  /** MPIX_Comm_failure_ack: acknowledges the failures known now; getAcked() returns them. */
  ack(): number[] {
    this.#core.acked = this.#core.failedRanks();
    return this.#core.acked;
  }

  /** MPIX_Comm_failure_get_acked. */
  getAcked(): number[] {
    return [...this.#core.acked];
  }

  /** MPIX_Comm_revoke: every member's pending and future operations on this communicator fail with ERR_REVOKED. */
  revoke(): void {
    this.#core.revoke();
  }

  /** MPIX_Comm_is_revoked. */
  isRevoked(): boolean {
    return this.#core.isRevoked();
  }

  /** MPI_Abort: stops every rank of the job with `errorcode`. */
  abort(errorcode = 1): never {
    return this.#core.abort(errorcode);
  }
}

/** The engine side of a communicator (for the windows, the compare function and the internal entry). */
export function commCore(comm: Comm): CommCore {
  return coreOf(comm);
}
