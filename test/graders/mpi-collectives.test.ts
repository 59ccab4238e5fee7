// Tests of the MPI graders for the collective, datatype/collective and one-sided exercises (11.1–11.3,
// 11.7, 12.3–12.5, 13.1–13.4): each grader passes its reference at a few process counts and fails each
// broken variant of test/graders/fixtures/mpi/ with the message a student would need.
import { describe, it } from "vitest";
import { GUARD, expectFailure, expectFailures, expectPass, fixture } from "./mpi/lib/expect-grade.ts";

describe("MPI collective and one-sided graders pass the references", () => {
  it(
    "11.1, 11.2, 11.3, 11.7 at N=3",
    async () => {
      for (const id of ["11.1", "11.2", "11.3", "11.7"]) await expectPass(id, [3], 2);
    },
    GUARD,
  );
  it("12.3 transposition at P=3 (square and non-divisible sizes)", () => expectPass("12.3", [3], 4), GUARD);
  it(
    "12.4 static and 12.5 dynamic master/worker at N=4",
    async () => {
      await expectPass("12.4", [4], 2);
      await expectPass("12.5", [4], 3);
    },
    GUARD,
  );
  it(
    "13.1–13.4 one-sided",
    async () => {
      await expectPass("13.1", [3], 2);
      await expectPass("13.2", [4], 2);
      await expectPass("13.3", [3], 2);
      await expectPass("13.4", [3], 2);
    },
    GUARD,
  );
});

describe("MPI collective and one-sided graders fail the broken variants", () => {
  it(
    "11.1 fails ranks printing their own pid; 11.2 a SUM reduction",
    async () => {
      await expectFailure("11.1", [3], fixture("bcast-pid-own.ts"), "rank 0's pid", ["(its own pid)", "rank 0's pid"]);
      await expectFailure("11.2", [3], fixture("reduce-max-sum.ts"), "max of maxima", [
        "rank 0: max of maxima",
        "reduce the local maxima with mpi.MAX",
      ]);
    },
    GUARD,
  );
  it(
    "11.3 fails the root's own mean; 11.7 division by the local maximum",
    async () => {
      await expectFailure("11.3", [3], fixture("scatter-gather-root-part.ts"), "sequential mean", ["parallel mean"]);
      await expectFailure("11.7", [3], fixture("normalize-local-max.ts"), "global max", [
        "global max",
        "allreduce with mpi.MAX",
      ]);
    },
    GUARD,
  );
  it(
    "12.3 fails a transposition that needs P to divide M and N",
    () =>
      expectFailure("12.3", [3], fixture("transpose-divides-only.ts"), "A 7×5", [
        "rank 0 gathered",
        "missing at the end",
      ]),
    GUARD,
  );
  it(
    "12.4 fails a static split that drops the remainder",
    () =>
      expectFailure("12.4", [4], fixture("master-worker-static-drops-remainder.ts"), "each computed once", [
        "never reported",
      ]),
    GUARD,
  );
  it(
    "12.5 fails a 'dynamic' master/worker that is really static",
    () =>
      expectFailures("12.5", [4], fixture("master-worker-dynamic-static.ts"), [
        ["fewer tasks", ["worker 1 (slowed) did", "a fixed share per worker is the static version"]],
        ["pull mode", ["without a pending request"]],
      ]),
    GUARD,
  );
  it(
    "13.1 fails rank 1 putting its own pid; 13.2 an unsynchronised ring",
    async () => {
      await expectFailure("13.1", [3], fixture("rma-intermediary-own-pid.ts"), "rank 0's pid", ["(rank 1's pid)"]);
      await expectFailure("13.2", [4], fixture("rma-token-ring-one-epoch.ts"), "visits every rank", [
        "rank 2 received token 0",
        "expected 1",
      ]);
    },
    GUARD,
  );
  it(
    "13.3 fails ranks seeding from their own clock; 13.4 a SUM accumulate",
    async () => {
      await expectFailure("13.3", [3], fixture("rma-seed-own-clock.ts"), "same array", [
        "rank 1 used seed",
        "the seed rank 0 published",
      ]);
      await expectFailure("13.4", [3], fixture("rma-irregular-max-sum.ts"), "true maximum", [
        "rank 0: global max",
        "mpi.MAX",
      ]);
    },
    GUARD,
  );
});
