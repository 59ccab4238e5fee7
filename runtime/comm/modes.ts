// The rest of MPI's point-to-point (MPI-4 §3.6, §3.8, §3.9) on Comm: buffered mode (bsend/ibsend with
// attachBuffer/detachBuffer), ready mode (rsend/irsend: a ready send is a standard send when the receive is
// posted, which MPI requires of the caller), persistent requests (sendInit/recvInit + start/startall),
// matched probes (mprobe/improbe → Message), and sendrecvReplace.
import { ErrorCode, mpiError } from "../errors.ts";
import { ANY_SOURCE, ANY_TAG, PROC_NULL } from "../constants.ts";
import { Comm } from "./communicator.ts";
import { Request } from "./request.ts";
import { Status } from "./status.ts";
import { toPayload, fromPayload, intoSpec } from "./payload.ts";
import { blocking } from "../trace/activity.ts";
import { BufSpec, packBuf } from "../datatype/index.ts";
import type { Matched } from "./engine.ts";

// ---- buffered mode ------------------------------------------------------------------------------

/** Overhead MPI_BSEND_OVERHEAD: bytes each buffered message takes in the attached buffer beyond its data. */
export const BSEND_OVERHEAD = 64;
let attached = 0;
let inUse = 0;
const pendingBuffered = new Set<Promise<void>>();

/** MPI_Buffer_attach: room for buffered sends (a size in bytes, or a buffer whose size counts). */
export function attachBuffer(sizeOrBuffer: number | ArrayBufferView): void {
  const size = typeof sizeOrBuffer === "number" ? sizeOrBuffer : sizeOrBuffer.byteLength;
  if (attached) throw mpiError(ErrorCode.ERR_BUFFER, "attachBuffer", "a buffer is already attached", { hint: "detachBuffer() first" });
  attached = size;
}

/** MPI_Buffer_detach: waits until every buffered message has left, then returns the buffer's size. */
export async function detachBuffer(): Promise<number> {
  await blocking(Promise.all(pendingBuffered), "detachBuffer()");
  const size = attached;
  attached = 0;
  return size;
}

function bufferedSend(comm: Comm, data: unknown, dest: number, tag: number, name: string): void {
  const op = () => `${name}(dest=${dest}, tag=${tag})`;
  comm.checkDest(op, dest);
  comm.checkTag(op, tag, false);
  if (dest === PROC_NULL) return;
  const payload = toPayload(data, op());
  const bytes = new Uint8Array(payload.bytes); // the copy MPI makes into the attached buffer
  const need = bytes.byteLength + BSEND_OVERHEAD;
  if (inUse + need > attached) {
    throw mpiError(ErrorCode.ERR_BUFFER, op(), "not enough room in the attached buffer", {
      measured: `${need} bytes needed, ${attached - inUse} free`,
      expected: `at least ${need}`,
      hint: "mpi.attachBuffer(size) with size ≥ the sum of pending messages + BSEND_OVERHEAD each",
    });
  }
  inUse += need;
  const sending = comm.sendPayload({ ...payload, bytes }, dest, tag, comm.context).finally(() => {
    inUse -= need;
    pendingBuffered.delete(sending);
  });
  sending.catch(() => {});
  pendingBuffered.add(sending);
}

// ---- persistent requests --------------------------------------------------------------------------

/** A persistent request (MPI_Send_init / MPI_Recv_init): start() begins one round; wait()/test() as usual. */
export class PersistentRequest {
  private current: Request | null = null;
  constructor(private readonly begin: () => Request, readonly description: string) {}

  start(): void {
    if (this.current && !this.current.done) {
      throw mpiError(ErrorCode.ERR_REQUEST, `start(${this.description})`, "the request is still active", { hint: "wait() for it before start() again" });
    }
    this.current = this.begin();
  }

  get done(): boolean {
    return this.current?.done ?? true;
  }

  /** Started and not yet returned by a list operation (waitany/testany/waitsome/testsome). */
  get active(): boolean {
    return this.current !== null;
  }

  /** The round a list operation returned is over: the request is inactive until the next start(). */
  deactivate(): void {
    this.current = null;
  }

  async wait<T = unknown>(status?: Status): Promise<T> {
    return (this.current ? this.current.wait<T>(status) : undefined) as T;
  }

  test(status?: Status): { done: boolean; value?: unknown } {
    return this.current ? this.current.test(status) : { done: true };
  }

  cancel(): void {
    this.current?.cancel();
  }

  settledPromise(): Promise<void> {
    return this.current ? this.current.settledPromise() : Promise.resolve();
  }
}

/** MPI_Startall. */
export function startall(requests: PersistentRequest[]): void {
  for (const r of requests) r.start();
}

// ---- matched probes -----------------------------------------------------------------------------

