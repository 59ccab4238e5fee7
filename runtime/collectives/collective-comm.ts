// The collective operations of an intra-communicator (MPI-4 chapter 6), as methods: value mode (mpi4py's
// lowercase API: any value, one item per rank), buffer mode (…Into, with mpi.buf specs, MPI's argument
// order, counts in items of the spec's type), and the nonblocking forms (i…, returning an mpi.Request).
// Each call takes the communicator's next collective sequence number, with a few bits naming the kind of
// call, as its tag (call.ts), then runs the algorithm chosen by select.ts; so calls that ranks issue in
// different orders do not exchange data. Every call goes through trace/collective.ts's hook (mismatch
// checks, trace), and blocking calls are recorded with trace/activity.ts's blocking(), so a timeout or
// deadlock report says e.g. "bcast(root=0) on COMM_WORLD".
import { ErrorCode, mpiError } from "../errors.ts";
import { Comm } from "../comm/communicator.ts";
import { Request } from "../comm/request.ts";
import { blocking } from "../trace/activity.ts";
import { collective } from "../trace/collective.ts";
import { SUM, type BufSpec, type BufferView, type Datatype, type Op } from "../datatype/index.ts";
import { CollCall } from "./call.ts";
import { isInPlace, type SendSpec } from "./checks.ts";
import { homogeneousBase, basicByCode, BufSpec as BufSpecClass } from "../datatype/index.ts";

/** A buffer-mode type signature as the mismatch check compares it: "FLOAT64×1000" (or "mixed×…"). */
function typeSignature(spec: SendSpec | undefined | null, fallback?: BufSpec): string {
  const s = spec && !isInPlace(spec) ? spec : fallback;
  if (!(s instanceof BufSpecClass)) return "none"; // not a spec: the collective itself reports ERR_ARG
  const base = homogeneousBase(s.type);
  return `${base >= 0 ? basicByCode(base).name : "mixed"}×${s.count * s.type.elementCount}`;
}
import { barrierDissemination } from "./barrier.ts";
import { bcastInto, bcastValue } from "./bcast.ts";
import { reduceInto, reduceValue } from "./reduce.ts";
import { allreduceInto, allreduceValue } from "./allreduce.ts";
import { gatherInto, gatherValue, gathervInto } from "./gather.ts";
import { scatterInto, scatterValue, scattervInto } from "./scatter.ts";
import { allgatherInto, allgatherValue, allgathervInto } from "./allgather.ts";
import { alltoallInto, alltoallValue, alltoallvInto, alltoallw } from "./alltoall.ts";
import { scanInto, scanValue } from "./scan.ts";
import { reduceScatterBlockInto, reduceScatterInto, reduceScatterValue } from "./reduce-scatter.ts";

type Counts = ArrayLike<number>;

/** 5 bits naming the kind of call ("bcast", "ireduceInto", …: the text before "("). */
function kindBits(op: string): number {
  let h = 0;
  for (let i = 0; i < op.length && op.charCodeAt(i) !== 40; i++) h = (h * 31 + op.charCodeAt(i)) | 0;
  return h & 31;
}

export class CollectiveComm extends Comm {
  private collSeq = 0;
  /** Set by free(): the communicator can no longer be used for collectives. */
  protected freed = false;
  /** A fixed tag for every collective call (the temporary communicator of createGroup), or null. */
  protected fixedCollTag: number | null = null;

  /** Starts one collective call: checks the communicator and takes the next sequence number as tag. */
  protected call(op: string): CollCall {
    this.checkNotFinalized(() => op);
    if (this.freed) throw mpiError(ErrorCode.ERR_COMM, op, `${this.name} was freed`, { hint: "Use a communicator only before its free()" });
    this.checkNotRevoked(() => op);
    const tag = this.fixedCollTag ?? (this.collSeq << 5) | kindBits(op);
    this.collSeq = (this.collSeq + 1) & 0x1ffffff;
    return new CollCall(this, tag, op);
  }

