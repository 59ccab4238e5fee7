// Grader for exercise 12.3 (distributed transposition with gather then alltoall and derived types): for
// each P it runs the square case M = N = P and two sizes that P does not divide (2P+1 × P+2 and
// P+1 × 2P+1), and checks that rank 0 printed A's first column gathered ("rank 0: gathered A's first
// column [...]") and that the ranks together print every row of B = Aᵀ exactly once ("rank p: B row i =
// [...]"), with A(i, j) = 1000*i + j; then that the trace shows a gather and an alltoall (any variant), and
// that the program builds the vector and resized types the title names.
import { expect, fail, programOf, type Grader } from "../lib/grader.ts";
import { expectSuccess, matching, runMpi, single, traceOf, type MpiRun } from "./lib/mpirun.ts";
import { collectiveNames } from "./lib/trace.ts";
import { usesConstructor } from "./datatypes.ts";

const list = (text: string) => (text.trim() ? text.split(",").map((v) => Number(v.trim())) : []);
const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const preview = (a: number[]) => `[${a.slice(0, 5).join(",")}${a.length > 5 ? ",…" : ""}]`;
/** Where two lists first differ, for a message. */
function difference(got: number[], want: number[]): string {
  const i = got.findIndex((v, k) => v !== want[k]);
  if (i >= 0) return `; at index ${i}: ${got[i]} instead of ${want[i]}`;
  return got.length < want.length
    ? `; ${want.length - got.length} missing at the end`
    : `; ${got.length - want.length} too many`;
}

function checkTransposed(run: MpiRun, M: number, N: number): string {
  const gathered = list(
    single(run, /^rank 0: gathered A's first column \[([^\]]*)\]/, "rank 0: gathered A's first column [...]")[1],
  );
  const column = Array.from({ length: M }, (_, i) => 1000 * i);
  expect(
    same(gathered, column),
    `rank 0 gathered ${preview(gathered)} (${gathered.length} values${difference(gathered, column)})`,
    `${preview(column)} (A's ${M} first elements of rows)`,
    "each rank sends the first element of each of its rows; rank 0 receives them contiguously",
  );
  const rows = matching(run, /^rank (\d+): B row (\d+) = \[([^\]]*)\]/);
  for (let i = 0; i < N; i++) {
    const found = rows.filter((m) => Number(m[2]) === i);
    if (found.length !== 1)
      fail(
        `${found.length} ranks printed B row ${i} (${run.command})`,
        "exactly one",
        found.length
          ? ""
          : `rows of B are spread over the ranks; with N=${N} and P=${run.np}, each rank holds ceil(N/P) of them (the last may hold fewer)`,
      );
    const want = Array.from({ length: M }, (_, k) => 1000 * k + i);
    const got = list(found[0][3]);
    expect(
      same(got, want),
      `B row ${i} = ${preview(got)} (${got.length} values${difference(got, want)})`,
      `${preview(want)}, column ${i} of A`,
    );
  }
  const extra = rows.filter((m) => Number(m[2]) >= N);
  expect(extra.length === 0, `a B row ${extra[0]?.[2]}`, `rows 0..${N - 1} only (B is ${N}×${M})`);
  return `B = Aᵀ (${N}×${M})`;
}

function checkCollectives(run: MpiRun): string {
  const names = collectiveNames(traceOf(run));
  names.forEach((calls, r) => {
    expect(
      calls.some((c) => /^i?gather/.test(c)),
      `rank ${r} called ${calls.join(", ") || "no collective"}`,
      "a gather (question 2)",
    );
    expect(
      calls.some((c) => /^i?alltoall/.test(c)),
      `rank ${r} called ${calls.join(", ") || "no collective"}`,
      "an alltoall (question 3)",
    );
  });
  return "gather and alltoall on every rank";
}

export const transposeGrader: Grader = {
  id: "12.3",
  title: "distributed transposition: gather, then alltoall with vector/resized types, any M×N over P ranks",
  reference: "exercises/mpi/transpose.ts",
  async run(checker, options) {
    const program = programOf(this, options);
    await checker.check("the program builds vector and resized derived types", () => {
      const why =
        "the transposition sends columns of A and receives blocks of B as derived types (as 12.1 and 12.2 build)";
      return [usesConstructor(program, "vector", why), usesConstructor(program, "resized", why)].join(", ");
    });
    for (const P of options.np ?? [1, 2, 3, 4]) {
      const sizes: [number, number][] = [
        [P, P],
        [2 * P + 1, P + 2],
        [P + 1, 2 * P + 1],
      ];
      for (const [M, N] of sizes) {
        let run = null as MpiRun | null; // set inside the check
        await checker.check(`P=${P}, A ${M}×${N}: rank 0 gathers A's first column, the ranks hold B = Aᵀ`, async () => {
          run = await runMpi(program, P, { args: ["--rows", M, "--cols", N], trace: true, timeoutS: 30 });
          expectSuccess(run);
          return checkTransposed(run, M, N);
        });
        if (M === P && N === P && run && run!.code === 0)
          await checker.check(`P=${P}: a gather then an alltoall (trace)`, () => checkCollectives(run!));
      }
    }
  },
};
