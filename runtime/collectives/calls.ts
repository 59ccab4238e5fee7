// Every collective of an intra-communicator (MPI-4 §6.3–6.12) as a call that Intracomm (runtime/mpi/intracomm.ts)
// runs blocking (runCollective) or starts nonblocking (startCollective, under the same name prefixed with "i"):
// the name errors, traces and deadlock reports give it, the algorithm with its optional arguments filled in,
// and, when it differs from the name, what every rank must call alike (the mismatch check's signature, built
// only when the call runs blocking).
// Keeping the two forms on one description keeps their names and defaults the same.
import { type BufSpec, type Op } from "../datatype/index.ts";
import { typeSignature } from "./collective-comm.ts";
import type { CollCall } from "./call.ts";
import type { SendSpec } from "./checks.ts";
import { barrierOfCall } from "./shared-barrier.ts";
import { bcastInto, bcastValue } from "./bcast.ts";
import { reduceInto, reduceValue } from "./reduce.ts";
import { allreduceInto, allreduceValue } from "./allreduce.ts";
import { gatherInto, gatherValue, gathervInto } from "./gather.ts";
import { scatterInto, scatterValue, scattervInto } from "./scatter.ts";
import { allgatherInto, allgatherValue, allgathervInto } from "./allgather.ts";
import { alltoallInto, alltoallValue, alltoallvInto, alltoallw } from "./alltoall.ts";
import { scanInto, scanValue } from "./scan.ts";
import { reduceScatterBlockInto, reduceScatterInto, reduceScatterValue } from "./reduce-scatter.ts";

export type Counts = ArrayLike<number>;
export type Opt<T> = T | undefined | null;

/** One collective call: its name, its algorithm, and its cross-rank signature when not the name. */
export interface Collective<T = unknown> {
  op: string;
  body: (c: CollCall) => Promise<T>;
  checked?: () => string;
}

const call = <T>(op: string, body: (c: CollCall) => Promise<T>, checked?: () => string): Collective<T> => ({
  op,
  body,
  checked,
});

// ---- value mode ------------------------------------------------------------------------------------------------
export const barrier = () => call("barrier()", (c) => barrierOfCall(c));
export const bcast = (value: unknown, root: number) => call(`bcast(root=${root})`, (c) => bcastValue(c, value, root));
export const gather = (value: unknown, root: number) =>
  call(`gather(root=${root})`, (c) => gatherValue(c, value, root));
export const scatter = (items: Opt<unknown[]>, root: number) =>
  call(`scatter(root=${root})`, (c) => scatterValue(c, items, root));
export const allgather = (value: unknown) => call("allgather()", (c) => allgatherValue(c, value));
export const alltoall = (items: unknown[]) => call("alltoall()", (c) => alltoallValue(c, items));
export const reduce = (value: unknown, op: Op, root: number) =>
  call(`reduce(op=${op}, root=${root})`, (c) => reduceValue(c, value, op, root));
export const allreduce = (value: unknown, op: Op) => call(`allreduce(op=${op})`, (c) => allreduceValue(c, value, op));
export const reduceScatter = (items: unknown[], op: Op) =>
  call(`reduceScatter(op=${op})`, (c) => reduceScatterValue(c, items, op));
export const scan = (value: unknown, op: Op) => call(`scan(op=${op})`, (c) => scanValue(c, value, op, false));
export const exscan = (value: unknown, op: Op) => call(`exscan(op=${op})`, (c) => scanValue(c, value, op, true));

// ---- buffer mode -----------------------------------------------------------------------------------------------
export const bcastBuf = (spec: BufSpec, root: number) =>
  call(
    `bcastInto(root=${root})`,
    (c) => bcastInto(c, spec, root),
    () => `bcastInto(root=${root}, type=${typeSignature(spec)})`,
  );
export const gatherBuf = (send: SendSpec, recv: Opt<BufSpec>, root: number) =>
  call(`gatherInto(root=${root})`, (c) => gatherInto(c, send, recv ?? undefined, root));
