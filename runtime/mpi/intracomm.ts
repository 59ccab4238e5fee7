// class Intracomm (an intra-communicator, MPI-4 chapters 6 and 7): point-to-point from Comm, then the
// collectives — value mode (mpi4py's lowercase API: any value, one item per rank), buffer mode (…Into,
// mpi.buf specs, MPI's argument order, counts in items of the spec's type), nonblocking (i…, an
// mpi.Request) — then the communicator's group and constructors (dup, split, create, createGroup, shrink,
// createCart, free) and mpi.compare. Each method names the call and hands it to its algorithm file in
// collectives/ (runCollective: sequence tag, mismatch checks, trace); constructors to collectives/intracomm.ts.
import { ErrorCode, mpiError } from "../errors.ts";
import type { CommCore } from "../comm/communicator.ts";
import { SUM, type BufSpec, type BufferView, type Datatype, type Op } from "../datatype/index.ts";
import { runCollective, startCollective, typeSignature } from "../collectives/collective-comm.ts";
import type { CollCall } from "../collectives/call.ts";
import type { SendSpec } from "../collectives/checks.ts";
import { barrierDissemination } from "../collectives/barrier.ts";
import { bcastInto, bcastValue } from "../collectives/bcast.ts";
import { reduceInto, reduceValue } from "../collectives/reduce.ts";
import { allreduceInto, allreduceValue } from "../collectives/allreduce.ts";
import { gatherInto, gatherValue, gathervInto } from "../collectives/gather.ts";
import { scatterInto, scatterValue, scattervInto } from "../collectives/scatter.ts";
import { allgatherInto, allgatherValue, allgathervInto } from "../collectives/allgather.ts";
import { alltoallInto, alltoallValue, alltoallvInto, alltoallw } from "../collectives/alltoall.ts";
import { scanInto, scanValue } from "../collectives/scan.ts";
import { reduceScatterBlockInto, reduceScatterInto, reduceScatterValue } from "../collectives/reduce-scatter.ts";
import { compareComms, createComm, createGroupComm, dupComm, freeComm, splitComm } from "../collectives/intracomm.ts";
import { createCartComm } from "../collectives/cartcomm.ts";
import { Comm, commCore } from "./comm.ts";
import { Group, groupMembers, newGroup } from "./group.ts";
import { startRequest, type Request } from "./request.ts";
import type { Cartcomm } from "./cartcomm.ts";

