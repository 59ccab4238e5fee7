// Graders for the collective exercises 11.1 (broadcast of rank 0's pid), 11.2 (max of the local maxima at
// rank 0), 11.3 (scatter, cube, local means, gather, mean of means vs sequential) and 11.7 (normalise by
// the global maximum). Each runs the program with a trace and a random --seed, recomputes the expected
// numbers with the sequential oracle (lib/oracle.ts, the generator the exercises' headers document),
// and checks the trace for the collective the handout asks for.
import { expect, fail, programOf, type Checker, type Grader } from "../lib/grader.ts";
import {
  AS_PROCESSES,
  expectSuccess,
  perRank,
  randomSeed,
  runMpi,
  single,
  traceOf,
  type MpiRun,
} from "./lib/mpirun.ts";
import { close, meanOfCubes, normalizeLocalMax, reduceMaxLocal } from "./lib/oracle.ts";
import type { TraceEvent } from "./lib/trace.ts";

/** Fails unless every rank entered a collective whose name matches (and op, when given). */
function expectCollective(run: MpiRun, name: RegExp, label: string, op?: string): string {
  const trace = traceOf(run);
  for (let r = 0; r < run.np; r++) {
    const calls = trace.events[r].filter((e: TraceEvent) => e.kind === "coll-enter");
    const hit = calls.find((e) => name.test(String(e.name)) && (!op || e.op === op));
    if (!hit) {
      const seen = calls.map((e) => `${e.name}${e.op ? `(${e.op})` : ""}`).join(", ") || "no collective";
      fail(
        `rank ${r} called ${seen}`,
        `${label}${op ? ` with ${op}` : ""}`,
        "the handout asks for a collective operation here",
      );
    }
  }
  return `${label} on every rank`;
}

/** One behavioural check then one trace check per N (the trace check only when the run succeeded). */
async function perSize(
  checker: Checker,
  sizes: number[],
  behaviour: string,
  structure: string,
  body: (n: number) => Promise<[MpiRun, string]>,
  traced: (run: MpiRun) => string,
) {
  for (const n of sizes) {
    let run = null as MpiRun | null; // set inside the check
    await checker.check(`N=${n}: ${behaviour}`, async () => {
      const [r, detail] = await body(n);
      run = r;
      return detail;
    });
    if (run && run!.code === 0) await checker.check(`N=${n}: ${structure} (trace)`, () => traced(run!));
  }
}

export const bcastPidGrader: Grader = {
  id: "11.1",
  title: "rank 0 broadcasts its pid; every rank prints it",
  reference: "exercises/mpi/bcast-pid.ts",
  run(checker, options) {
    const program = programOf(this, options);
    return perSize(
      checker,
      options.np ?? [1, 2, 4, 7],
      "every rank prints rank 0's pid",
      "bcast from root 0",
      async (n) => {
        const run = await runMpi(program, n, { trace: true, timeoutS: 30, tsrunArgs: AS_PROCESSES });
        expectSuccess(run);
        const own = perRank(run, /^rank (\d+): my pid is (\d+)/, "rank r: my pid is P").map((m) => Number(m[2]));
        const got = perRank(run, /^rank (\d+): rank 0's pid is (\d+)/, "rank r: rank 0's pid is P").map((m) =>
          Number(m[2]),
        );
        got.forEach((pid, r) =>
          expect(
            pid === own[0],
            `rank ${r} printed ${pid}${pid === own[r] && r > 0 ? " (its own pid)" : ""}`,
            `${own[0]}, rank 0's pid`,
            "rank 0 broadcasts process.pid and every rank prints what bcast returned",
          ),
        );
        expect(new Set(own).size === n, `pids ${own.join(", ")}`, "a different pid per rank");
        return [run, `all ${n} print ${own[0]}`];
      },
      (run) => expectCollective(run, /^i?bcast/, "bcast"),
    );
  },
};

export const reduceMaxGrader: Grader = {
  id: "11.2",
  title: "max of 1014 seeded random values per rank, reduced at rank 0",
  reference: "exercises/mpi/reduce-max.ts",
  run(checker, options) {
    const program = programOf(this, options);
    return perSize(
      checker,
      options.np ?? [1, 3, 4, 8],
      "local maxima and the max of maxima match the oracle",
      "reduce with MAX",
      async (n) => {
        const seed = randomSeed();
        const run = await runMpi(program, n, { args: ["--seed", seed], trace: true, timeoutS: 30 });
        expectSuccess(run);
        const locals = Array.from({ length: n }, (_, r) => reduceMaxLocal(seed, r));
        perRank(run, /^rank (\d+): local max (\S+)/, "rank r: local max X").forEach((m, r) =>
          expect(
            close(Number(m[2]), locals[r]),
            `rank ${r}: local max ${m[2]} (--seed ${seed})`,
            `${locals[r]}`,
            `rank r seeds mulberry32(seed + r) and draws 1014 values 100 * next()`,
          ),
        );
        const global = single(run, /^rank 0: max of maxima (\S+)/, "rank 0: max of maxima X");
        const want = Math.max(...locals);
        expect(
          close(Number(global[1]), want),
          `rank 0: max of maxima ${global[1]}`,
          `${want}`,
          "reduce the local maxima with mpi.MAX to root 0",
        );
        return [run, `max ${want}`];
      },
      (run) => expectCollective(run, /^i?(all)?reduce/, "reduce", "MAX"),
    );
  },
};

