// Graders for exercises 11.4 (broadcast of an integer: star, binomial tree) and 11.5 (scatter of one
// integer per rank: linear, binomial tree, binary tree), written with send/recv only. For each N (1..16,
// a few by default) the program runs with a trace and a random --value or --seed; checks:
//  - behaviour: every rank prints the broadcast value ("rank r received V from rank p"), or its own item
//    of the root's array ("rank r received item X from rank p", "rank 0 kept item X"), recomputed here;
//  - structure (trace): no collective; N-1 messages, each rank but the root receives exactly one and only
//    forwards after it has received; then per algorithm: star/linear — every message from the root;
//    binomial — ceil(log2 N) rounds (one send per rank per round); binary — at most 2 children per rank
//    and the least height a binary tree of N ranks can have, floor(log2 N).
import { expect, fail, programOf, type Grader } from "../lib/grader.ts";
import { expectSuccess, matching, noLineMatched, randomSeed, runMpi, traceOf, type MpiRun } from "./lib/mpirun.ts";
import { scatterItems } from "./lib/oracle.ts";
import {
  collectiveNames,
  edgesText,
  firstIndex,
  log2ceil,
  messageRounds,
  userMessages,
  type Message,
} from "./lib/trace.ts";

type Shape = "star" | "binomial" | "binary";
type Kind = "bcast" | "scatter";

/** What rank r printed, for a message. */
function linesOf(run: MpiRun, r: number): string {
  const mine = run.lines.filter((l) => l.startsWith(`rank ${r} `));
  return mine.length ? `; it printed ${mine.map((l) => `"${l}"`).join(", ")}` : "";
}

/** The value each rank must end with, for this run. */
function expectedValues(kind: Kind, n: number, seed: number): number[] {
  return kind === "bcast" ? new Array(n).fill(seed) : scatterItems(seed, n);
}

function checkValues(run: MpiRun, kind: Kind, want: number[]): string {
  const pattern =
    kind === "bcast"
      ? /^rank (\d+) received (-?\d+) from rank (\d+)/
      : /^rank (\d+) received item (-?\d+) from rank (\d+)/;
  const got = matching(run, pattern);
  for (let r = 1; r < run.np; r++) {
    const mine = got.filter((m) => Number(m[1]) === r);
    if (mine.length === 0 && run.byRank[r]?.length)
      noLineMatched(
        run,
        r,
        `rank ${r} received ${kind === "scatter" ? "item X" : "V"} from rank P`,
        "every rank but the root prints this line once",
      );
    if (mine.length !== 1)
      fail(
        `rank ${r} printed ${mine.length} "received" lines (${run.command}${linesOf(run, r)})`,
        `one: "rank ${r} received ${kind === "scatter" ? "item " : ""}${want[r]} from rank P"`,
        "every rank but the root must receive exactly once",
      );
    expect(
      Number(mine[0][2]) === want[r],
      `rank ${r} received ${mine[0][2]}`,
      `${want[r]}${kind === "scatter" ? ` (item ${r} of the root's array)` : " (the root's value)"}`,
      kind === "scatter"
        ? "each rank must get its own item: check which part of the array each subtree receives"
        : "forward the value you received, unchanged",
    );
  }
  if (kind === "scatter") {
    const kept = matching(run, /^rank 0 kept item (-?\d+)/);
    expect(
      kept.length === 1 && Number(kept[0][1]) === want[0],
      `rank 0 ${kept.length ? `kept item ${kept[0][1]}` : 'printed no "kept item" line'}`,
      `"rank 0 kept item ${want[0]}"`,
    );
  }
  return `${run.np} ${run.np > 1 ? "ranks hold" : "rank holds"} ${kind === "bcast" ? want[0] : "their items"}`;
}

/** Parent of every rank, from the trace (the sender of the one message it received). */
function treeOf(n: number, messages: Message[]): number[] {
  const parent = new Array<number>(n).fill(-1);
  for (let r = 1; r < n; r++) {
    const got = messages.filter((m) => m.dest === r);
    if (got.length !== 1)
      fail(
        `rank ${r} received ${got.length} messages${got.length ? ` (from ${got.map((m) => m.source).join(", ")})` : ""}`,
        "exactly one",
        "in a tree each rank receives the data once, from its parent",
      );
    parent[r] = got[0].source;
  }
  const toRoot = messages.filter((m) => m.dest === 0);
  if (toRoot.length)
    fail(
      `the root received ${toRoot.length} message(s) (from ${toRoot.map((m) => m.source).join(", ")})`,
      "none",
      "the root already has the data",
    );
  return parent;
}

function depthOf(parent: number[], r: number): number {
  let d = 0;
  for (let at = r; at !== 0; at = parent[at])
    if (++d > parent.length) fail(`a cycle through rank ${r}`, "a tree rooted at 0");
  return d;
}

