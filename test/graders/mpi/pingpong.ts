// Graders for exercises 10.1 (blocking ping-pong) and 10.2 questions 1–2 (the same with isend/irecv and
// wait): runs the program at N=2 with `--reps 5` and a trace, and checks the report — at least three
// sizes up to 64 KiB or more, each "size S B: latency L us, bandwidth B MB/s (payload intact)" with
// positive numbers — and the trace: only ranks 0 and 1 talk, and every ping is answered by a pong of
// the same size (the payload really goes back), and the latency reported for the largest size is half the
// round trip the trace shows (one way, not the whole trip). For 10.2 the program must call isend and irecv.
import * as fs from "node:fs";
import { expect, fail, programOf, type Grader, type GradeOptions } from "../lib/grader.ts";
import type { Checker } from "../lib/grader.ts";
import { expectSuccess, matching, runMpi, sample, traceOf, type MpiRun } from "./lib/mpirun.ts";
import { userMessages } from "./lib/trace.ts";

const REPORT = /^size (\d+) B: latency ([\d.]+) us, bandwidth ([\d.]+) MB\/s \((.*)\)/;

function checkReport(run: MpiRun): number[] {
  const lines = matching(run, REPORT);
  const sizes = lines.map((m) => Number(m[1]));
  if (new Set(sizes).size < 3)
    fail(
      `${new Set(sizes).size} sizes reported`,
      `at least 3 lines "size S B: latency L us, bandwidth B MB/s (payload intact)"`,
      `lines seen: ${sample(run.lines)}`,
    );
  expect(
    Math.max(...sizes) >= 65536,
    `largest size ${Math.max(...sizes)} B`,
    "at least 65536 B (bandwidth shows on large messages)",
  );
  for (const [, size, latency, bandwidth, note] of lines) {
    expect(
      Number(latency) > 0 && Number(bandwidth) >= 0,
      `size ${size}: latency ${latency} us, bandwidth ${bandwidth} MB/s`,
      "positive measurements",
    );
    expect(
      note === "payload intact",
      `size ${size}: "${note}"`,
      `"payload intact"`,
      "rank 0 compares what came back with what it sent",
    );
  }
  return sizes;
}

function checkEchoes(run: MpiRun, sizes: number[]): string {
  const messages = userMessages(traceOf(run));
  const strangers = messages.filter((m) => !((m.source === 0 && m.dest === 1) || (m.source === 1 && m.dest === 0)));
  expect(
    strangers.length === 0,
    `a message ${strangers[0]?.source}→${strangers[0]?.dest}`,
    "messages between ranks 0 and 1 only",
  );
  const pings = messages.filter((m) => m.source === 0);
  const pongs = messages.filter((m) => m.source === 1);
  expect(
    pings.length === pongs.length && pings.length > 0,
    `${pings.length} pings and ${pongs.length} pongs`,
    "as many pongs as pings",
    "rank 1 answers each message once",
  );
  pings.forEach((ping, k) => {
    const pong = pongs[k];
    expect(
      pong.size === ping.size,
      `ping ${k + 1} of ${ping.size} B was answered with ${pong.size} B`,
      `${ping.size} B, the same message sent back`,
      "rank 1 must send back what it received",
    );
  });
  for (const size of sizes)
    expect(
      pings.some((p) => p.size >= size),
      `no ping of ${size} B in the trace`,
      `messages of each reported size`,
    );
  return `${pings.length} pings, each echoed with its size`;
}

/**
 * The reported latency is one way: half the round trip. For the largest size (where timing noise matters
 * least) the round trips rank 0 saw in the trace (ping sent → pong received) give the truth; a latency
 * near the whole round trip is the usual mistake.
 */
