// Grader S0 (salad, seeds 000 and 002): the sequential salad. Runs the program with a small time scale and
// checks every fruit of the handout's salad is prepared exactly once, one after the other (≈ 26 units).
import { fail, programOf, type Grader } from "../lib/grader.ts";
import {
  HANDOUT_SALAD,
  HANDOUT_UNITS,
  checkEveryFruitOnce,
  parsePrepared,
  resolveProgram,
  type Prepared,
} from "./lib/oracle.ts";
import { withProcesses } from "./lib/proc.ts";

const SCALE = 0.05;

/** The handout's salad as the oracle for S0 itself (the other graders run the reference seq.ts). */
function handoutSalad(): Prepared[] {
  return Object.entries(HANDOUT_SALAD).flatMap(([fruit, { count }]) =>
    Array.from({ length: count }, (_, k) => ({ id: -1 - k, fruit, worker: "seq" })),
  );
}

export const s0: Grader = {
  id: "S0",
  title: "sequential salad (the oracle): every fruit once, 26 time units",
  reference: "exercises/salad/seq.ts",
  async run(checker, options) {
    const program = resolveProgram(programOf(this, options));
    await withProcesses(async (procs) => {
      const seq = procs.start("seq", program, ["--time-scale", String(SCALE)]);
      let ok = await checker.check("runs to the end and exits 0", async () => {
        const exit = await seq.finished(60_000);
        if (exit.code !== 0) fail(seq.describe(), "exit code 0");
        return `${seq.lines().length} lines`;
      });
      if (!ok) return;
      const prepared = parsePrepared(seq.lines());
      await checker.check("every fruit of the salad prepared exactly once", () =>
        checkEveryFruitOnce(
          prepared,
          handoutSalad(),
          "Print `PREPARED <id> <fruit> by <worker>` once per fruit of the handout's list",
        ),
      );
      ok = await checker.check("prints the preparation time in time units (TOTAL)", () => {
        const total = seq.lines(/^TOTAL /)[0];
        if (!total || !Number.isFinite(Number(total.split(" ")[1])))
          fail(`no \`TOTAL <units>\` line`, "one line `TOTAL <units>`");
        return total;
      });
      if (!ok) return;
      await checker.check(`takes the sequential time, ≈ ${HANDOUT_UNITS} time units`, () => {
        const units = Number(seq.lines(/^TOTAL /)[0].split(" ")[1]);
        // below: a fruit skipped its preparation time; far above: a fruit prepared twice or the scale ignored
        if (units < HANDOUT_UNITS - 1)
          fail(
            `${units} units`,
            `≥ ${HANDOUT_UNITS - 1}`,
            "Each fruit takes its time: wait units × --time-scale seconds",
          );
        if (units > HANDOUT_UNITS * 2.5)
          fail(
            `${units} units`,
            `≈ ${HANDOUT_UNITS} (at most ${HANDOUT_UNITS * 2.5})`,
            "Is --time-scale applied to every wait?",
          );
        return `${units} units`;
      });
    });
  },
};
