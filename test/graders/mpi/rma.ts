// Graders for the one-sided exercises 13.1 (rank 1 carries rank 0's pid into rank 2 with get and put),
// 13.2 (token ring with put and explicit synchronisation), 13.3 (a seed published in a window, read by
// the others) and 13.4 (irregular maximum accumulated into rank 0 with a counter). Behaviour is checked
// against what the ranks print and the oracle (lib/oracle.ts); the trace must show no user point-to-point
// message and no reduce/bcast: the data moves through windows (window creation, fences and free are the
// only collectives allowed). When the trace records one-sided operations, 13.1 also checks who did what.
import { expect, fail, programOf, type Grader } from "../lib/grader.ts";
import {
  AS_PROCESSES,
  expectSuccess,
  withRunReport,
  perRank,
  randomSeed,
  runMpi,
  single,
  traceOf,
  type MpiRun,
} from "./lib/mpirun.ts";
import { close, irregularLocal, seededArray } from "./lib/oracle.ts";
import { collectiveNames, edgesText, userMessages } from "./lib/trace.ts";
import { checkTokenValues } from "./ring.ts";

/** The data must not travel by send/recv or by a data-moving collective. */
function checkOneSidedOnly(run: MpiRun): string {
  const trace = traceOf(run);
  const messages = userMessages(trace);
  expect(
    messages.length === 0,
    `${messages.length} point-to-point messages (${edgesText(messages)})`,
    "none",
    "this exercise moves data with put/get/accumulate on a window",
  );
  const moving = collectiveNames(trace)
    .flat()
    .filter((c) => /bcast|reduce|scatter|gather(?!$)|alltoall|scan/.test(c) && c !== "allgather");
  expect(
    moving.length === 0,
    `the program called ${[...new Set(moving)].join(", ")}`,
    "no data-moving collective",
    "one-sided operations only",
  );
  const rma = trace.events.flat().filter((e) => e.kind === "rma");
  return rma.length ? `${rma.length} one-sided operations, no message` : "no point-to-point message";
}

async function gradeRuns(
  checker: Parameters<Grader["run"]>[0],
  sizes: number[],
  label: (n: number) => string,
  body: (n: number) => Promise<[MpiRun, string]>,
) {
  for (const n of sizes) {
    let run = null as MpiRun | null; // set inside the check
    await checker.check(`N=${n}: ${label(n)}`, async () => {
      const [r, detail] = await body(n);
      run = r;
      return detail;
    });
    if (run && run!.code === 0)
      await checker.check(`N=${n}: one-sided communication only (trace)`, () => checkOneSidedOnly(run!));
  }
}