export const gathervBuf = (
  send: SendSpec,
  recv: Opt<BufSpec>,
  counts: Opt<Counts>,
  displs: Opt<Counts>,
  root: number,
) =>
  call(`gathervInto(root=${root})`, (c) =>
    gathervInto(c, send, recv ?? undefined, counts ?? undefined, displs ?? undefined, root),
  );
export const scatterBuf = (send: Opt<BufSpec>, recv: SendSpec, root: number) =>
  call(`scatterInto(root=${root})`, (c) => scatterInto(c, send ?? undefined, recv, root));
export const scattervBuf = (
  send: Opt<BufSpec>,
  counts: Opt<Counts>,
  displs: Opt<Counts>,
  recv: SendSpec,
  root: number,
) =>
  call(`scattervInto(root=${root})`, (c) =>
    scattervInto(c, send ?? undefined, counts ?? undefined, displs ?? undefined, recv, root),
  );
export const allgatherBuf = (send: SendSpec, recv: BufSpec) =>
  call(
    "allgatherInto()",
    (c) => allgatherInto(c, send, recv),
    () => `allgatherInto(type=${typeSignature(recv)})`,
  );
export const allgathervBuf = (send: SendSpec, recv: BufSpec, counts: Counts, displs?: Counts) =>
  call("allgathervInto()", (c) => allgathervInto(c, send, recv, counts, displs));
export const alltoallBuf = (send: SendSpec, recv: BufSpec) =>
  call("alltoallInto()", (c) => alltoallInto(c, send, recv));
/** MPI_Alltoallv's arguments after the communicator (the send side is ignored with IN_PLACE, so may be null). */
type AlltoallvArgs = [
  send: SendSpec,
  scounts: Opt<Counts>,
  sdispls: Opt<Counts>,
  recv: BufSpec,
  rcounts: Counts,
  rdispls?: Counts,
];
export const alltoallvBuf = (...[send, sendcounts, sdispls, recv, recvcounts, rdispls]: AlltoallvArgs) =>
  call("alltoallvInto()", (c) =>
    alltoallvInto(c, send, sendcounts ?? undefined, sdispls ?? undefined, recv, recvcounts, rdispls),
  );
/** MPI_Alltoallw's arguments after the communicator: buffers, counts, byte displacements, a datatype per rank. */
type AlltoallwArgs = Parameters<typeof alltoallw> extends [CollCall, ...infer Rest] ? Rest : never;
export const alltoallwBuf = (...args: AlltoallwArgs) => call("alltoallw()", (c) => alltoallw(c, ...args));
export const reduceBuf = (send: SendSpec, recv: Opt<BufSpec>, op: Op, root: number) =>
  call(
    `reduceInto(op=${op}, root=${root})`,
    (c) => reduceInto(c, send, recv ?? undefined, op, root),
    () => `reduceInto(op=${op}, root=${root}, type=${typeSignature(send, recv ?? undefined)})`,
  );
export const allreduceBuf = (send: SendSpec, recv: BufSpec, op: Op) =>
  call(
    `allreduceInto(op=${op})`,
    (c) => allreduceInto(c, send, recv, op),
    () => `allreduceInto(op=${op}, type=${typeSignature(send, recv)})`,
  );
export const reduceScatterBlockBuf = (send: SendSpec, recv: BufSpec, op: Op) =>
  call(`reduceScatterBlockInto(op=${op})`, (c) => reduceScatterBlockInto(c, send, recv, op));
export const reduceScatterBuf = (send: SendSpec, recv: BufSpec, recvcounts: Counts, op: Op) =>
  call(`reduceScatterInto(op=${op})`, (c) => reduceScatterInto(c, send, recv, recvcounts, op));
export const scanBuf = (send: SendSpec, recv: BufSpec, op: Op) =>
  call(`scanInto(op=${op})`, (c) => scanInto(c, send, recv, op, false));
export const exscanBuf = (send: SendSpec, recv: BufSpec, op: Op) =>
  call(`exscanInto(op=${op})`, (c) => scanInto(c, send, recv, op, true));
