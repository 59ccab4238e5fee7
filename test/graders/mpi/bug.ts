// Grader for exercise 9.5 (the bug: pairs exchange 1000 int32 and nobody receives). It shows what tsrun
// reports for the buggy exercises/mpi/bug.ts (the job must be stopped, with every rank named as blocked
// in its send: the deadlock report, or with --timeout what each rank was doing), then grades the fix
// (bug-fixed.ts, or --program) for N = 2, 4, 5: each rank r with a partner p (0↔1, 2↔3, …) prints
// "rank r received 1000 int32 from rank p: F S … L (sum X)" where F = p*1000 … L = p*1000+999, and the
// trace shows one 4000-byte message each way between partners.
import { expect, fail, type Grader } from "../lib/grader.ts";
import { projectRoot } from "../lib/run.ts";
import * as path from "node:path";
import { expectSuccess, matching, runMpi, traceOf, type MpiRun } from "./lib/mpirun.ts";
import { userMessages } from "./lib/trace.ts";

const partnerOf = (r: number) => (r % 2 ? r - 1 : r + 1);

function checkHoldsPartnersArray(run: MpiRun): string {
  const lines = matching(
    run,
    /^rank (\d+) received (\d+) int32 from rank (\d+): (-?\d+) (?:-?\d+ )?… (-?\d+) \(sum (-?\d+)\)/,
  );
  for (let r = 0; r < run.np; r++) {
    const p = partnerOf(r);
    if (p >= run.np) continue;
    const mine = lines.filter((m) => Number(m[1]) === r);
    if (mine.length !== 1)
      fail(
        `rank ${r} printed ${mine.length} "received" lines (${run.command})`,
        "exactly one",
        "each rank of a pair must receive its partner's array",
      );
    const [, , count, from, first, last, sum] = mine[0].map(Number);
    expect(
      from === p,
      `rank ${r} received from rank ${from}`,
      `from rank ${p}, its partner`,
      "partners are 0↔1, 2↔3, …: rank % 2 ? rank - 1 : rank + 1",
    );
    expect(count === 1000, `rank ${r} received ${count} int32`, "1000");
    const want = { first: p * 1000, last: p * 1000 + 999, sum: 1000 * p * 1000 + 499500 };
    expect(
      first === want.first && last === want.last && sum === want.sum,
      `rank ${r} holds ${first} … ${last} (sum ${sum})`,
      `rank ${p}'s array ${want.first} … ${want.last} (sum ${want.sum})`,
      "rank p's array holds p*1000 + i",
    );
  }
  return `${run.np - (run.np % 2)} ranks hold their partner's array`;
}

function checkOneMessageEachWay(run: MpiRun): string {
  const messages = userMessages(traceOf(run));
  for (let r = 0; r < run.np; r++) {
    const p = partnerOf(r);
    if (p >= run.np) continue;
    const sent = messages.filter((m) => m.source === r);
    expect(
      sent.length === 1 && sent[0].dest === p,
      `rank ${r} sent ${sent.length} message(s) to ${sent.map((m) => m.dest).join(", ") || "nobody"}`,
      `one message to rank ${p}`,
    );
    expect(sent[0].size >= 4000, `rank ${r}'s message holds ${sent[0].size} B`, "at least 4000 B (1000 int32)");
    expect(sent[0].recvAt >= 0, `rank ${r}'s message was never received`, `rank ${p} to receive it`);
  }
  return "one message of 1000 int32 each way per pair";
}

export const bugGrader: Grader = {
  id: "9.5",
  title: "the bug: blocking sends nobody receives, and the fix (--program grades the fix)",
  reference: ["exercises/mpi/bug.ts", "exercises/mpi/bug-fixed.ts"],
  async run(checker, options) {
    const out = options.out ?? ((line: string) => console.log(line));
    const buggy = path.join(projectRoot, "exercises/mpi/bug.ts");
    const fixed = options.program ?? "exercises/mpi/bug-fixed.ts";
    await checker.check("bug.ts at N=2: tsrun stops the job and says each rank waits in its send", async () => {
      const run = await runMpi(buggy, 2, { timeoutS: 10 });
      expect(
        run.code !== 0 && !run.timedOut,
        `the job ended with code ${run.code}${run.timedOut ? " (hang guard)" : ""}`,
        "tsrun to stop it with a non-zero code",
      );
      const report = run.stderr
        .trim()
        .split("\n")
        .filter((l) => l.trim());
      for (const line of report) out(`    | ${line}`);
      for (const r of [0, 1]) {
        expect(
          report.some((l) => new RegExp(`rank ${r}\\b.*send`).test(l)),
          `the report does not say where rank ${r} is blocked`,
          `a line naming rank ${r} and its send`,
        );
      }
      return /deadlock/i.test(run.stderr) ? "deadlock reported" : "reported at --timeout";
    });
    for (const n of options.np ?? [2, 4, 5]) {
      let run = null as MpiRun | null; // set inside the check
      await checker.check(`fix at N=${n}: completes, each rank holds its partner's 1000 int32`, async () => {
        run = await runMpi(fixed, n, { trace: true, timeoutS: 30 });
        expectSuccess(run);
        return checkHoldsPartnersArray(run);
      });
      if (run && run.code === 0)
        await checker.check(`fix at N=${n}: one message each way between partners (trace)`, () =>
          checkOneMessageEachWay(run!),
        );
    }
  },
};
