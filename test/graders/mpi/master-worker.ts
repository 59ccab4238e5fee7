// Graders for exercises 12.4 (static master/worker with scatter/gather) and 12.5 (dynamic master/worker in
// pull mode). Both run with random --tasks and --seed and check that the master printed "task t: result
// v (rank|worker w)" for every task exactly once, with v the oracle's sum of task t's array.
// 12.4: the trace shows a scatter and a gather, and the master's "rank r computed k tasks" agrees.
// 12.5: the grader makes worker 1 slow (--slow-rank 1 --slow-ms 1000, fast tasks --work-ms 10: a 100×
// gap, so on a loaded 2-core machine the fast workers still finish every other task before the slow one
// returns its first) and checks that it did fewer tasks than every other worker; the trace shows pull
// mode: the master sends each worker a message only in answer to a request received from it.
import { expect, fail, programOf, type Grader } from "../lib/grader.ts";
import { expectSuccess, matching, randomSeed, runMpi, traceOf, type MpiRun } from "./lib/mpirun.ts";
import { taskResult } from "./lib/oracle.ts";
import { collectiveNames } from "./lib/trace.ts";

/** Checks every task's result once; returns the number of tasks each rank/worker did, by rank. */
function checkResults(run: MpiRun, tasks: number, seed: number): Map<number, number> {
  const lines = matching(run, /^task (\d+): result (-?\d+) \((?:rank|worker) (\d+)\)/);
  const doneBy = new Map<number, number>();
  for (let t = 0; t < tasks; t++) {
    const mine = lines.filter((m) => Number(m[1]) === t);
    if (mine.length === 0)
      fail(
        `task ${t} never reported (${run.command})`,
        `"task ${t}: result … (worker W)"`,
        "every task must be handed out and its result collected",
      );
    if (mine.length > 1)
      fail(
        `task ${t} reported ${mine.length} times (by ${mine.map((m) => m[3]).join(", ")})`,
        "once",
        "each task is computed exactly once",
      );
    const want = taskResult(seed, t);
    expect(
      Number(mine[0][2]) === want,
      `task ${t}: result ${mine[0][2]} (--seed ${seed})`,
      `${want} (the sum of task ${t}'s array)`,
    );
    const by = Number(mine[0][3]);
    doneBy.set(by, (doneBy.get(by) ?? 0) + 1);
  }
  const stray = lines.filter((m) => Number(m[1]) >= tasks);
  expect(stray.length === 0, `a result for task ${stray[0]?.[1]}`, `tasks 0..${tasks - 1} only`);
  return doneBy;
}

function checkPull(run: MpiRun): string {
  const trace = traceOf(run);
  const master = trace.events[0].filter((e) => e.ctx === 0 && (e.kind === "send" || e.kind === "recv"));
  const unanswered = new Array<number>(run.np).fill(0);
  for (const e of master) {
    if (e.kind === "recv") unanswered[e.peer!]++;
    else if (unanswered[e.peer!] === 0)
      fail(
        `the master sent to worker ${e.peer} without a pending request from it`,
        "a message to a worker only in answer to its request",
        "pull mode: workers ask for work (at start and with each result), the master answers",
      );
    else unanswered[e.peer!]--;
  }
  for (let w = 1; w < run.np; w++) {
    const asked = master.filter((e) => e.kind === "recv" && e.peer === w).length;
    expect(asked > 0, `worker ${w} never sent a request`, "every worker to ask for work");
  }
  return "every message from the master answers a request";
}

export const staticGrader: Grader = {
  id: "12.4",
  title: "static master/worker: tasks split once with scatter, results collected with gather",
  reference: "exercises/mpi/master-worker-static.ts",
  async run(checker, options) {
    const program = programOf(this, options);
    for (const n of options.np ?? [1, 2, 4, 5]) {
      let tasks = 10 + Math.floor(Math.random() * 21);
      const seed = randomSeed();
      while (n > 2 && tasks % (n - 1) === 0) tasks++; // the workers never divide the tasks evenly
      let run = null as MpiRun | null; // set inside the check
      await checker.check(`N=${n}, --tasks ${tasks}: every task's result present, each computed once`, async () => {
        run = await runMpi(program, n, { args: ["--tasks", tasks, "--seed", seed], trace: true, timeoutS: 30 });
        expectSuccess(run);
        const doneBy = checkResults(run, tasks, seed);
        for (const m of matching(run, /^rank (\d+) computed (\d+) tasks/)) {
          const r = Number(m[1]);
          expect(
            Number(m[2]) === (doneBy.get(r) ?? 0),
            `rank ${r} says it computed ${m[2]} tasks`,
            `${doneBy.get(r) ?? 0}, as the results list`,
          );
        }
        return [...doneBy]
          .sort((a, b) => a[0] - b[0])
          .map(([r, k]) => `rank ${r}: ${k}`)
          .join(", ");
      });
      if (run && run!.code === 0) {
        await checker.check(`N=${n}: tasks go out with scatter and come back with gather (trace)`, () => {
          collectiveNames(traceOf(run!)).forEach((calls, r) => {
            expect(
              calls.some((c) => /^i?scatter/.test(c)) && calls.some((c) => /^i?gather/.test(c)),
              `rank ${r} called ${calls.join(", ") || "no collective"}`,
              "a scatter and a gather",
              "the static version distributes with collectives",
            );
          });
          return "scatter and gather on every rank";
        });
      }
    }
  },
};

export const dynamicGrader: Grader = {
  id: "12.5",
  title: "dynamic master/worker in pull mode: faster workers do more tasks",
  reference: "exercises/mpi/master-worker-dynamic.ts",
  async run(checker, options) {
    const program = programOf(this, options);
    for (const n of options.np ?? [3, 4]) {
      const [tasks, seed] = [12 + Math.floor(Math.random() * 9), randomSeed()];
      const slow = n > 2 ? ["--slow-rank", 1, "--slow-ms", 1000] : [];
      let run = null as MpiRun | null; // set inside the check
      let doneBy = new Map<number, number>();
      await checker.check(
        `N=${n}, --tasks ${tasks}${n > 2 ? ", worker 1 slowed to 1 s a task" : ""}: every task done exactly once`,
        async () => {
          run = await runMpi(program, n, {
            args: ["--tasks", tasks, "--seed", seed, "--work-ms", 10, ...slow],
            trace: true,
            timeoutS: 60,
          });
          expectSuccess(run);
          doneBy = checkResults(run, tasks, seed);
          expect(
            !doneBy.has(0),
            `the master (rank 0) computed ${doneBy.get(0)} tasks`,
            "none: rank 0 only hands out work",
          );
          return [...doneBy]
            .sort((a, b) => a[0] - b[0])
            .map(([w, k]) => `worker ${w}: ${k}`)
            .join(", ");
        },
      );
      if (!run || run!.code !== 0) continue;
      if (n > 2) {
        await checker.check(`N=${n}: the slow worker 1 did fewer tasks than each fast worker`, () => {
          const slowCount = doneBy.get(1) ?? 0;
          for (let w = 2; w < n; w++) {
            const count = doneBy.get(w) ?? 0;
            expect(
              slowCount < count,
              `worker 1 (slowed) did ${slowCount} tasks, worker ${w} did ${count}`,
              `fewer for worker 1`,
              "in pull mode a worker gets a new task only when it asks, so a slow worker asks less often; a fixed share per worker is the static version",
            );
          }
          return `worker 1 did ${slowCount}`;
        });
      }
      await checker.check(`N=${n}: the master only answers requests (pull mode, trace)`, () => checkPull(run!));
    }
  },
};