function checkHalfRoundTrip(run: MpiRun): string {
  const reports = matching(run, REPORT).map((m) => ({ size: Number(m[1]), latencyUs: Number(m[2]) }));
  if (!reports.length) fail("no size reported", `lines "size S B: latency L us, …"`);
  const largest = reports.reduce((a, b) => (b.size > a.size ? b : a));
  const trace = traceOf(run);
  const messages = userMessages(trace);
  const fits = (size: number) => size >= largest.size && size <= largest.size * 1.1 + 64;
  const pings = messages.filter((m) => m.source === 0 && m.dest === 1 && fits(m.size));
  const pongs = messages.filter((m) => m.source === 1 && m.dest === 0 && fits(m.size) && m.recvAt >= 0);
  const trips = pings
    .slice(0, pongs.length)
    .map((ping, k) => trace.events[0][pongs[k].recvAt].time - trace.events[0][ping.sendAt].time);
  if (!trips.length)
    fail(`no ping-pong of ${largest.size} B in the trace`, "pings answered by pongs of the reported size");
  const roundTripUs = (1000 * trips.reduce((a, b) => a + b, 0)) / trips.length;
  const ratio = largest.latencyUs / (roundTripUs / 2);
  const measured = `latency ${largest.latencyUs} us at ${largest.size} B, while the round trips in the trace average ${roundTripUs.toFixed(1)} us`;
  expect(
    ratio < 1.5,
    measured,
    `about ${(roundTripUs / 2).toFixed(1)} us, half the round trip`,
    "the latency is one way: divide the time of a round trip (ping then pong) by 2",
  );
  expect(
    ratio > 0.5,
    measured,
    `about ${(roundTripUs / 2).toFixed(1)} us, half the round trip`,
    "divide the total time by the number of round trips, then by 2",
  );
  return `${largest.latencyUs} us one way, round trip ${roundTripUs.toFixed(1)} us`;
}

async function gradePingpong(
  checker: Checker,
  program: string,
  options: GradeOptions,
  nonblocking: boolean,
): Promise<void> {
  if (nonblocking) {
    await checker.check("the program uses isend and irecv, then waits", () => {
      const text = fs.readFileSync(program, "utf8");
      const calls = ["isend", "irecv"].filter((name) => !new RegExp(`\\.${name}\\s*\\(`).test(text));
      expect(
        calls.length === 0,
        `no call to ${calls.join(" or ")} in ${program}`,
        "isend/irecv (question 1)",
        "the blocking ping-pong is exercise 10.1",
      );
      expect(
        /\.wait\s*\(|waitall\s*\(|waitany\s*\(/.test(text),
        "no wait/waitall",
        "a wait on each request (question 2)",
      );
    });
  }
  for (const n of options.np ?? [2]) {
    let run = null as MpiRun | null; // set inside the check
    let sizes: number[] = [];
    await checker.check(`N=${n}: every size reported with latency and bandwidth, payload intact`, async () => {
      run = await runMpi(program, n, { args: ["--reps", 5], trace: true, timeoutS: 60 });
      expectSuccess(run);
      sizes = checkReport(run);
      return `sizes ${sizes.join(", ")} B`;
    });
    if (!run || run!.code !== 0) continue;
    await checker.check(`N=${n}: rank 1 sends every message back whole (trace)`, () => checkEchoes(run!, sizes));
    if (sizes.length)
      await checker.check(`N=${n}: the latency reported is half the round trip (trace)`, () =>
        checkHalfRoundTrip(run!),
      );
  }
}

export const pingpongGrader: Grader = {
  id: "10.1",
  title: "blocking ping-pong between ranks 0 and 1, latency and bandwidth per size",
  reference: "exercises/mpi/pingpong.ts",
  run(checker, options) {
    return gradePingpong(checker, programOf(this, options), options, false);
  },
};

export const pingpongNonblockingGrader: Grader = {
  id: "10.2-pingpong",
  title: "ping-pong with isend/irecv and wait (10.2 questions 1-2)",
  reference: "exercises/mpi/pingpong-nonblocking.ts",
  run(checker, options) {
    return gradePingpong(checker, programOf(this, options), options, true);
  },
};
