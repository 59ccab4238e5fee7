// The base layer's errors: MpiError's fields (code, call, rank, peer, fatal) as the helpers fill them, and
// ProcessFailedError as a subclass a program can catch with instanceof, with its failed ranks.
import { afterEach, describe, expect, it } from "vitest";
import {
  ErrorCode,
  MpiError,
  ProcessFailedError,
  callOf,
  mpiError,
  processFailedError,
  setErrorRank,
  setErrorsReturn,
} from "../../runtime/errors.ts";
import { CommCore } from "../../runtime/comm/communicator.ts";
import type { World } from "../../runtime/comm/world.ts";
import { Datatype, INT32 } from "../../runtime/datatype/index.ts";

afterEach(() => {
  setErrorRank(-1);
  setErrorsReturn(false);
});

describe("MpiError fields", () => {
  it("mpiError names the call, this rank and the peer, in the fields and in the message", () => {
    setErrorRank(3);
    const err = mpiError(ErrorCode.ERR_RANK, "send(dest=9, tag=0)", "destination rank out of range", {
      measured: 9,
      expected: "0..3",
      peer: 9,
    });
    expect(err).toBeInstanceOf(MpiError);
    expect(err).toBeInstanceOf(Error);
    expect({ code: err.code, call: err.call, rank: err.rank, peer: err.peer, fatal: err.fatal }).toEqual({
      code: "ERR_RANK",
      call: "send",
      rank: 3,
      peer: 9,
      fatal: true,
    });
    expect(err.message).toBe("send(dest=9, tag=0) on rank 3: destination rank out of range (9 vs expected 0..3)");
  });

  it("before init the rank is -1 and the message says '?'; no peer unless given", () => {
    const err = mpiError(ErrorCode.ERR_ARG, "Op.create", "the op must be a function");
    expect(err.rank).toBe(-1);
    expect(err.peer).toBeUndefined();
    expect(err.message).toBe("Op.create on rank ?: the op must be a function");
  });

  it("errors are fatal under ERRORS_ARE_FATAL, not once ERRORS_RETURN is in force; a protocol error always is", () => {
    expect(mpiError(ErrorCode.ERR_TAG, "recv(source=0, tag=-5)", "invalid tag").fatal).toBe(true);
    setErrorsReturn(true);
    expect(mpiError(ErrorCode.ERR_TAG, "recv(source=0, tag=-5)", "invalid tag").fatal).toBe(false);
    expect(new MpiError(ErrorCode.ERR_PROTOCOL, "malformed frame").fatal).toBe(true);
    expect(new MpiError(ErrorCode.ERR_OTHER, "x", { fatal: true }).fatal).toBe(true);
  });

  it("callOf takes the call's name from the head of the operation text", () => {
    expect(callOf("recv(source=ANY_SOURCE, tag=ANY_TAG)")).toBe("recv");
    expect(callOf("Datatype.vector(2, 1, 3, INT32)")).toBe("Datatype.vector");
    expect(callOf("group.rangeIncl")).toBe("group.rangeIncl");
    expect(callOf("a pending operation")).toBe("");
  });

  it("ProcessFailedError is an MpiError with code ERR_PROC_FAILED and the failed ranks, ascending", () => {
    setErrorRank(0);
    setErrorsReturn(true);
    const err = processFailedError("recv", 2, [5, 2], "rank 2 has failed (was killed by SIGKILL)");
    expect(err).toBeInstanceOf(ProcessFailedError);
    expect(err).toBeInstanceOf(MpiError);
    expect(err.name).toBe("ProcessFailedError");
    expect({
      code: err.code,
      call: err.call,
      rank: err.rank,
      peer: err.peer,
      fatal: err.fatal,
      failedRanks: err.failedRanks,
    }).toEqual({ code: "ERR_PROC_FAILED", call: "recv", rank: 0, peer: 2, fatal: false, failedRanks: [2, 5] });
    expect(err.message).toBe("recv on rank 0: rank 2 has failed (was killed by SIGKILL)");
  });
});

describe("where errors are raised", () => {
  // A communicator's argument checks need only its size and whether MPI is finalized.
  const world = { rank: 1, finalized: false } as unknown as World;
  const comm = new CommCore(world, [0, 1, 2, 3], 100, "COMM_TEST");

  it("a communicator's rank check fills call and peer", () => {
    setErrorRank(1);
    let caught: unknown;
    try {
      comm.checkDest(() => "ssend(dest=7, tag=1)", 7);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MpiError);
    const err = caught as MpiError;
    expect({ code: err.code, call: err.call, rank: err.rank, peer: err.peer }).toEqual({
      code: "ERR_RANK",
      call: "ssend",
      rank: 1,
      peer: 7,
    });
  });

  it("a datatype constructor's check names the constructor", () => {
    let caught: unknown;
    try {
      Datatype.vector(-1, 1, 1, INT32);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MpiError);
    expect((caught as MpiError).call).toBe("Datatype.vector");
    expect((caught as MpiError).peer).toBeUndefined();
  });
});
