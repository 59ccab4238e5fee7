// class Intracomm (an intra-communicator, MPI-4 chapters 6 and 7): point-to-point from Comm, then the
// collectives — value mode (mpi4py's lowercase API: any value, one item per rank), buffer mode (…Into,
// mpi.buf specs, MPI's argument order, counts in items of the spec's type), nonblocking (i…, an
// mpi.Request) — then the communicator's group and constructors (dup, split, create, createGroup, shrink,
// createCart, free) and mpi.compare. Each collective takes its description from collectives/calls.ts (name,
// algorithm, signature; the blocking and nonblocking forms share it) and runs it (runCollective: sequence
// tag, mismatch checks, trace); constructors hand over to collectives/intracomm.ts.
import { ErrorCode, mpiError } from "../errors.ts";
import type { CommCore } from "../comm/communicator.ts";
import { SUM, type BufSpec, type BufferView, type Datatype, type Op } from "../datatype/index.ts";
import { runCollective, startCollective } from "../collectives/collective-comm.ts";
import type { SendSpec } from "../collectives/checks.ts";
import * as calls from "../collectives/calls.ts";
import type { Collective, Counts, Opt } from "../collectives/calls.ts";
import { compareComms, createComm, createGroupComm, dupComm, freeComm, splitComm } from "../collectives/intracomm.ts";
import { createCartComm } from "../collectives/cartcomm.ts";
import { Comm, commCore } from "./comm.ts";
import { Group, groupArgumentMembers, newGroup } from "./group.ts";
import { startRequest, type Request } from "./request.ts";
import type { Cartcomm } from "./cartcomm.ts";

let make: (core: CommCore) => Intracomm;

export class Intracomm extends Comm {
  readonly #core: CommCore;

  protected constructor(core: CommCore) {
    super(core);
    this.#core = core;
  }

  static {
    make = (core) => new Intracomm(core);
  }

  // ---- collectives, value mode (§6.3–6.11) --------------------------------------------------------------
  barrier(): Promise<void> {
    return this.#run(calls.barrier());
  }
  bcast<T = unknown>(value: T, root = 0): Promise<T> {
    return this.#run(calls.bcast(value, root)) as Promise<T>;
  }
  gather<T = unknown>(value: T, root = 0): Promise<T[] | undefined> {
    return this.#run(calls.gather(value, root)) as Promise<T[] | undefined>;
  }
  scatter<T = unknown>(items: Opt<T[]>, root = 0): Promise<T> {
    return this.#run(calls.scatter(items, root)) as Promise<T>;
  }
  allgather<T = unknown>(value: T): Promise<T[]> {
    return this.#run(calls.allgather(value)) as Promise<T[]>;
  }
  alltoall<T = unknown>(items: T[]): Promise<T[]> {
    return this.#run(calls.alltoall(items)) as Promise<T[]>;
  }
  reduce<T = unknown>(value: T, op: Op = SUM, root = 0): Promise<T | undefined> {
    return this.#run(calls.reduce(value, op, root)) as Promise<T | undefined>;
  }
  allreduce<T = unknown>(value: T, op: Op = SUM): Promise<T> {
    return this.#run(calls.allreduce(value, op)) as Promise<T>;
  }
  reduceScatter<T = unknown>(items: T[], op: Op = SUM): Promise<T> {
    return this.#run(calls.reduceScatter(items, op)) as Promise<T>;
  }
  scan<T = unknown>(value: T, op: Op = SUM): Promise<T> {
    return this.#run(calls.scan(value, op)) as Promise<T>;
  }
  exscan<T = unknown>(value: T, op: Op = SUM): Promise<T | undefined> {
    return this.#run(calls.exscan(value, op)) as Promise<T | undefined>;
  }