export const intermediaryGrader: Grader = {
  id: "13.1",
  title: "rank 1 gets rank 0's pid and puts it into rank 2's window",
  reference: "exercises/mpi/rma-intermediary.ts",
  run(checker, options) {
    const program = programOf(this, options);
    return gradeRuns(
      checker,
      options.np ?? [3, 4],
      () => "rank 2 holds rank 0's pid",
      async (n) => {
        const run = await runMpi(program, n, { trace: true, timeoutS: 30, tsrunArgs: AS_PROCESSES });
        expectSuccess(run);
        const pids = perRank(run, /^rank (\d+): my pid is (\d+)/, "rank r: my pid is P").map((m) => Number(m[2]));
        const held = Number(single(run, /^rank 2 holds (-?\d+)/, "rank 2 holds X")[1]);
        const whose = pids.indexOf(held);
        expect(
          held === pids[0],
          `rank 2 holds ${held}${whose > 0 ? ` (rank ${whose}'s pid)` : ""}`,
          `${pids[0]}, rank 0's pid`,
          "rank 1 must get the value from rank 0's window, then put what it got into rank 2's",
        );
        const rma = traceOf(run)
          .events.flat()
          .filter((e) => e.kind === "rma");
        if (rma.length) {
          const did = (op: string, from: number, to: number) =>
            rma.some((e) => e.rank === from && String(e.op ?? e.name).startsWith(op) && (e.target ?? e.peer) === to);
          expect(did("get", 1, 0), "no get by rank 1 from rank 0 in the trace", "rank 1 gets rank 0's pid");
          expect(did("put", 1, 2), "no put by rank 1 into rank 2 in the trace", "rank 1 puts it into rank 2");
        }
        return [run, `rank 2 holds ${held}`];
      },
    );
  },
};

export const rmaRingGrader: Grader = {
  id: "13.2",
  title: "token ring with one-sided put and explicit synchronisation",
  reference: "exercises/mpi/rma-token-ring.ts",
  run(checker, options) {
    const program = programOf(this, options);
    return gradeRuns(
      checker,
      options.np ?? [1, 2, 5, 8],
      (n) => `the token visits every rank in order and comes back with ${(n * (n - 1)) / 2}`,
      async (n) => {
        const run = await runMpi(program, n, { trace: true, timeoutS: 30 });
        if (!run.lines.length) expectSuccess(run); // nothing printed: the exit says why
        const values = withRunReport(run, () => checkTokenValues(run!)); // wrong values say more than an exit code
        expectSuccess(run);
        return [run, values];
      },
    );
  },
};

export const seedGrader: Grader = {
  id: "13.3",
  title: "one rank publishes a seed in a window; every rank generates the same array",
  reference: "exercises/mpi/rma-seed.ts",
  run(checker, options) {
    const program = programOf(this, options);
    return gradeRuns(
      checker,
      options.np ?? [2, 4],
      () => `every rank reads rank 0's seed and generates the same array`,
      async (n) => {
        const seed = randomSeed();
        const run = await runMpi(program, n, { args: ["--seed", seed], trace: true, timeoutS: 30 });
        expectSuccess(run);
        const lines = perRank(
          run,
          /^rank (\d+): seed (\d+), (\d+) values, first (\S+) (\S+) (\S+), sum (\S+)/,
          "rank r: seed S, 1000 values, first a b c, sum X",
        );
        const want = seededArray(seed);
        lines.forEach((m, r) => {
          expect(
            Number(m[2]) === seed,
            `rank ${r} used seed ${m[2]}`,
            `${seed}, the seed rank 0 published (--seed ${seed})`,
            "read the seed from rank 0's window (lock, get, unlock) before generating",
          );
          const first = [m[4], m[5], m[6]].map(Number);
          expect(
            first.every((v, i) => close(v, want.first[i])) && close(Number(m[7]), want.sum),
            `rank ${r}'s array starts ${first.join(" ")} (sum ${m[7]})`,
            `${want.first.join(" ")} (sum ${want.sum}), mulberry32(seed)'s first 1000 values`,
          );
        });
        return [run, `${n} identical arrays from seed ${seed}`];
      },
    );
  },
};

export const irregularMaxGrader: Grader = {
  id: "13.4",
  title: "irregular maximum: each rank accumulates MAX and a counter into rank 0's window",
  reference: "exercises/mpi/rma-irregular-max.ts",
  run(checker, options) {
    const program = programOf(this, options);
    return gradeRuns(
      checker,
      options.np ?? [1, 2, 4],
      (n) => `rank 0 ends with the true maximum and a counter of ${n}`,
      async (n) => {
        const seed = randomSeed();
        const run = await runMpi(program, n, { args: ["--seed", seed], trace: true, timeoutS: 60 });
        expectSuccess(run);
        const locals = Array.from({ length: n }, (_, r) => irregularLocal(seed, r));
        perRank(run, /^rank (\d+): (\d+) values, local max (\S+)/, "rank r: K values, local max X").forEach((m, r) => {
          expect(
            Number(m[2]) === locals[r].size && close(Number(m[3]), locals[r].max),
            `rank ${r}: ${m[2]} values, local max ${m[3]} (--seed ${seed})`,
            `${locals[r].size} values, local max ${locals[r].max}`,
          );
        });
        const result = single(
          run,
          /^rank 0: global max (\S+) from (\d+) ranks \(counter (\d+)\)/,
          "rank 0: global max G from N ranks (counter C)",
        );
        const want = Math.max(...locals.map((l) => l.max));
        expect(
          close(Number(result[1]), want),
          `rank 0: global max ${result[1]}`,
          `${want}`,
          "accumulate each local max into rank 0 with mpi.MAX",
        );
        const counter = Number(result[3]);
        if (counter !== n && counter !== n - 1)
          fail(
            `counter ${counter}`,
            `${n} (or ${n - 1} if rank 0 does not count itself)`,
            "each rank adds 1 with accumulate(SUM); rank 0 waits until every rank has reported",
          );
        return [run, `max ${want}, counter ${counter}`];
      },
    );
  },
};
