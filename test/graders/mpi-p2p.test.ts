// Tests of the MPI graders for the point-to-point exercises (9.2–10.3, 11.4–11.6, 12.1, 12.2): each grader
// passes its reference at a few process counts and fails each broken variant of test/graders/fixtures/mpi/
// with the message a student would need. The full process-count sets run with `npm run grade`.
import { describe, it } from "vitest";
import { GUARD, exercise, expectFailure, expectPass, fixture } from "./mpi/lib/expect-grade.ts";

describe("MPI point-to-point graders pass the references", () => {
  it("9.2 hello at N=3", () => expectPass("9.2", [3]), GUARD);
  it("9.5 reports the bug's deadlock and passes the fix at N=4", () => expectPass("9.5", [4], 3), GUARD);
  it("10.1 ping-pong", () => expectPass("10.1", [2], 2), GUARD);
  it("10.2-pingpong nonblocking ping-pong", () => expectPass("10.2-pingpong", [2], 3), GUARD);
  it("10.2-exchange at N=4", () => expectPass("10.2-exchange", [4], 2), GUARD);
  it("10.3 ring at N=1, 5, 16", () => expectPass("10.3", [1, 5, 16], 6), GUARD);
  it(
    "11.4-star and 11.4-binomial at N=6",
    async () => {
      await expectPass("11.4-star", [6], 2);
      await expectPass("11.4-binomial", [6], 2);
    },
    GUARD,
  );
  it(
    "11.5 linear, binomial and binary scatters at N=7",
    async () => {
      for (const id of ["11.5-linear", "11.5-binomial", "11.5-binary"]) await expectPass(id, [7], 2);
    },
    GUARD,
  );
  it("11.6 all-to-all at N=4", () => expectPass("11.6", [4], 2), GUARD);
  it(
    "12.1 and 12.2 derived types",
    async () => {
      await expectPass("12.1", [2], 2);
      await expectPass("12.2", [2], 2);
    },
    GUARD,
  );
});

describe("MPI point-to-point graders fail the broken variants", () => {
  it(
    "9.2 fails ranks numbered from 1",
    () => expectFailure("9.2", [2], fixture("hello-counts-from-one.ts"), "N=2", ["a line names rank 2", "ranks 0..1"]),
    GUARD,
  );
  it(
    "9.5 fails a fix that exchanges around a ring instead of with the partner",
    () =>
      expectFailure("9.5", [4], fixture("bug-fixed-ring.ts"), "holds its partner's", [
        "rank 0 received from rank 3",
        "from rank 1, its partner",
      ]),
    GUARD,
  );
  it(
    "10.1 fails a pong that is a 1-byte acknowledgement",
    () =>
      expectFailure("10.1", [2], fixture("pingpong-ack.ts"), "sends every message back", [
        "answered with 1 B",
        "the same message sent back",
      ]),
    GUARD,
  );
  it(
    "10.2-pingpong fails the blocking ping-pong",
    () =>
      expectFailure("10.2-pingpong", [2], fixture("pingpong-blocking-as-nonblocking.ts"), "isend and irecv", [
        "no call to isend or irecv",
      ]),
    GUARD,
  );
  it(
    "10.2-exchange fails a receive-then-send ordering",
    () =>
      expectFailure("10.2-exchange", [2], fixture("exchange-pingpong-order.ts"), "posted before", [
        "rank 1 received rank 0's array before it started sending",
      ]),
    GUARD,
  );
  it(
    "10.3 fails a ring that skips the last rank",
    () =>
      expectFailure("10.3", [4], fixture("ring-skips-rank.ts"), "visits every rank", [
        "rank 3 never received the token",
      ]),
    GUARD,
  );
  it(
    "11.4-binomial fails a star, and a tree that serves the nearest child first",
    async () => {
      await expectFailure("11.4-binomial", [8], fixture("bcast-star-as-binomial.ts"), "rounds", [
        "the broadcast took 7 rounds",
        "3 (ceil(log2 8))",
      ]);
      await expectFailure("11.4-binomial", [8], fixture("bcast-binomial-nearest-first.ts"), "rounds", [
        "the broadcast took 6 rounds",
      ]);
    },
    GUARD,
  );
  it(
    "11.4-star fails a chain",
    () =>
      expectFailure("11.4-star", [4], fixture("bcast-star-chain.ts"), "every message from the root", [
        "rank 2 received from rank 1",
      ]),
    GUARD,
  );
  it(
    "11.5 fails a shifted linear scatter, a binomial one sending the wrong half, a binomial tree as binary",
    async () => {
      await expectFailure("11.5-linear", [4], fixture("scatter-linear-off-by-one.ts"), "its own item", [
        "rank 1 received",
        "item 1 of the root's array",
      ]);
      await expectFailure("11.5-binomial", [6], fixture("scatter-binomial-near-half.ts"), "its own item", [
        "no line matched `rank 1 received item X from rank P`",
        "rank 1 printed: `rank 1 received item undefined from rank 0`",
      ]);
      await expectFailure("11.5-binary", [6], fixture("scatter-binomial-as-binary.ts"), "a binary tree", [
        "rank 0 sent to 3 ranks (1, 2, 4)",
        "at most 2 children",
      ]);
    },
    GUARD,
  );
  it(
    "11.6 fails values stored in the wrong slot",
    () =>
      expectFailure("11.6", [3], fixture("alltoall-p2p-shifted.ts"), "what j sent to i", [
        "rank 0 holds",
        "the value rank 0 sent to rank 0",
      ]),
    GUARD,
  );
  it(
    "12.1 fails an element-wise exchange; 12.2 fails a vector type with the wrong stride",
    async () => {
      await expectFailure("12.1", [2], fixture("type-contiguous-elementwise.ts"), "one message each way", [
        "messages from rank 0 to rank 1",
        "expected 1",
      ]);
      await expectFailure("12.2", [2], fixture("type-vector-wrong-stride.ts"), "same column both ways", [
        "with the vector type",
        "the stride is N",
      ]);
    },
    GUARD,
  );
  it(
    "the reference of one exercise fails another's structure (binomial scatter graded as linear)",
    () =>
      expectFailure("11.5-linear", [5], exercise("scatter-binomial.ts"), "every message from the root", [
        "received from rank",
      ]),
    GUARD,
  );
});
