// Grader for exercise 10.3 (token ring, any N): for each N (1..16 by default, --np to choose) runs the
// program under tsrun with a trace and checks the behaviour — every rank r > 0 prints "rank r received
// token T from rank r-1" with T = 0+1+…+(r-1), and rank 0 prints "token back with N(N-1)/2" — then the
// structure: exactly N messages r → r+1 (mod N), each rank forwarding only after it received.
import { expect, fail, programOf, type Grader } from "../lib/grader.ts";
import { expectSuccess, withRunReport, matching, noLineMatched, runMpi, traceOf, type MpiRun } from "./lib/mpirun.ts";
import { edgesText, firstIndex, userMessages } from "./lib/trace.ts";

const triangle = (n: number) => (n * (n - 1)) / 2;

/** The token's values as each rank printed them (shared with the one-sided ring, 13.2). */
export function checkTokenValues(run: MpiRun): string {
  const n = run.np;
  const received = matching(run, /^rank (\d+) received token (-?\d+) from rank (\d+)/);
  for (let r = 1; r < n; r++) {
    const mine = received.filter((m) => Number(m[1]) === r);
    if (mine.length === 0 && run.byRank[r]?.length)
      noLineMatched(
        run,
        r,
        `rank ${r} received token T from rank ${r - 1}`,
        "print exactly this line when the token arrives",
      );
    if (mine.length === 0)
      fail(
        `rank ${r} never received the token (${run.command})`,
        `"rank ${r} received token ${triangle(r)} from rank ${r - 1}"`,
        "every rank must be on the ring: rank k receives from k-1 and sends to (k+1) mod N",
      );
    if (mine.length > 1)
      fail(`rank ${r} received the token ${mine.length} times`, "once", "the token goes round exactly once");
    const [, , token, from] = mine[0].map(Number);
    expect(from === r - 1, `rank ${r} received the token from rank ${from}`, `from rank ${r - 1}, its left neighbour`);
    expect(
      token === triangle(r),
      `rank ${r} received token ${token}`,
      `${triangle(r)} (${r <= 2 ? Array.from({ length: r }, (_, k) => k).join("+") : `0+1+…+${r - 1}`}: each rank adds its rank before passing it on)`,
      "a different value means the token skipped or repeated a rank",
    );
  }
  const back = matching(run, /^rank 0: token back with (-?\d+)/);
  if (back.length === 0 && run.byRank[0]?.length)
    noLineMatched(run, 0, "rank 0: token back with T", "rank 0 prints this when the token comes back from rank N-1");
  if (back.length !== 1)
    fail(
      `${back.length} "rank 0: token back with …" lines`,
      "exactly one",
      "rank 0 must receive the token from rank N-1 and print it",
    );
  expect(Number(back[0][1]) === triangle(n), `the token came back with ${back[0][1]}`, `${triangle(n)}`);
  return `token back with ${triangle(n)}`;
}

function checkRingStructure(run: MpiRun): string {
  const n = run.np;
  const trace = traceOf(run);
  const messages = userMessages(trace);
  const wrong = messages.filter((m) => m.dest !== (m.source + 1) % n);
  if (wrong.length)
    fail(`messages ${edgesText(wrong)}`, `only r → (r+1) mod ${n}`, "each rank sends to its right neighbour only");
  expect(
    messages.length === n,
    `${messages.length} messages (${edgesText(messages)})`,
    `${n}, one per hop`,
    "the token goes round once",
  );
  for (let r = 1; r < n; r++) {
    const recvAt = firstIndex(trace, r, (e) => e.kind === "recv" && e.ctx === 0);
    const sendAt = firstIndex(trace, r, (e) => e.kind === "send" && e.ctx === 0);
    expect(
      sendAt > recvAt,
      `rank ${r} sent before it received`,
      "each rank forwards the token after receiving it",
      "receive from the left, then send to the right",
    );
  }
  return `${n} message${n > 1 ? "s" : ""}, ${edgesText(messages, 4)}`;
}

export const ringGrader: Grader = {
  id: "10.3",
  title: "token ring 0 → 1 → … → N-1 → 0 for any N",
  reference: "exercises/mpi/ring.ts",
  async run(checker, options) {
    const program = programOf(this, options);
    for (const n of options.np ?? Array.from({ length: 16 }, (_, i) => i + 1)) {
      let run = null as MpiRun | null; // set inside the check
      await checker.check(
        `N=${n}: the token visits every rank in order and comes back with ${triangle(n)}`,
        async () => {
          run = await runMpi(program, n, { trace: true });
          if (!run.lines.length) expectSuccess(run); // nothing printed: the exit says why
          const values = withRunReport(run, () => checkTokenValues(run!)); // wrong values say more than an exit code
          expectSuccess(run);
          return values;
        },
      );
      if (run && run!.code === 0)
        await checker.check(
          `N=${n}: ${n} message${n > 1 ? "s" : ""} r → r+1, each sent after the token arrived (trace)`,
          () => checkRingStructure(run!),
        );
    }
  },
};