function checkStructure(run: MpiRun, shape: Shape, kind: Kind): string {
  const n = run.np;
  const trace = traceOf(run);
  const collectives = collectiveNames(trace).flat();
  expect(
    collectives.length === 0,
    `the program called ${[...new Set(collectives)].join(", ")}`,
    "send and recv only",
    `this exercise implements the ${kind} itself`,
  );
  const messages = userMessages(trace);
  const parent = treeOf(n, messages);
  expect(
    messages.length === n - 1,
    `${messages.length} messages (${edgesText(messages)})`,
    `${n - 1}, one per rank but the root`,
  );
  for (let r = 1; r < n; r++) {
    const recvAt = firstIndex(trace, r, (e) => e.kind === "recv" && e.ctx === 0);
    const sendAt = firstIndex(trace, r, (e) => e.kind === "send" && e.ctx === 0);
    expect(
      sendAt > recvAt,
      `rank ${r} sent before it had received`,
      "no rank sends before it received",
      "a rank can only forward what it holds",
    );
  }
  if (n <= 1) return "no message";
  if (shape === "star") {
    const relayed = messages.filter((m) => m.source !== 0);
    expect(
      relayed.length === 0,
      `rank ${relayed[0]?.dest} received from rank ${relayed[0]?.source}`,
      "every message sent by the root",
      `the ${kind === "bcast" ? "star" : "linear"} algorithm has the root send to each rank itself`,
    );
    return `${n - 1} messages, all from the root`;
  }
  if (shape === "binomial") {
    const rounds = Math.max(...messageRounds(trace, messages).values());
    expect(
      rounds === log2ceil(n),
      `the ${kind === "bcast" ? "broadcast" : "scatter"} took ${rounds} rounds`,
      `${log2ceil(n)} (ceil(log2 ${n})) for a binomial tree`,
      rounds > log2ceil(n)
        ? "each rank that holds the data must send at each round, and the root must start with the farthest subtree"
        : "",
    );
    return `${rounds} rounds, ${n - 1} messages`;
  }
  const children = Array.from({ length: n }, (_, r) => parent.flatMap((p, c) => (p === r ? [c] : [])));
  const wide = children.findIndex((c) => c.length > 2);
  expect(
    wide < 0,
    `rank ${wide} sent to ${children[wide]?.length} ranks (${children[wide]?.join(", ")})`,
    "at most 2 children per rank in a binary tree",
  );
  const height = Math.max(...parent.map((_, r) => depthOf(parent, r)));
  expect(
    height === Math.floor(Math.log2(n)),
    `the tree is ${height} levels deep`,
    `${Math.floor(Math.log2(n))}, a complete binary tree (children of r: 2r+1, 2r+2)`,
  );
  return `binary tree of height ${height}`;
}

function treeGrader(id: string, kind: Kind, shape: Shape, file: string, title: string): Grader {
  return {
    id,
    title,
    reference: `exercises/mpi/${file}`,
    async run(checker, options) {
      const program = programOf(this, options);
      for (const n of options.np ?? [1, 2, 3, 4, 5, 7, 8, 12, 16]) {
        const seed = randomSeed();
        const arg = kind === "bcast" ? "--value" : "--seed";
        let run = null as MpiRun | null; // set inside the check
        const what =
          kind === "bcast"
            ? `every rank gets the value (${arg} ${seed})`
            : `every rank gets its own item (${arg} ${seed})`;
        await checker.check(`N=${n}: ${what}`, async () => {
          run = await runMpi(program, n, { args: [arg, seed], trace: true, timeoutS: 30 });
          expectSuccess(run);
          return checkValues(run, kind, expectedValues(kind, n, seed));
        });
        const shapeText =
          shape === "star"
            ? "every message from the root"
            : shape === "binomial"
              ? `${log2ceil(n)} rounds`
              : "a binary tree";
        if (run && run!.code === 0)
          await checker.check(`N=${n}: send/recv only, ${Math.max(0, n - 1)} messages, ${shapeText} (trace)`, () =>
            checkStructure(run!, shape, kind),
          );
      }
    },
  };
}

export const bcastStarGrader = treeGrader(
  "11.4-star",
  "bcast",
  "star",
  "bcast-star.ts",
  "broadcast of an integer with send/recv: star (11.4 question 1)",
);
export const bcastBinomialGrader = treeGrader(
  "11.4-binomial",
  "bcast",
  "binomial",
  "bcast-binomial.ts",
  "broadcast of an integer with send/recv: binomial tree (11.4 question 2)",
);
export const scatterLinearGrader = treeGrader(
  "11.5-linear",
  "scatter",
  "star",
  "scatter-linear.ts",
  "scatter with send/recv: linear (11.5 question 1)",
);
export const scatterBinomialGrader = treeGrader(
  "11.5-binomial",
  "scatter",
  "binomial",
  "scatter-binomial.ts",
  "scatter with send/recv: binomial tree (11.5 question 2)",
);
export const scatterBinaryGrader = treeGrader(
  "11.5-binary",
  "scatter",
  "binary",
  "scatter-binary.ts",
  "scatter with send/recv: binary tree (11.5 question 3)",
);