  // ---- collectives, buffer mode ----------------------------------------------------------------------------
  bcastInto(spec: BufSpec, root = 0): Promise<void> {
    return this.#run(calls.bcastBuf(spec, root));
  }
  gatherInto(send: SendSpec, recv: Opt<BufSpec>, root = 0): Promise<void> {
    return this.#run(calls.gatherBuf(send, recv, root));
  }
  gathervInto(send: SendSpec, recv: Opt<BufSpec>, counts: Opt<Counts>, displs: Opt<Counts>, root = 0): Promise<void> {
    return this.#run(calls.gathervBuf(send, recv, counts, displs, root));
  }
  scatterInto(send: Opt<BufSpec>, recv: SendSpec, root = 0): Promise<void> {
    return this.#run(calls.scatterBuf(send, recv, root));
  }
  scattervInto(send: Opt<BufSpec>, counts: Opt<Counts>, displs: Opt<Counts>, recv: SendSpec, root = 0): Promise<void> {
    return this.#run(calls.scattervBuf(send, counts, displs, recv, root));
  }
  allgatherInto(send: SendSpec, recv: BufSpec): Promise<void> {
    return this.#run(calls.allgatherBuf(send, recv));
  }
  allgathervInto(send: SendSpec, recv: BufSpec, counts: Counts, displs?: Counts): Promise<void> {
    return this.#run(calls.allgathervBuf(send, recv, counts, displs));
  }
  alltoallInto(send: SendSpec, recv: BufSpec): Promise<void> {
    return this.#run(calls.alltoallBuf(send, recv));
  }
  alltoallvInto(
    send: SendSpec,
    sendcounts: Opt<Counts>,
    sdispls: Opt<Counts>,
    recv: BufSpec,
    recvcounts: Counts,
    rdispls?: Counts,
  ): Promise<void> {
    return this.#run(calls.alltoallvBuf(send, sendcounts, sdispls, recv, recvcounts, rdispls));
  }
  /** MPI_Alltoallw: displacements in bytes, one datatype per rank on each side. */
  alltoallw(
    sendbuf: BufferView,
    sendcounts: Counts,
    sdispls: Counts,
    sendtypes: ArrayLike<Datatype>,
    recvbuf: BufferView,
    recvcounts: Counts,
    rdispls: Counts,
    recvtypes: ArrayLike<Datatype>,
  ): Promise<void> {
    return this.#run(
      calls.alltoallwBuf(sendbuf, sendcounts, sdispls, sendtypes, recvbuf, recvcounts, rdispls, recvtypes),
    );
  }
  reduceInto(send: SendSpec, recv: Opt<BufSpec>, op: Op = SUM, root = 0): Promise<void> {
    return this.#run(calls.reduceBuf(send, recv, op, root));
  }
  allreduceInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> {
    return this.#run(calls.allreduceBuf(send, recv, op));
  }
  reduceScatterBlockInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> {
    return this.#run(calls.reduceScatterBlockBuf(send, recv, op));
  }
  reduceScatterInto(send: SendSpec, recv: BufSpec, recvcounts: Counts, op: Op = SUM): Promise<void> {
    return this.#run(calls.reduceScatterBuf(send, recv, recvcounts, op));
  }
  scanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> {
    return this.#run(calls.scanBuf(send, recv, op));
  }
  exscanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> {
    return this.#run(calls.exscanBuf(send, recv, op));
  }

  // ---- nonblocking collectives (§6.12): the blocking call's description, named with an "i" -------------------
  ibarrier(): Request {
    return this.#start(calls.barrier());
  }
  ibcast(value: unknown, root = 0): Request {
    return this.#start(calls.bcast(value, root));
  }
  igather(value: unknown, root = 0): Request {
    return this.#start(calls.gather(value, root));
  }
  iscatter(items: Opt<unknown[]>, root = 0): Request {
    return this.#start(calls.scatter(items, root));
  }
  iallgather(value: unknown): Request {
    return this.#start(calls.allgather(value));
  }
  ialltoall(items: unknown[]): Request {
    return this.#start(calls.alltoall(items));
  }
  ireduce(value: unknown, op: Op = SUM, root = 0): Request {
    return this.#start(calls.reduce(value, op, root));
  }
  iallreduce(value: unknown, op: Op = SUM): Request {
    return this.#start(calls.allreduce(value, op));
  }
  ireduceScatter(items: unknown[], op: Op = SUM): Request {
    return this.#start(calls.reduceScatter(items, op));
  }
  iscan(value: unknown, op: Op = SUM): Request {
    return this.#start(calls.scan(value, op));
  }
  iexscan(value: unknown, op: Op = SUM): Request {
    return this.#start(calls.exscan(value, op));
  }
  ibcastInto(spec: BufSpec, root = 0): Request {
    return this.#start(calls.bcastBuf(spec, root));
  }
  igatherInto(send: SendSpec, recv: Opt<BufSpec>, root = 0): Request {
    return this.#start(calls.gatherBuf(send, recv, root));
  }
  igathervInto(send: SendSpec, recv: Opt<BufSpec>, counts: Opt<Counts>, displs: Opt<Counts>, root = 0): Request {
    return this.#start(calls.gathervBuf(send, recv, counts, displs, root));
  }
  iscatterInto(send: Opt<BufSpec>, recv: SendSpec, root = 0): Request {
    return this.#start(calls.scatterBuf(send, recv, root));
  }
  iscattervInto(send: Opt<BufSpec>, counts: Opt<Counts>, displs: Opt<Counts>, recv: SendSpec, root = 0): Request {
    return this.#start(calls.scattervBuf(send, counts, displs, recv, root));
  }
  iallgatherInto(send: SendSpec, recv: BufSpec): Request {
    return this.#start(calls.allgatherBuf(send, recv));
  }
  iallgathervInto(send: SendSpec, recv: BufSpec, counts: Counts, displs?: Counts): Request {
    return this.#start(calls.allgathervBuf(send, recv, counts, displs));
  }
  ialltoallInto(send: SendSpec, recv: BufSpec): Request {
    return this.#start(calls.alltoallBuf(send, recv));
  }
  ialltoallvInto(
    send: SendSpec,
    sendcounts: Opt<Counts>,
    sdispls: Opt<Counts>,
    recv: BufSpec,
    recvcounts: Counts,
    rdispls?: Counts,
  ): Request {
    return this.#start(calls.alltoallvBuf(send, sendcounts, sdispls, recv, recvcounts, rdispls));
  }
  ireduceInto(send: SendSpec, recv: Opt<BufSpec>, op: Op = SUM, root = 0): Request {
    return this.#start(calls.reduceBuf(send, recv, op, root));
  }
  iallreduceInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Request {
    return this.#start(calls.allreduceBuf(send, recv, op));
  }
  iscanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Request {
    return this.#start(calls.scanBuf(send, recv, op));
  }
  iexscanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Request {
    return this.#start(calls.exscanBuf(send, recv, op));
  }

  #run<T>(call: Collective<T>): Promise<T> {
    return runCollective(this.#core, call.op, call.body, call.checked?.());
  }

  /** The nonblocking form of `call`: the same algorithm under the name with an "i" in front. */
  #start(call: Collective): Request {
    const op = `i${call.op}`;
    return startRequest(startCollective(this.#core, op, call.body), op, this.#core.members);
  }

  // ---- groups and communicators (chapter 7) --------------------------------------------------------------------

  /** MPI_Comm_group: the members of this communicator as a group. */
  get group(): Group {
    return newGroup(this.#core.members, this.#core.world.rank);
  }

  /** MPI_Comm_dup: same members, same order, new context (a Cartcomm keeps its topology). */
  async dup(): Promise<this> {
    return this.#same(await dupComm(this.#core));
  }

  /** MPI_Comm_split: one communicator per colour, ranks ordered by key then old rank; colour UNDEFINED → null. */
  async split(color: number, key = 0): Promise<Intracomm | null> {
    const core = await splitComm(this.#core, color, key);
    return core && make(core);
  }

  /** MPI_Comm_create: collective over this communicator; members of `group` get the new communicator, others null. */
  async create(group: Group): Promise<Intracomm | null> {
    const core = await createComm(this.#core, groupArgumentMembers("create(group)", group));
    return core && make(core);
  }

  /** MPI_Comm_create_group: collective over the group's members only (`tag` tells concurrent calls apart). */
  async createGroup(group: Group, tag = 0): Promise<Intracomm | null> {
    const core = await createGroupComm(this.#core, groupArgumentMembers(`createGroup(group, tag=${tag})`, group), tag);
    return core && make(core);
  }

  /** MPI_Cart_create: a cartesian topology over the first prod(dims) ranks; the others get null. */
  async createCart(dims: number[], periods: (boolean | number)[] = [], reorder = false): Promise<Cartcomm | null> {
    const core = await createCartComm(this.#core, dims, periods, reorder);
    // loaded here, not at the top: Cartcomm extends this class, so its module needs this one first
    const { newCartcomm } = await import("./cartcomm.ts");
    return core && newCartcomm(core);
  }

  /** MPIX_Comm_shrink: a communicator of the live members (collective over the survivors), same rank order. */
  async shrink(): Promise<Intracomm> {
    return make(await this.#core.shrink());
  }

  /** MPI_Comm_free: the communicator can no longer be used. */
  async free(): Promise<void> {
    freeComm(this.#core);
  }

  #same(core: CommCore): this {
    return new (this.constructor as unknown as new (core: CommCore) => this)(core);
  }
}

/** The Intracomm over a communicator's engine side (COMM_WORLD, COMM_SELF, tests). */
export function newIntracomm(core: CommCore): Intracomm {
  return make(core);
}

/** MPI_Comm_compare: IDENT (same communicator), CONGRUENT (same members and order), SIMILAR (same members), UNEQUAL. */
export function compare(a: Comm, b: Comm): number {
  if (!a || !b)
    throw mpiError(ErrorCode.ERR_COMM, "compare", "a communicator is null", { hint: "compare two live communicators" });
  return compareComms(commCore(a), commCore(b));
}
