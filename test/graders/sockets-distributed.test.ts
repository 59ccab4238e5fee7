// Proves the distributed-algorithm socket graders (exercises 3, 6, 7, 8 and 8-ext of the lab book, part 1):
// each passes its reference solution and fails each broken variant in test/graders/fixtures/sockets/
// with the message a student would read. The graders start real processes on loopback ports.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { grade } from "./lib/grader.ts";
import { projectRoot } from "./lib/run.ts";
import { graders } from "./sockets/index.ts";

// hang guard per test (each grader stops its processes itself; the guard only bounds a regression)
const GUARD_MS = 150_000;
const fixture = (name: string) => path.join(projectRoot, "test/graders/fixtures/sockets", name);

async function gradeOutput(id: string, program?: string, np?: number[]) {
  const lines: string[] = [];
  const checker = await grade(
    graders.find((g) => g.id === id)!,
    { program, np, out: (l) => lines.push(l) },
  );
  return { checker, text: lines.join("\n") };
}

describe("socket graders, distributed algorithms", () => {
  it(
    "3 passes the reference mail servers and client (causal order with matrix clocks)",
    async () => {
      const { checker, text } = await gradeOutput("3");
      expect(checker.failed, text).toBe(0);
      expect(checker.passed).toBe(6);
    },
    GUARD_MS,
  );

  it(
    "3 fails a mail client that delivers in arrival order",
    async () => {
      const { text } = await gradeOutput("3", fixture("mail-client-arrival-order.ts"));
      expect(text).toMatch(
        /--- FAIL: Nabilla was shown \["MAIL from=brandon@sb\.org reply-from-brandon-\d+"\] before Afida's message arrived vs expected Brandon's reply held back/,
      );
      expect(text).toMatch(
        /--- FAIL: Nabilla's delivery order .* vs expected Afida's message, then Brandon's reply \(causal order\)/,
      );
    },
    GUARD_MS,
  );

  it(
    "6 passes the reference election at N = 3 and 12",
    async () => {
      const { checker, text } = await gradeOutput("6", undefined, [3, 12]);
      expect(checker.failed, text).toBe(0);
      expect(checker.passed).toBe(2);
    },
    GUARD_MS,
  );

  it(
    "6 fails an election that elects two leaders",
    async () => {
      const { text } = await gradeOutput("6", fixture("election-two-leaders.ts"), [6]);
      expect(text).toMatch(
        /--- FAIL: leaders announced: \d+, \d+.* vs expected exactly one leader, \d+ \(the greatest id\)/,
      );
    },
    GUARD_MS,
  );

  it(
    "7 passes the reference failure detectors",
    async () => {
      const { checker, text } = await gradeOutput("7");
      expect(checker.failed, text).toBe(0);
      expect(checker.passed).toBe(6);
    },
    GUARD_MS,
  );

  it(
    "7 fails detectors that do not exchange their suspicions",
    async () => {
      const { text } = await gradeOutput("7", fixture("failure-detector-no-exchange.ts"));
      expect(text).toMatch(
        /--- FAIL: detector d2 did not print SUSPECT p1 within 3250 ms \(detector d1 did after \d+ ms\) vs expected both detectors/,
      );
    },
    GUARD_MS,
  );

  it(
    "7 fails detectors that suspect live processes",
    async () => {
      const { text } = await gradeOutput("7", fixture("failure-detector-trigger-happy.ts"));
      expect(text).toMatch(/--- FAIL: \d+ false suspicions? \(.*\) vs expected 0: p0 and p3 were never stopped/);
    },
    GUARD_MS,
  );

  it(
    "8 passes the reference blocking checkpoint",
    async () => {
      const { checker, text } = await gradeOutput("8");
      expect(checker.failed, text).toBe(0);
      expect(checker.passed).toBe(3);
      expect(text).toMatch(
        /every wave is a cut with empty channels.*\n--- PASS \(\d+ application messages before the cuts\)/,
      );
    },
    GUARD_MS,
  );

  it(
    "8 fails a checkpoint written at the first marker, before the channels are empty",
    async () => {
      const { text } = await gradeOutput("8", fixture("checkpoint-process-no-wait.ts"));
      expect(text).toMatch(
        /--- FAIL: wave \d, channel \d→\d: \d+ sent, \d+ received vs expected every message sent before the checkpoint received before it/,
      );
    },
    GUARD_MS,
  );

  it(
    "8-ext passes the reference Chandy-Lamport snapshot",
    async () => {
      const { checker, text } = await gradeOutput("8-ext");
      expect(checker.failed, text).toBe(0);
      expect(checker.passed).toBe(4);
    },
    GUARD_MS,
  );

  it(
    "8-ext fails a snapshot that forgets the channel states",
    async () => {
      const { text } = await gradeOutput("8-ext", fixture("snapshot-no-channels.ts"));
      expect(text).toMatch(/--- FAIL: snapshot \d: balances \d+ \+ in channels 0 = \d+ vs expected 400 \(4 × 100\)/);
      expect(text).toMatch(/--- FAIL: snapshot \d, channel \d→\d: \d+ sent, \d+ received \+ 0 recorded in the channel/);
    },
    GUARD_MS,
  );
});