  /**
   * A blocking collective: reported to the diagnostics hook as `checked` (what every rank must call
   * alike; split's colour and key differ by rank) and recorded as what this rank is blocked in.
   */
  protected run<T>(op: string, body: (c: CollCall) => Promise<T>, checked = op): Promise<T> {
    try {
      const c = this.call(op);
      c.blocking = true;
      // the temporary communicator of createGroup shares its parent's context: not a call on the parent
      const running = this.fixedCollTag === null ? collective(this, checked, () => body(c)) : body(c);
      return blocking(running, op, this.name, this.members);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** A nonblocking collective: starts now, completes through the Request. */
  protected start(op: string, body: (c: CollCall) => Promise<unknown>): Request {
    const c = this.call(op);
    return new Request(() => collective(this, op, () => body(c)), op, this.members);
  }

  // ---- value mode ----------------------------------------------------------------------------------
  barrier(): Promise<void> { return this.run("barrier()", (c) => barrierDissemination(c)); }
  bcast<T = unknown>(value: T, root = 0): Promise<T> { return this.run(`bcast(root=${root})`, (c) => bcastValue(c, value, root)) as Promise<T>; }
  scatter<T = unknown>(items: T[] | undefined | null, root = 0): Promise<T> { return this.run(`scatter(root=${root})`, (c) => scatterValue(c, items, root)) as Promise<T>; }
  gather<T = unknown>(value: T, root = 0): Promise<T[] | undefined> { return this.run(`gather(root=${root})`, (c) => gatherValue(c, value, root)) as Promise<T[] | undefined>; }
  allgather<T = unknown>(value: T): Promise<T[]> { return this.run("allgather()", (c) => allgatherValue(c, value)) as Promise<T[]>; }
  alltoall<T = unknown>(items: T[]): Promise<T[]> { return this.run("alltoall()", (c) => alltoallValue(c, items)) as Promise<T[]>; }
  reduce<T = unknown>(value: T, op: Op = SUM, root = 0): Promise<T | undefined> { return this.run(`reduce(op=${op}, root=${root})`, (c) => reduceValue(c, value, op, root)) as Promise<T | undefined>; }
  allreduce<T = unknown>(value: T, op: Op = SUM): Promise<T> { return this.run(`allreduce(op=${op})`, (c) => allreduceValue(c, value, op)) as Promise<T>; }
  scan<T = unknown>(value: T, op: Op = SUM): Promise<T> { return this.run(`scan(op=${op})`, (c) => scanValue(c, value, op, false)) as Promise<T>; }
  exscan<T = unknown>(value: T, op: Op = SUM): Promise<T | undefined> { return this.run(`exscan(op=${op})`, (c) => scanValue(c, value, op, true)) as Promise<T | undefined>; }
  reduceScatter<T = unknown>(items: T[], op: Op = SUM): Promise<T> { return this.run(`reduceScatter(op=${op})`, (c) => reduceScatterValue(c, items, op)) as Promise<T>; }

  // ---- buffer mode ---------------------------------------------------------------------------------
  bcastInto(spec: BufSpec, root = 0): Promise<void> { return this.run(`bcastInto(root=${root})`, (c) => bcastInto(c, spec, root), `bcastInto(root=${root}, type=${typeSignature(spec)})`); }
  scatterInto(send: BufSpec | undefined | null, recv: SendSpec, root = 0): Promise<void> { return this.run(`scatterInto(root=${root})`, (c) => scatterInto(c, send ?? undefined, recv, root)); }
  gatherInto(send: SendSpec, recv: BufSpec | undefined | null, root = 0): Promise<void> { return this.run(`gatherInto(root=${root})`, (c) => gatherInto(c, send, recv ?? undefined, root)); }
  allgatherInto(send: SendSpec, recv: BufSpec): Promise<void> { return this.run("allgatherInto()", (c) => allgatherInto(c, send, recv), `allgatherInto(type=${typeSignature(recv)})`); }
  alltoallInto(send: SendSpec, recv: BufSpec): Promise<void> { return this.run("alltoallInto()", (c) => alltoallInto(c, send, recv)); }
  reduceInto(send: SendSpec, recv: BufSpec | undefined | null, op: Op = SUM, root = 0): Promise<void> {
    return this.run(`reduceInto(op=${op}, root=${root})`, (c) => reduceInto(c, send, recv ?? undefined, op, root), `reduceInto(op=${op}, root=${root}, type=${typeSignature(send, recv ?? undefined)})`);
  }
  allreduceInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> {
    return this.run(`allreduceInto(op=${op})`, (c) => allreduceInto(c, send, recv, op), `allreduceInto(op=${op}, type=${typeSignature(send, recv)})`);
  }
  scanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> { return this.run(`scanInto(op=${op})`, (c) => scanInto(c, send, recv, op, false)); }
  exscanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> { return this.run(`exscanInto(op=${op})`, (c) => scanInto(c, send, recv, op, true)); }
  reduceScatterBlockInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> { return this.run(`reduceScatterBlockInto(op=${op})`, (c) => reduceScatterBlockInto(c, send, recv, op)); }
  reduceScatterInto(send: SendSpec, recv: BufSpec, recvcounts: Counts, op: Op = SUM): Promise<void> { return this.run(`reduceScatterInto(op=${op})`, (c) => reduceScatterInto(c, send, recv, recvcounts, op)); }
  scattervInto(send: BufSpec | undefined | null, counts: Counts | undefined | null, displs: Counts | undefined | null, recv: SendSpec, root = 0): Promise<void> {
    return this.run(`scattervInto(root=${root})`, (c) => scattervInto(c, send ?? undefined, counts ?? undefined, displs ?? undefined, recv, root));
  }
  gathervInto(send: SendSpec, recv: BufSpec | undefined | null, counts: Counts | undefined | null, displs: Counts | undefined | null, root = 0): Promise<void> {
    return this.run(`gathervInto(root=${root})`, (c) => gathervInto(c, send, recv ?? undefined, counts ?? undefined, displs ?? undefined, root));
  }
  allgathervInto(send: SendSpec, recv: BufSpec, counts: Counts, displs?: Counts): Promise<void> { return this.run("allgathervInto()", (c) => allgathervInto(c, send, recv, counts, displs)); }
  alltoallvInto(send: SendSpec, sendcounts: Counts | undefined | null, sdispls: Counts | undefined | null, recv: BufSpec, recvcounts: Counts, rdispls?: Counts): Promise<void> {
    return this.run("alltoallvInto()", (c) => alltoallvInto(c, send, sendcounts ?? undefined, sdispls ?? undefined, recv, recvcounts, rdispls));
  }
  /** MPI_Alltoallw: displacements in bytes, one datatype per rank on each side. */
  alltoallw(sendbuf: BufferView, sendcounts: Counts, sdispls: Counts, sendtypes: ArrayLike<Datatype>, recvbuf: BufferView, recvcounts: Counts, rdispls: Counts, recvtypes: ArrayLike<Datatype>): Promise<void> {
    return this.run("alltoallw()", (c) => alltoallw(c, sendbuf, sendcounts, sdispls, sendtypes, recvbuf, recvcounts, rdispls, recvtypes));
  }

  // ---- nonblocking ---------------------------------------------------------------------------------
  ibarrier(): Request { return this.start("ibarrier()", (c) => barrierDissemination(c)); }
  ibcast(value: unknown, root = 0): Request { return this.start(`ibcast(root=${root})`, (c) => bcastValue(c, value, root)); }
  iscatter(items: unknown[] | undefined | null, root = 0): Request { return this.start(`iscatter(root=${root})`, (c) => scatterValue(c, items, root)); }
  igather(value: unknown, root = 0): Request { return this.start(`igather(root=${root})`, (c) => gatherValue(c, value, root)); }
  iallgather(value: unknown): Request { return this.start("iallgather()", (c) => allgatherValue(c, value)); }
  ialltoall(items: unknown[]): Request { return this.start("ialltoall()", (c) => alltoallValue(c, items)); }
  ireduce(value: unknown, op: Op = SUM, root = 0): Request { return this.start(`ireduce(op=${op}, root=${root})`, (c) => reduceValue(c, value, op, root)); }
  iallreduce(value: unknown, op: Op = SUM): Request { return this.start(`iallreduce(op=${op})`, (c) => allreduceValue(c, value, op)); }
  iscan(value: unknown, op: Op = SUM): Request { return this.start(`iscan(op=${op})`, (c) => scanValue(c, value, op, false)); }
  iexscan(value: unknown, op: Op = SUM): Request { return this.start(`iexscan(op=${op})`, (c) => scanValue(c, value, op, true)); }
  ireduceScatter(items: unknown[], op: Op = SUM): Request { return this.start(`ireduceScatter(op=${op})`, (c) => reduceScatterValue(c, items, op)); }
  ibcastInto(spec: BufSpec, root = 0): Request { return this.start(`ibcastInto(root=${root})`, (c) => bcastInto(c, spec, root)); }
  iscatterInto(send: BufSpec | undefined | null, recv: SendSpec, root = 0): Request { return this.start(`iscatterInto(root=${root})`, (c) => scatterInto(c, send ?? undefined, recv, root)); }
  igatherInto(send: SendSpec, recv: BufSpec | undefined | null, root = 0): Request { return this.start(`igatherInto(root=${root})`, (c) => gatherInto(c, send, recv ?? undefined, root)); }
  iallgatherInto(send: SendSpec, recv: BufSpec): Request { return this.start("iallgatherInto()", (c) => allgatherInto(c, send, recv)); }
  ialltoallInto(send: SendSpec, recv: BufSpec): Request { return this.start("ialltoallInto()", (c) => alltoallInto(c, send, recv)); }
  ireduceInto(send: SendSpec, recv: BufSpec | undefined | null, op: Op = SUM, root = 0): Request { return this.start(`ireduceInto(op=${op}, root=${root})`, (c) => reduceInto(c, send, recv ?? undefined, op, root)); }
  iallreduceInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Request { return this.start(`iallreduceInto(op=${op})`, (c) => allreduceInto(c, send, recv, op)); }
  iscanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Request { return this.start(`iscanInto(op=${op})`, (c) => scanInto(c, send, recv, op, false)); }
  iexscanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Request { return this.start(`iexscanInto(op=${op})`, (c) => scanInto(c, send, recv, op, true)); }
  iscattervInto(send: BufSpec | undefined | null, counts: Counts | undefined | null, displs: Counts | undefined | null, recv: SendSpec, root = 0): Request {
    return this.start(`iscattervInto(root=${root})`, (c) => scattervInto(c, send ?? undefined, counts ?? undefined, displs ?? undefined, recv, root));
  }
  igathervInto(send: SendSpec, recv: BufSpec | undefined | null, counts: Counts | undefined | null, displs: Counts | undefined | null, root = 0): Request {
    return this.start(`igathervInto(root=${root})`, (c) => gathervInto(c, send, recv ?? undefined, counts ?? undefined, displs ?? undefined, root));
  }
  iallgathervInto(send: SendSpec, recv: BufSpec, counts: Counts, displs?: Counts): Request { return this.start("iallgathervInto()", (c) => allgathervInto(c, send, recv, counts, displs)); }
  ialltoallvInto(send: SendSpec, sendcounts: Counts | undefined | null, sdispls: Counts | undefined | null, recv: BufSpec, recvcounts: Counts, rdispls?: Counts): Request {
    return this.start("ialltoallvInto()", (c) => alltoallvInto(c, send, sendcounts ?? undefined, sdispls ?? undefined, recv, recvcounts, rdispls));
  }
}