export const scatterGatherGrader: Grader = {
  id: "11.3",
  title: "scatter, cube, local means, gather, mean of means vs sequential, with timings",
  reference: "exercises/mpi/scatter-gather.ts",
  run(checker, options) {
    const program = programOf(this, options);
    return perSize(
      checker,
      options.np ?? [1, 2, 4, 5],
      "mean of means equals the sequential mean of cubes; both timed",
      "scatter then gather",
      async (n) => {
        const seed = randomSeed();
        const run = await runMpi(program, n, { args: ["--seed", seed], trace: true, timeoutS: 30 });
        expectSuccess(run);
        const want = meanOfCubes(seed, n);
        const parallel = single(
          run,
          /^rank 0: parallel mean of cubes (\S+) in ([\d.]+) ms/,
          "rank 0: parallel mean of cubes X in T ms",
        );
        const sequential = single(
          run,
          /^rank 0: sequential mean of cubes (\S+) in ([\d.]+) ms/,
          "rank 0: sequential mean of cubes X in T ms",
        );
        expect(
          close(Number(parallel[1]), want),
          `parallel mean ${parallel[1]} (--seed ${seed}, N=${n})`,
          `${want}`,
          "each rank gets 1024 values, cubes them and averages; rank 0 averages the N means",
        );
        expect(close(Number(sequential[1]), want), `sequential mean ${sequential[1]}`, `${want}`);
        return [run, `mean ${want.toFixed(3)}; parallel ${parallel[2]} ms, sequential ${sequential[2]} ms`];
      },
      (run) => `${expectCollective(run, /^i?scatter/, "scatter")}, ${expectCollective(run, /^i?gather/, "gather")}`,
    );
  },
};

export const normalizeGrader: Grader = {
  id: "11.7",
  title: "normalise each rank's random M×N submatrix by the global maximum (allreduce)",
  reference: "exercises/mpi/normalize.ts",
  run(checker, options) {
    const program = programOf(this, options);
    return perSize(
      checker,
      options.np ?? [1, 2, 4, 6],
      "every rank divides by the global max; the largest element becomes exactly 1",
      "allreduce with MAX",
      async (n) => {
        const [seed, rows, cols] = [randomSeed(), 2 + Math.floor(Math.random() * 5), 2 + Math.floor(Math.random() * 5)];
        const run = await runMpi(program, n, {
          args: ["--rows", rows, "--cols", cols, "--seed", seed],
          trace: true,
          timeoutS: 30,
        });
        expectSuccess(run);
        const locals = Array.from({ length: n }, (_, r) => normalizeLocalMax(seed, r, rows, cols));
        const global = Math.max(...locals);
        const lines = perRank(
          run,
          /^rank (\d+): local max (\S+), global max (\S+), max after normalisation (\S+)/,
          "rank r: local max X, global max G, max after normalisation Y",
        );
        lines.forEach((m, r) => {
          const [local, g, after] = [Number(m[2]), Number(m[3]), Number(m[4])];
          expect(
            close(local, locals[r]),
            `rank ${r}: local max ${local} (--rows ${rows} --cols ${cols} --seed ${seed})`,
            `${locals[r]}`,
          );
          expect(
            close(g, global),
            `rank ${r}: global max ${g}`,
            `${global}`,
            "every rank must know the global maximum: allreduce with mpi.MAX",
          );
          expect(
            after <= 1 && close(after, locals[r] / global),
            `rank ${r}: max after normalisation ${after}`,
            `${locals[r] / global} (its local max / the global max)`,
          );
        });
        const owner = locals.indexOf(global);
        expect(
          Number(lines[owner][4]) === 1,
          `rank ${owner} (which holds the global max) ends with max ${lines[owner][4]}`,
          "exactly 1",
        );
        return [run, `global max ${global}`];
      },
      (run) => expectCollective(run, /^i?allreduce/, "allreduce", "MAX"),
    );
  },
};
