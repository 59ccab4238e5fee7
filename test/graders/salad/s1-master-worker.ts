// Grader S1 (salad, seed 000 part 1): master/worker over tsmpi point-to-point, 1 master + 3 workers
// (tsrun -np 4). Checks every fruit is prepared exactly once (against the S0 oracle) and that the salad
// takes about a third of the sequential time: the program's TOTAL is compared with the reference seq.ts
// run at the same time scale, with a generous bound (the machine may be loaded; the ideal is 9 of 26 units).
import * as path from "node:path";
import { fail, programOf, type Grader } from "../lib/grader.ts";
import { projectRoot } from "../lib/run.ts";
import { HANDOUT_UNITS, checkEveryFruitOnce, parsePrepared, resolveProgram, saladOracle } from "./lib/oracle.ts";
import { withProcesses } from "./lib/proc.ts";
import { expectJobSuccess, startTsrun, totalUnits } from "./tsrun-job.ts";

/** Seconds per time unit: 2.6 s for the sequential salad, so a 3× speed-up stands out of a loaded machine's noise. */
const SCALE = "0.1";
const NP = 4;
const WORKERS = NP - 1;
/** The salad must take at most this share of the sequential time (ideal: 9/26 ≈ 0.35). */
const MAX_SHARE = 0.7;
/** Below this no 3 cooks can go: 26 units of work shared by 3 (a fruit's wait was skipped). */
const MIN_UNITS = HANDOUT_UNITS / WORKERS - 0.2;

export const s1: Grader = {
  id: "S1",
  title: "master/worker over tsmpi (1 master + 3 workers): every fruit once, about a third of the sequential time",
  reference: "exercises/salad/master-worker.ts",
  async run(checker, options) {
    const program = resolveProgram(programOf(this, options));
    const oracle = await saladOracle();
    await withProcesses(async (procs) => {
      const job = startTsrun(procs, program, NP, ["--time-scale", SCALE]);
      let ok = await checker.check(
        `runs under tsrun -np ${NP} (1 master + ${WORKERS} workers) and exits 0`,
        async () => {
          await expectJobSuccess(
            job,
            "Every worker must get an answer to each give_task (null when no task is left) so that all ranks reach finalize",
          );
          return job.command;
        },
      );
      if (!ok) return;
      await checker.check("every fruit prepared exactly once (same result as S0)", () =>
        checkEveryFruitOnce(
          parsePrepared(job.live.lines()),
          oracle,
          "give_task must take the task out of the tasks to do (pop) so that no other worker gets it",
        ),
      );
      let units = 0;
      ok = await checker.check("prints the preparation time in time units (TOTAL)", () => {
        units = totalUnits(job.live, job.command);
        return `${units} units at --time-scale ${SCALE}`;
      });
      if (!ok) return;
      const seq = procs.start("the reference seq.ts", path.join(projectRoot, "exercises/salad/seq.ts"), [
        "--time-scale",
        SCALE,
      ]);
      await checker.check(
        `${WORKERS} workers prepare the salad in about a third of the sequential time (at most ${MAX_SHARE} × S0's time)`,
        async () => {
          const exit = await seq.finished(60_000);
          if (exit.code !== 0)
            fail(
              `the oracle ${seq.describe()}`,
              "the reference seq.ts to run",
              "The project itself is broken: run exercises/salad/seq.ts by hand",
            );
          const sequential = totalUnits(seq, "seq.ts");
          const speedUp = (sequential / units).toFixed(2);
          if (units < MIN_UNITS) {
            fail(
              `${units} units with ${WORKERS} workers`,
              `at least ${MIN_UNITS.toFixed(1)} (${HANDOUT_UNITS} units of work shared by ${WORKERS} cooks)`,
              "Each fruit takes its time: prepare(task, scale) waits units × --time-scale seconds",
            );
          }
          if (units > sequential * MAX_SHARE) {
            fail(
              `${units} units with ${WORKERS} workers where S0 takes ${sequential} (speed-up ${speedUp})`,
              `at most ${(sequential * MAX_SHARE).toFixed(1)} units (speed-up ≥ ${(1 / MAX_SHARE).toFixed(2)}; ideal ≈ ${(HANDOUT_UNITS / 9).toFixed(1)})`,
              "The master must answer give_task at once, without waiting for another worker's result, so that the workers prepare fruit at the same time",
            );
          }
          return `${units} units vs ${sequential} sequential: speed-up ${speedUp}`;
        },
      );
    });
  },
};