/** A message taken out of matching by mprobe/improbe (MPI_Message): only its recv()/irecv() can receive it. */
export class Message {
  constructor(
    private readonly comm: Comm,
    private readonly matched: Promise<Matched>,
    readonly source: number,
    readonly tag: number,
    readonly count: number,
  ) {}

  /** MPI_Mrecv in value mode (or into a buffer spec). */
  recv<T = unknown>(status?: Status, spec?: BufSpec): Promise<T> {
    return blocking<unknown>(
      this.matched.then((m) => {
        if (status) Object.assign(status, { source: this.source, tag: this.tag, count: m.size });
        if (!spec) return fromPayload(m);
        intoSpec(m, spec, "Message.recv");
        return spec.array;
      }),
      "Message.recv()",
    ) as Promise<T>;
  }

  irecv(spec?: BufSpec): Request {
    return new Request((status) => this.recv(status, spec), `Message.irecv(source=${this.source}, tag=${this.tag})`);
  }
}

function takeMessage(comm: Comm, env: { source: number; tag: number; size: number }): Message {
  const matched = new Promise<Matched>((deliver, fail) => {
    comm.world.engine.takeUnexpected(env.source, env.tag, comm.context, { source: env.source, tag: env.tag, context: comm.context, deliver, fail });
  });
  return new Message(comm, matched, comm.localRank(env.source), env.tag, env.size);
}

// ---- Comm methods ---------------------------------------------------------------------------------

declare module "./communicator.ts" {
  interface Comm {
    bsend(data: unknown, dest: number, tag?: number): Promise<void>;
    ibsend(data: unknown, dest: number, tag?: number): Request;
    rsend(data: unknown, dest: number, tag?: number): Promise<void>;
    irsend(data: unknown, dest: number, tag?: number): Request;
    sendInit(data: unknown, dest: number, tag?: number): PersistentRequest;
    recvInit(source?: number, tag?: number, spec?: BufSpec): PersistentRequest;
    mprobe(source?: number, tag?: number, status?: Status): Promise<Message>;
    improbe(source?: number, tag?: number, status?: Status): Message | null;
    sendrecvReplace(spec: BufSpec, dest: number, sendtag?: number, source?: number, recvtag?: number, status?: Status): Promise<Status>;
  }
}

Comm.prototype.bsend = async function (this: Comm, data, dest, tag = 0) {
  bufferedSend(this, data, dest, tag, "bsend");
};
Comm.prototype.ibsend = function (this: Comm, data, dest, tag = 0) {
  bufferedSend(this, data, dest, tag, "ibsend");
  return Request.completed(undefined);
};
Comm.prototype.rsend = function (this: Comm, data, dest, tag = 0) {
  return this.send(data, dest, tag);
};
Comm.prototype.irsend = function (this: Comm, data, dest, tag = 0) {
  return this.isend(data, dest, tag);
};
Comm.prototype.sendInit = function (this: Comm, data, dest, tag = 0) {
  return new PersistentRequest(() => this.isend(data, dest, tag), `sendInit(dest=${dest}, tag=${tag})`);
};
Comm.prototype.recvInit = function (this: Comm, source = ANY_SOURCE, tag = ANY_TAG, spec?: BufSpec) {
  return new PersistentRequest(() => (spec ? this.irecvInto(spec, source, tag) : this.irecv(source, tag)), `recvInit(source=${source}, tag=${tag})`);
};
Comm.prototype.mprobe = async function (this: Comm, source = ANY_SOURCE, tag = ANY_TAG, status?: Status) {
  const s = await this.probe(source, tag, status);
  return takeMessage(this, { source: this.worldRank(s.source), tag: s.tag, size: s.count });
};
Comm.prototype.improbe = function (this: Comm, source = ANY_SOURCE, tag = ANY_TAG, status?: Status) {
  const s = status ?? new Status();
  if (!this.iprobe(source, tag, s)) return null;
  return takeMessage(this, { source: this.worldRank(s.source), tag: s.tag, size: s.count });
};
Comm.prototype.sendrecvReplace = async function (this: Comm, spec, dest, sendtag = 0, source = ANY_SOURCE, recvtag = ANY_TAG, status?: Status) {
  const op = () => `sendrecvReplace(dest=${dest}, sendtag=${sendtag}, source=${source}, recvtag=${recvtag})`;
  this.checkDest(op, dest);
  this.checkTag(op, sendtag, false);
  const payload = toPayload(spec, op());
  const copy = { ...payload, bytes: new Uint8Array(packBuf(spec)) }; // the buffer is overwritten by the receive
  const sending = dest === PROC_NULL ? Promise.resolve() : this.sendPayload(copy, dest, sendtag, this.context);
  const s = await this.recvInto(spec, source, recvtag, status);
  await sending;
  return s;
};
