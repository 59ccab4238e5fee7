// Grader for exercise 10.2 question 3 (simultaneous exchange): for N = 2, 4, 5 runs the program with a
// trace and checks that each rank r with a partner p (0↔1, 2↔3, …) prints "rank r sent K int32 to rank p
// and received rank p's: F … L (intact)" with rank p's values (p*1e6 + i), and that the exchange really
// is simultaneous: each rank's send to its partner is posted before its receive completes (the trace's
// event order), which a ping-pong ordering (receive, then send) does not satisfy.
import { expect, fail, programOf, type Grader } from "../lib/grader.ts";
import { expectSuccess, matching, runMpi, traceOf, type MpiRun } from "./lib/mpirun.ts";
import { firstIndex } from "./lib/trace.ts";

const partnerOf = (r: number) => (r % 2 ? r - 1 : r + 1);

function checkReceived(run: MpiRun): string {
  const lines = matching(
    run,
    /^rank (\d+) sent (\d+) int32 to rank (\d+) and received rank (\d+)'s: (-?\d+) … (-?\d+) \((.*)\)/,
  );
  for (let r = 0; r < run.np; r++) {
    const p = partnerOf(r);
    if (p >= run.np) continue;
    const mine = lines.filter((m) => Number(m[1]) === r);
    if (mine.length !== 1)
      fail(`rank ${r} printed ${mine.length} "sent … and received" lines (${run.command})`, "exactly one");
    const [, , count, to, from, first, last] = mine[0].map(Number);
    expect(to === p && from === p, `rank ${r} exchanged with ranks ${to}/${from}`, `rank ${p}, its partner`);
    expect(
      first === p * 1e6 && last === p * 1e6 + count - 1,
      `rank ${r} holds ${first} … ${last}`,
      `${p * 1e6} … ${p * 1e6 + count - 1} (rank ${p}'s array)`,
    );
    expect(mine[0][7] === "intact", `rank ${r} says "${mine[0][7]}"`, `"intact"`);
  }
  return "every rank holds its partner's array";
}

function checkSimultaneous(run: MpiRun): string {
  const trace = traceOf(run);
  for (let r = 0; r < run.np; r++) {
    const p = partnerOf(r);
    if (p >= run.np) continue;
    const sendAt = firstIndex(trace, r, (e) => e.kind === "send" && e.ctx === 0 && e.peer === p);
    const recvAt = firstIndex(trace, r, (e) => e.kind === "recv" && e.ctx === 0 && e.peer === p);
    if (sendAt === Infinity) fail(`rank ${r} sent nothing to rank ${p}`, "one send to its partner");
    if (recvAt === Infinity) fail(`rank ${r} received nothing from rank ${p}`, "one receive from its partner");
    expect(
      sendAt < recvAt,
      `rank ${r} received rank ${p}'s array before it started sending its own`,
      "both sends posted before either receive completes",
      "post irecv and isend first, then wait for both (a receive before the send is a ping-pong, and deadlocks with blocking large messages)",
    );
  }
  return "each rank posted its send before its receive completed";
}

export const exchangeGrader: Grader = {
  id: "10.2-exchange",
  title: "simultaneous exchange between partners with isend/irecv (10.2 question 3)",
  reference: "exercises/mpi/exchange.ts",
  async run(checker, options) {
    const program = programOf(this, options);
    for (const n of options.np ?? [2, 4, 5]) {
      let run = null as MpiRun | null; // set inside the check
      await checker.check(`N=${n}: each rank holds its partner's array`, async () => {
        run = await runMpi(program, n, { trace: true, timeoutS: 30 });
        expectSuccess(run);
        return checkReceived(run);
      });
      if (run && run!.code === 0)
        await checker.check(`N=${n}: both sends are posted before the receives complete (trace)`, () =>
          checkSimultaneous(run!),
        );
    }
  },
};
