// Grader for exercise 11.6 (all-to-all with point-to-point only): for each N runs the program with a
// trace; every rank prints "rank i sent [s0,…,sN-1] received [r0,…,rN-1]". Checks: all N² sent values
// distinct; rank i holds at index j exactly what rank j sent to i; the trace shows no collective and one
// message i → j for every pair i ≠ j (a message to oneself is allowed, a copy is too).
import { expect, fail, programOf, type Grader } from "../lib/grader.ts";
import { expectSuccess, perRank, runMpi, traceOf, type MpiRun } from "./lib/mpirun.ts";
import { collectiveNames, userMessages } from "./lib/trace.ts";

const list = (text: string) => (text.trim() ? text.split(",").map((v) => Number(v.trim())) : []);

function checkValues(run: MpiRun): string {
  const n = run.np;
  const lines = perRank(run, /^rank (\d+) sent \[([^\]]*)\] received \[([^\]]*)\]/, "rank i sent [...] received [...]");
  const sent = lines.map((m) => list(m[2]));
  const received = lines.map((m) => list(m[3]));
  for (let i = 0; i < n; i++) {
    expect(
      sent[i].length === n && received[i].length === n,
      `rank ${i} lists ${sent[i].length} sent and ${received[i].length} received values`,
      `${n} of each`,
    );
  }
  const all = sent.flat();
  expect(
    new Set(all).size === all.length,
    `sent values ${all.join(",")}`,
    "N² distinct integers",
    "each rank sends a different integer to each rank",
  );
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      expect(
        received[i][j] === sent[j][i],
        `rank ${i} holds ${received[i][j]} at index ${j}`,
        `${sent[j][i]}, the value rank ${j} sent to rank ${i}`,
        "index j of the result is what came from rank j: post irecv(source=j) into slot j",
      );
    }
  }
  return `${n}×${n} values in place`;
}

function checkMessages(run: MpiRun): string {
  const n = run.np;
  const trace = traceOf(run);
  const collectives = collectiveNames(trace).flat();
  expect(
    collectives.length === 0,
    `the program called ${[...new Set(collectives)].join(", ")}`,
    "point-to-point only",
    "this exercise implements alltoall itself",
  );
  const messages = userMessages(trace).filter((m) => m.source !== m.dest);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const count = messages.filter((m) => m.source === i && m.dest === j).length;
      if (count !== 1)
        fail(`${count} messages from rank ${i} to rank ${j}`, "exactly 1", "one integer per pair of ranks");
    }
  }
  return `${n * (n - 1)} messages between distinct ranks`;
}

export const alltoallGrader: Grader = {
  id: "11.6",
  title: "all-to-all of distinct integers with nonblocking point-to-point",
  reference: "exercises/mpi/alltoall-p2p.ts",
  async run(checker, options) {
    const program = programOf(this, options);
    for (const n of options.np ?? [1, 2, 4, 7]) {
      let run = null as MpiRun | null; // set inside the check
      await checker.check(`N=${n}: rank i holds from rank j what j sent to i`, async () => {
        run = await runMpi(program, n, { trace: true, timeoutS: 30 });
        expectSuccess(run);
        return checkValues(run);
      });
      if (run && run!.code === 0)
        await checker.check(`N=${n}: one message per pair of ranks, no collective (trace)`, () => checkMessages(run!));
    }
  },
};
