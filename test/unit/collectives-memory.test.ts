// Every collective algorithm (runtime/collectives/select.ts's ALGORITHMS, forced one at a time through
// TSMPI_COLL as `tsrun --coll` does) at 1 to 5 ranks, over the in-memory transport in this thread: each
// rank's result is compared with the value computed here from the inputs. Sizes 3 and 5 are not powers
// of two, which the recursive-doubling and Rabenseifner algorithms must handle. The process tests run the
// same calls through tsrun; these find a wrong algorithm in a second.
import { afterEach, describe, expect, it } from "vitest";
import { ALGORITHMS, type Collective } from "../../runtime/collectives/select.ts";
import { MAX, SUM, buf } from "../../runtime/datatype/index.ts";
import type { Intracomm } from "../../runtime/index.ts";
import { commJob, onEveryRank } from "../harness/memory-job.ts";

const SIZES = [1, 2, 3, 4, 5];
const saved = process.env.TSMPI_COLL;
afterEach(() => {
  if (saved === undefined) delete process.env.TSMPI_COLL;
  else process.env.TSMPI_COLL = saved;
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** Rank r's input: distinct per rank, so a result that mixes up ranks shows. */
const input = (r: number) => 10 * r + 3;

/** What every rank must get from `name`, from the inputs alone, and the call that computes it. */
const CASES: Record<
  Collective,
  { run: (c: Intracomm, r: number) => Promise<unknown>; expect: (r: number, n: number) => unknown }
> = {
  barrier: { run: (c) => c.barrier(), expect: () => undefined },
  bcast: {
    run: (c, r) => c.bcast(r === 1 % c.size ? { from: r, list: [1, 2] } : null, 1 % c.size),
    expect: (_r, n) => ({ from: 1 % n, list: [1, 2] }),
  },
  reduce: {
    run: (c, r) => c.reduce(input(r), SUM, c.size - 1),
    expect: (r, n) =>
      r === n - 1
        ? range(n)
            .map(input)
            .reduce((a, b) => a + b)
        : undefined,
  },
  allreduce: { run: (c, r) => c.allreduce(input(r), MAX), expect: (_r, n) => input(n - 1) },
  gather: {
    run: (c, r) => c.gather(`r${r}`, 0),
    expect: (r, n) => (r === 0 ? range(n).map((i) => `r${i}`) : undefined),
  },
  scatter: {
    run: (c, r) => c.scatter(r === 0 ? range(c.size).map((i) => [i, "x"]) : null, 0),
    expect: (r) => [r, "x"],
  },
  allgather: { run: (c, r) => c.allgather(input(r)), expect: (_r, n) => range(n).map(input) },
  alltoall: {
    run: (c, r) => c.alltoall(range(c.size).map((d) => `${r}->${d}`)),
    expect: (r, n) => range(n).map((s) => `${s}->${r}`),
  },
  scan: {
    run: (c, r) => c.scan(input(r), SUM),
    expect: (r) =>
      range(r + 1)
        .map(input)
        .reduce((a, b) => a + b),
  },
  exscan: {
    run: (c, r) => c.exscan(input(r), SUM),
    expect: (r) =>
      r === 0
        ? undefined
        : range(r)
            .map(input)
            .reduce((a, b) => a + b),
  },
  reduceScatter: {
    run: (c, r) =>
      c.reduceScatter(
        range(c.size).map((d) => r * 100 + d),
        SUM,
      ),
    expect: (r, n) => range(n).reduce((a, s) => a + s * 100 + r, 0),
  },
};

describe("collectives over the in-memory transport, every algorithm at 1–5 ranks", () => {
  for (const [name, algorithms] of Object.entries(ALGORITHMS) as [Collective, readonly string[]][]) {
    for (const algorithm of algorithms) {
      it(`${name}=${algorithm}`, async () => {
        process.env.TSMPI_COLL = `${name}=${algorithm}`;
        for (const n of SIZES) {
          const { comms, engines } = commJob(n);
          const got = await onEveryRank(comms, (c, r) => CASES[name].run(c, r));
          expect(got, `${name}=${algorithm} at ${n} ranks`).toEqual(range(n).map((r) => CASES[name].expect(r, n)));
          expect(
            engines.flatMap((e) => e.unreceived()),
            "no message left unreceived",
          ).toEqual([]);
        }
      });
    }
  }

  it("allreduceInto a Float64Array, three calls in a row on the same communicators, at 1–5 ranks", async () => {
    for (const n of SIZES) {
      const { comms } = commJob(n);
      const got = await onEveryRank(comms, async (c, r) => {
        const sums: number[][] = [];
        for (let call = 0; call < 3; call++) {
          const out = new Float64Array(4);
          await c.allreduceInto(buf(Float64Array.from([r, r * call, 1, -r])), buf(out), SUM);
          sums.push([...out]);
        }
        return sums;
      });
      const total = (n * (n - 1)) / 2;
      const want = range(3).map((call) => [total, total * call, n, -total]);
      expect(got).toEqual(range(n).map(() => want));
    }
  });

  it("point-to-point on a communicator: a ring of sendrecv at 1–5 ranks", async () => {
    for (const n of SIZES) {
      const { comms } = commJob(n);
      const got = await onEveryRank(comms, (c, r) => c.sendrecv({ from: r }, (r + 1) % n, 0, (r + n - 1) % n, 0));
      expect(got).toEqual(range(n).map((r) => ({ from: (r + n - 1) % n })));
    }
  });
});