type Counts = ArrayLike<number>;
type Opt<T> = T | undefined | null;

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
    return this.#run("barrier()", (c) => barrierDissemination(c));
  }
  bcast<T = unknown>(value: T, root = 0): Promise<T> {
    return this.#run(`bcast(root=${root})`, (c) => bcastValue(c, value, root)) as Promise<T>;
  }
  gather<T = unknown>(value: T, root = 0): Promise<T[] | undefined> {
    return this.#run(`gather(root=${root})`, (c) => gatherValue(c, value, root)) as Promise<T[] | undefined>;
  }
  scatter<T = unknown>(items: Opt<T[]>, root = 0): Promise<T> {
    return this.#run(`scatter(root=${root})`, (c) => scatterValue(c, items, root)) as Promise<T>;
  }
  allgather<T = unknown>(value: T): Promise<T[]> {
    return this.#run("allgather()", (c) => allgatherValue(c, value)) as Promise<T[]>;
  }
  alltoall<T = unknown>(items: T[]): Promise<T[]> {
    return this.#run("alltoall()", (c) => alltoallValue(c, items)) as Promise<T[]>;
  }
  reduce<T = unknown>(value: T, op: Op = SUM, root = 0): Promise<T | undefined> {
    return this.#run(`reduce(op=${op}, root=${root})`, (c) => reduceValue(c, value, op, root)) as Promise<
      T | undefined
    >;
  }
  allreduce<T = unknown>(value: T, op: Op = SUM): Promise<T> {
    return this.#run(`allreduce(op=${op})`, (c) => allreduceValue(c, value, op)) as Promise<T>;
  }
  reduceScatter<T = unknown>(items: T[], op: Op = SUM): Promise<T> {
    return this.#run(`reduceScatter(op=${op})`, (c) => reduceScatterValue(c, items, op)) as Promise<T>;
  }
  scan<T = unknown>(value: T, op: Op = SUM): Promise<T> {
    return this.#run(`scan(op=${op})`, (c) => scanValue(c, value, op, false)) as Promise<T>;
  }
  exscan<T = unknown>(value: T, op: Op = SUM): Promise<T | undefined> {
    return this.#run(`exscan(op=${op})`, (c) => scanValue(c, value, op, true)) as Promise<T | undefined>;
  }

  // ---- collectives, buffer mode ----------------------------------------------------------------------------
  bcastInto(spec: BufSpec, root = 0): Promise<void> {
    return this.#run(
      `bcastInto(root=${root})`,
      (c) => bcastInto(c, spec, root),
      `bcastInto(root=${root}, type=${typeSignature(spec)})`,
    );
  }
  gatherInto(send: SendSpec, recv: Opt<BufSpec>, root = 0): Promise<void> {
    return this.#run(`gatherInto(root=${root})`, (c) => gatherInto(c, send, recv ?? undefined, root));
  }
  gathervInto(send: SendSpec, recv: Opt<BufSpec>, counts: Opt<Counts>, displs: Opt<Counts>, root = 0): Promise<void> {
    return this.#run(`gathervInto(root=${root})`, (c) =>
      gathervInto(c, send, recv ?? undefined, counts ?? undefined, displs ?? undefined, root),
    );
  }
  scatterInto(send: Opt<BufSpec>, recv: SendSpec, root = 0): Promise<void> {
    return this.#run(`scatterInto(root=${root})`, (c) => scatterInto(c, send ?? undefined, recv, root));
  }
  scattervInto(send: Opt<BufSpec>, counts: Opt<Counts>, displs: Opt<Counts>, recv: SendSpec, root = 0): Promise<void> {
    return this.#run(`scattervInto(root=${root})`, (c) =>
      scattervInto(c, send ?? undefined, counts ?? undefined, displs ?? undefined, recv, root),
    );
  }
  allgatherInto(send: SendSpec, recv: BufSpec): Promise<void> {
    return this.#run(
      "allgatherInto()",
      (c) => allgatherInto(c, send, recv),
      `allgatherInto(type=${typeSignature(recv)})`,
    );
  }
  allgathervInto(send: SendSpec, recv: BufSpec, counts: Counts, displs?: Counts): Promise<void> {
    return this.#run("allgathervInto()", (c) => allgathervInto(c, send, recv, counts, displs));
  }
  alltoallInto(send: SendSpec, recv: BufSpec): Promise<void> {
    return this.#run("alltoallInto()", (c) => alltoallInto(c, send, recv));
  }
  alltoallvInto(
    send: SendSpec,
    sendcounts: Opt<Counts>,
    sdispls: Opt<Counts>,
    recv: BufSpec,
    recvcounts: Counts,
    rdispls?: Counts,
  ): Promise<void> {
    return this.#run("alltoallvInto()", (c) =>
      alltoallvInto(c, send, sendcounts ?? undefined, sdispls ?? undefined, recv, recvcounts, rdispls),
    );
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
    return this.#run("alltoallw()", (c) =>
      alltoallw(c, sendbuf, sendcounts, sdispls, sendtypes, recvbuf, recvcounts, rdispls, recvtypes),
    );
  }
  reduceInto(send: SendSpec, recv: Opt<BufSpec>, op: Op = SUM, root = 0): Promise<void> {
    return this.#run(
      `reduceInto(op=${op}, root=${root})`,
      (c) => reduceInto(c, send, recv ?? undefined, op, root),
      `reduceInto(op=${op}, root=${root}, type=${typeSignature(send, recv ?? undefined)})`,
    );
  }
  allreduceInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> {
    return this.#run(
      `allreduceInto(op=${op})`,
      (c) => allreduceInto(c, send, recv, op),
      `allreduceInto(op=${op}, type=${typeSignature(send, recv)})`,
    );
  }
  reduceScatterBlockInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> {
    return this.#run(`reduceScatterBlockInto(op=${op})`, (c) => reduceScatterBlockInto(c, send, recv, op));
  }
  reduceScatterInto(send: SendSpec, recv: BufSpec, recvcounts: Counts, op: Op = SUM): Promise<void> {
    return this.#run(`reduceScatterInto(op=${op})`, (c) => reduceScatterInto(c, send, recv, recvcounts, op));
  }
  scanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> {
    return this.#run(`scanInto(op=${op})`, (c) => scanInto(c, send, recv, op, false));
  }
  exscanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Promise<void> {
    return this.#run(`exscanInto(op=${op})`, (c) => scanInto(c, send, recv, op, true));
  }

  // ---- nonblocking collectives (§6.12) ------------------------------------------------------------------------
  ibarrier(): Request {
    return this.#start("ibarrier()", (c) => barrierDissemination(c));
  }
  ibcast(value: unknown, root = 0): Request {
    return this.#start(`ibcast(root=${root})`, (c) => bcastValue(c, value, root));
  }
  igather(value: unknown, root = 0): Request {
    return this.#start(`igather(root=${root})`, (c) => gatherValue(c, value, root));
  }
  iscatter(items: Opt<unknown[]>, root = 0): Request {
    return this.#start(`iscatter(root=${root})`, (c) => scatterValue(c, items, root));
  }
  iallgather(value: unknown): Request {
    return this.#start("iallgather()", (c) => allgatherValue(c, value));
  }
  ialltoall(items: unknown[]): Request {
    return this.#start("ialltoall()", (c) => alltoallValue(c, items));
  }
  ireduce(value: unknown, op: Op = SUM, root = 0): Request {
    return this.#start(`ireduce(op=${op}, root=${root})`, (c) => reduceValue(c, value, op, root));
  }
  iallreduce(value: unknown, op: Op = SUM): Request {
    return this.#start(`iallreduce(op=${op})`, (c) => allreduceValue(c, value, op));
  }
  ireduceScatter(items: unknown[], op: Op = SUM): Request {
    return this.#start(`ireduceScatter(op=${op})`, (c) => reduceScatterValue(c, items, op));
  }
  iscan(value: unknown, op: Op = SUM): Request {
    return this.#start(`iscan(op=${op})`, (c) => scanValue(c, value, op, false));
  }
  iexscan(value: unknown, op: Op = SUM): Request {
    return this.#start(`iexscan(op=${op})`, (c) => scanValue(c, value, op, true));
  }
  ibcastInto(spec: BufSpec, root = 0): Request {
    return this.#start(`ibcastInto(root=${root})`, (c) => bcastInto(c, spec, root));
  }
  igatherInto(send: SendSpec, recv: Opt<BufSpec>, root = 0): Request {
    return this.#start(`igatherInto(root=${root})`, (c) => gatherInto(c, send, recv ?? undefined, root));
  }
  igathervInto(send: SendSpec, recv: Opt<BufSpec>, counts: Opt<Counts>, displs: Opt<Counts>, root = 0): Request {
    return this.#start(`igathervInto(root=${root})`, (c) =>
      gathervInto(c, send, recv ?? undefined, counts ?? undefined, displs ?? undefined, root),
    );
  }
  iscatterInto(send: Opt<BufSpec>, recv: SendSpec, root = 0): Request {
    return this.#start(`iscatterInto(root=${root})`, (c) => scatterInto(c, send ?? undefined, recv, root));
  }
  iscattervInto(send: Opt<BufSpec>, counts: Opt<Counts>, displs: Opt<Counts>, recv: SendSpec, root = 0): Request {
    return this.#start(`iscattervInto(root=${root})`, (c) =>
      scattervInto(c, send ?? undefined, counts ?? undefined, displs ?? undefined, recv, root),
    );
  }
  iallgatherInto(send: SendSpec, recv: BufSpec): Request {
    return this.#start("iallgatherInto()", (c) => allgatherInto(c, send, recv));
  }
  iallgathervInto(send: SendSpec, recv: BufSpec, counts: Counts, displs?: Counts): Request {
    return this.#start("iallgathervInto()", (c) => allgathervInto(c, send, recv, counts, displs));
  }
  ialltoallInto(send: SendSpec, recv: BufSpec): Request {
    return this.#start("ialltoallInto()", (c) => alltoallInto(c, send, recv));
  }
  ialltoallvInto(
    send: SendSpec,
    sendcounts: Opt<Counts>,
    sdispls: Opt<Counts>,
    recv: BufSpec,
    recvcounts: Counts,
    rdispls?: Counts,
  ): Request {
    return this.#start("ialltoallvInto()", (c) =>
      alltoallvInto(c, send, sendcounts ?? undefined, sdispls ?? undefined, recv, recvcounts, rdispls),
    );
  }
  ireduceInto(send: SendSpec, recv: Opt<BufSpec>, op: Op = SUM, root = 0): Request {
    return this.#start(`ireduceInto(op=${op}, root=${root})`, (c) => reduceInto(c, send, recv ?? undefined, op, root));
  }
  iallreduceInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Request {
    return this.#start(`iallreduceInto(op=${op})`, (c) => allreduceInto(c, send, recv, op));
  }
  iscanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Request {
    return this.#start(`iscanInto(op=${op})`, (c) => scanInto(c, send, recv, op, false));
  }
  iexscanInto(send: SendSpec, recv: BufSpec, op: Op = SUM): Request {
    return this.#start(`iexscanInto(op=${op})`, (c) => scanInto(c, send, recv, op, true));
  }

  #run<T>(op: string, body: (c: CollCall) => Promise<T>, checked?: string): Promise<T> {
    return runCollective(this.#core, op, body, checked);
  }

  #start(op: string, body: (c: CollCall) => Promise<unknown>): Request {
    return startRequest(startCollective(this.#core, op, body), op, this.#core.members);
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
    const core = await createComm(this.#core, membersOf("create(group)", group));
    return core && make(core);
  }

  /** MPI_Comm_create_group: collective over the group's members only (`tag` tells concurrent calls apart). */
  async createGroup(group: Group, tag = 0): Promise<Intracomm | null> {
    const core = await createGroupComm(this.#core, membersOf(`createGroup(group, tag=${tag})`, group), tag);
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

/** The world ranks of a group passed to a constructor (ERR_GROUP when it is not a group). */
function membersOf(op: string, group: Group): readonly number[] {
  if (!(group instanceof Group))
    throw mpiError(ErrorCode.ERR_GROUP, op, "not a group", {
      measured: typeof group,
      expected: "comm.group or a group made from it",
    });
  return groupMembers(group);
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
