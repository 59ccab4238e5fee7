// Graders for exercises 12.1 (an int32 array exchanged as count 1 of a contiguous type) and 12.2 (the
// first column of an M×N matrix, element by element with tag 1, then as one vector-type item with
// tag 2). Both run at N=2 with a trace and random sizes (--count K; --rows M --cols N, M ≠ N) and check
// the values each rank prints against its partner's (formulas in the exercises' headers), the messages
// in the trace (12.1: one of 4K bytes each way; 12.2: M messages of 4 B then one of 4M B each way), and
// that the program builds the derived type the exercise is about.
import * as fs from "node:fs";
import { expect, fail, programOf, type Grader } from "../lib/grader.ts";
import { expectSuccess, perRank, runMpi, traceOf, type MpiRun } from "./lib/mpirun.ts";
import { userMessages } from "./lib/trace.ts";

const list = (text: string) => text.split(",").map((v) => Number(v.trim()));
const between = (run: MpiRun, from: number, to: number, tag?: number) =>
  userMessages(traceOf(run)).filter((m) => m.source === from && m.dest === to && (tag === undefined || m.tag === tag));

/** The program's code without its comments (a hint in a comment must not pass a check on the code). */
export function codeOf(program: string): string {
  return fs
    .readFileSync(program, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/** Fails unless the program's code calls mpi.Datatype.<name>(…): the exercise is about building that type. */
export function usesConstructor(
  program: string,
  name: string,
  why = "this exercise is about building that type",
): string {
  expect(
    new RegExp(`Datatype\\.${name}\\s*\\(`).test(codeOf(program)),
    `no call to mpi.Datatype.${name} in ${program}`,
    `a ${name} derived datatype`,
    why,
  );
  return `Datatype.${name} called`;
}

function checkContiguousValues(run: MpiRun, K: number): string {
  const lines = perRank(
    run,
    /^rank (\d+) received 1 item of contiguous\((\d+), INT32\) from rank (\d+): \[([^\]]*)\]/,
    "rank r received 1 item of contiguous(K, INT32) from rank p: [...]",
    2,
  );
  for (const r of [0, 1]) {
    const p = 1 - r;
    const got = list(lines[r][4]);
    const want = Array.from({ length: K }, (_, i) => (p + 1) * 1000 + i);
    expect(
      got.length === K && got.every((v, i) => v === want[i]),
      `rank ${r} holds [${got.slice(0, 4).join(",")}${got.length > 4 ? ",…" : ""}] (${got.length} values)`,
      `rank ${p}'s ${K} values [${want.slice(0, 4).join(",")},…]`,
    );
  }
  return `each rank holds its partner's ${K} values`;
}

function checkContiguousMessages(run: MpiRun, K: number): string {
  for (const r of [0, 1]) {
    const p = 1 - r;
    const msgs = between(run, r, p);
    expect(
      msgs.length === 1,
      `${msgs.length} messages from rank ${r} to rank ${p}`,
      "1: the whole array as one item of the contiguous type",
    );
    expect(msgs[0].size === 4 * K, `a message of ${msgs[0].size} B`, `${4 * K} B (${K} int32)`);
  }
  return `one message of ${4 * K} B each way`;
}

function checkVectorValues(run: MpiRun, M: number): string {
  const byElement = perRank(
    run,
    /^rank (\d+) element-wise: .*column \[([^\]]*)\]/,
    "rank r element-wise: … column [...]",
    2,
  );
  const byVector = perRank(
    run,
    /^rank (\d+) vector type: .*column \[([^\]]*)\]/,
    "rank r vector type: … column [...]",
    2,
  );
  for (const r of [0, 1]) {
    const p = 1 - r;
    const want = Array.from({ length: M }, (_, i) => (p + 2) * 10000 + 100 * i);
    for (const [how, m] of [
      ["element by element", byElement[r]],
      ["with the vector type", byVector[r]],
    ] as const) {
      const got = list(m[2]);
      expect(
        got.length === M && got.every((v, i) => v === want[i]),
        `rank ${r} received [${got.join(",")}] ${how}`,
        `[${want.join(",")}], the first column of rank ${p}'s matrix`,
        "element (i, j) of a row-major M×N matrix is at i*N + j: the stride is N",
      );
    }
  }
  return "the same column both ways";
}

function checkVectorMessages(run: MpiRun, M: number): string {
  for (const r of [0, 1]) {
    const p = 1 - r;
    const single = between(run, r, p, 1);
    expect(
      single.length === M && single.every((m) => m.size === 4),
      `${single.length} tag-1 messages from rank ${r} (${single.map((m) => m.size).join(", ")} B)`,
      `${M} messages of 4 B (one per row)`,
    );
    const vector = between(run, r, p, 2);
    expect(
      vector.length === 1,
      `${vector.length} tag-2 messages from rank ${r} to rank ${p}`,
      "1: the whole column as one item of vector(M, 1, N, INT32)",
    );
    expect(
      vector[0].size === 4 * M,
      `the vector-type message holds ${vector[0].size} B`,
      `${4 * M} B (M int32, no gaps)`,
    );
  }
  return `element-wise ${M} messages of 4 B, vector type 1 message of ${4 * M} B, each way`;
}

export const contiguousGrader: Grader = {
  id: "12.1",
  title: "exchange an int32 array as count 1 of a contiguous derived type",
  reference: "exercises/mpi/type-contiguous.ts",
  async run(checker, options) {
    const program = programOf(this, options);
    await checker.check("the program builds a contiguous type", () => usesConstructor(program, "contiguous"));
    for (const n of options.np ?? [2]) {
      const K = 5 + Math.floor(Math.random() * 40);
      let run = null as MpiRun | null; // set inside the check
      await checker.check(`N=${n}, --count ${K}: each rank holds its partner's array`, async () => {
        run = await runMpi(program, n, { args: ["--count", K], trace: true, timeoutS: 30 });
        expectSuccess(run);
        return checkContiguousValues(run, K);
      });
      if (run && run!.code === 0)
        await checker.check(`N=${n}, --count ${K}: one message each way (trace)`, () =>
          checkContiguousMessages(run!, K),
        );
    }
  },
};

export const vectorGrader: Grader = {
  id: "12.2",
  title: "first column of an M×N matrix: element by element vs one vector-type item",
  reference: "exercises/mpi/type-vector.ts",
  async run(checker, options) {
    const program = programOf(this, options);
    await checker.check("the program builds a vector type", () => usesConstructor(program, "vector"));
    for (const n of options.np ?? [2]) {
      const M = 3 + Math.floor(Math.random() * 6);
      const N = M + 1 + Math.floor(Math.random() * 4); // N ≠ M, so a wrong stride shows
      let run = null as MpiRun | null; // set inside the check
      await checker.check(`N=${n}, ${M}×${N} matrices: same column both ways`, async () => {
        run = await runMpi(program, n, { args: ["--rows", M, "--cols", N], trace: true, timeoutS: 30 });
        expectSuccess(run);
        if (n < 2) fail(`N=${n}`, "N ≥ 2");
        return checkVectorValues(run, M);
      });
      if (run && run!.code === 0 && n >= 2)
        await checker.check(`N=${n}, ${M}×${N} matrices: ${M} messages vs 1 (trace)`, () =>
          checkVectorMessages(run!, M),
        );
    }
  },
};
