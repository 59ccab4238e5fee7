// The members of the MPI objects a program holds, pinned: what an editor completes on a communicator, a
// window, a request… is MPI and nothing else (engine state lives in private fields, runtime/mpi/). Read at
// run time over the whole prototype chain of real objects (a one-rank job over the in-memory transport),
// so a helper made public by accident, or a method patched onto a prototype, fails here.
import { describe, expect, expectTypeOf, it } from "vitest";
import * as mpi from "../../runtime/index.ts";
import { commJob } from "../harness/memory-job.ts";

/** Every property name reachable on `value` (own and inherited), Object.prototype's excepted. */
function membersOf(value: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = value; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) if (name !== "constructor") names.add(name);
  }
  return [...names].sort();
}

const P2P = [
  "abort",
  "ack",
  "bsend",
  "failedRanks",
  "getAcked",
  "getErrhandler",
  "ibsend",
  "improbe",
  "iprobe",
  "irecv",
  "irecvInto",
  "irsend",
  "isRevoked",
  "isend",
  "issend",
  "mprobe",
  "name",
  "probe",
  "rank",
  "recv",
  "recvInit",
  "recvInto",
  "revoke",
  "rsend",
  "send",
  "sendInit",
  "sendrecv",
  "sendrecvReplace",
  "setErrhandler",
  "size",
  "ssend",
] as const;
const COLLECTIVES = [
  "allgather",
  "allgatherInto",
  "allgathervInto",
  "allreduce",
  "allreduceInto",
  "alltoall",
  "alltoallInto",
  "alltoallvInto",
  "alltoallw",
  "barrier",
  "bcast",
  "bcastInto",
  "exscan",
  "exscanInto",
  "gather",
  "gatherInto",
  "gathervInto",
  "iallgather",
  "iallgatherInto",
  "iallgathervInto",
  "iallreduce",
  "iallreduceInto",
  "ialltoall",
  "ialltoallInto",
  "ialltoallvInto",
  "ibarrier",
  "ibcast",
  "ibcastInto",
  "iexscan",
  "iexscanInto",
  "igather",
  "igatherInto",
  "igathervInto",
  "ireduce",
  "ireduceInto",
  "ireduceScatter",
  "iscan",
  "iscanInto",
  "iscatter",
  "iscatterInto",
  "iscattervInto",
  "reduce",
  "reduceInto",
  "reduceScatter",
  "reduceScatterBlockInto",
  "reduceScatterInto",
  "scan",
  "scanInto",
  "scatter",
  "scatterInto",
  "scattervInto",
] as const;
const COMMUNICATORS = ["create", "createCart", "createGroup", "dup", "free", "group", "shrink", "split"] as const;
const TOPOLOGY = ["coords", "dims", "ndim", "periods", "rankOf", "shift", "sub", "topo"] as const;
const WIN = [
  "accumulate",
  "bytes",
  "comm",
  "compareAndSwap",
  "complete",
  "dispUnit",
  "fence",
  "fetchAndOp",
  "flush",
  "flushAll",
  "flushLocal",
  "flushLocalAll",
  "free",
  "get",
  "getAccumulate",
  "group",
  "lock",
  "lockAll",
  "memory",
  "post",
  "put",
  "start",
  "sync",
  "test",
  "unlock",
  "unlockAll",
  "wait",
] as const;
const GROUP = [
  "compare",
  "difference",
  "excl",
  "incl",
  "intersection",
  "rangeExcl",
  "rangeIncl",
  "rank",
  "size",
  "translateRanks",
  "union",
] as const;
const REQUEST = ["cancel", "done", "test", "wait"] as const;
const PERSISTENT_REQUEST = ["cancel", "done", "start", "test", "wait"] as const;
const STATUS = ["assign", "cancelled", "count", "error", "getCount", "getElements", "source", "tag"] as const;
const MESSAGE = ["count", "irecv", "recv", "source", "tag"] as const;

const sorted = (...lists: (readonly string[])[]) => lists.flat().sort();

type Names<T extends readonly string[]> = T[number];

describe("the members of the MPI objects", () => {
  it("as TypeScript shows them (the .d.ts a student's editor reads)", () => {
    expectTypeOf<keyof mpi.Comm>().toEqualTypeOf<Names<typeof P2P>>();
    expectTypeOf<keyof mpi.Intracomm>().toEqualTypeOf<
      Names<typeof P2P> | Names<typeof COLLECTIVES> | Names<typeof COMMUNICATORS>
    >();
    expectTypeOf<keyof mpi.Cartcomm>().toEqualTypeOf<
      Names<typeof P2P> | Names<typeof COLLECTIVES> | Names<typeof COMMUNICATORS> | Names<typeof TOPOLOGY>
    >();
    expectTypeOf<keyof mpi.Win>().toEqualTypeOf<Names<typeof WIN>>();
    expectTypeOf<keyof mpi.Group>().toEqualTypeOf<Names<typeof GROUP>>();
    expectTypeOf<keyof mpi.Request>().toEqualTypeOf<Names<typeof REQUEST>>();
    expectTypeOf<keyof mpi.PersistentRequest>().toEqualTypeOf<Names<typeof PERSISTENT_REQUEST>>();
    expectTypeOf<keyof mpi.Status>().toEqualTypeOf<Names<typeof STATUS>>();
    expectTypeOf<keyof mpi.Message>().toEqualTypeOf<Names<typeof MESSAGE>>();
  });

  it("a communicator shows MPI calls only: point-to-point, collectives, constructors (and topology on a Cartcomm)", async () => {
    const [comm] = commJob(1).comms;
    expect(membersOf(comm)).toEqual(sorted(P2P, COLLECTIVES, COMMUNICATORS));
    expect(membersOf(Object.create(mpi.Comm.prototype))).toEqual(
      sorted(P2P).filter((m) => m !== "rank" && m !== "size"),
    );
    const cart = (await comm.createCart([1], [true]))!;
    expect(cart).toBeInstanceOf(mpi.Cartcomm);
    expect(membersOf(cart)).toEqual(sorted(P2P, COLLECTIVES, COMMUNICATORS, TOPOLOGY));
  });

  it("a window, a group, requests, a status and a message show MPI only", async () => {
    const [comm] = commJob(1).comms;
    const win = await mpi.Win.create(new Float64Array(4), comm);
    expect(membersOf(win)).toEqual(sorted(WIN));
    await win.free();
    expect(membersOf(comm.group)).toEqual(sorted(GROUP));
    const request = comm.isend("x", 0, 7);
    expect(membersOf(request)).toEqual(sorted(REQUEST));
    const message = await comm.mprobe(0, 7);
    expect(message).toBeInstanceOf(mpi.Message);
    expect(membersOf(message)).toEqual(sorted(MESSAGE));
    expect(await message.recv()).toBe("x");
    await request.wait();
    expect(membersOf(comm.recvInit(0, 1))).toEqual(sorted(PERSISTENT_REQUEST));
    expect(membersOf(new mpi.Status())).toEqual(sorted(STATUS));
  });
});
