// Grader for exercise 8-ext (the extension of exercise 8: non-blocking Chandy–Lamport snapshot on a complete graph): N processes
// send each other money with a latency injected on every channel (--delay-ms), so transfers are in
// flight when the markers pass; process 0 takes several snapshots, then stops everyone. Each recorded
// snapshot must conserve the total (balances + channel contents) and be a consistent cut (what i sent
// to j = what j received from i + what is recorded in channel i→j); final balances add up too.
import { expect, fail, type Grader } from "../lib/grader.ts";
import { freePort } from "../lib/run.ts";
import { programsFor, type Proc, Procs } from "./lib/procs.ts";

const N = 4;
const INITIAL = 100;
const SNAPSHOTS = 4;

interface Recording {
  snapshot: number;
  process: number;
  balance: number;
  sent?: number[];
  received?: number[];
  channels: Record<string, number[]>;
}

function recordingsOf(proc: Proc): Recording[] {
  return proc.lines
    .filter((l) => l.startsWith("SNAPSHOT "))
    .map((l) => {
      try {
        return JSON.parse(l.slice("SNAPSHOT ".length)) as Recording;
      } catch {
        fail(
          `${proc.label} printed "${l.slice(0, 120)}"`,
          'SNAPSHOT {"snapshot":k,"process":i,"balance":b,"sent":[…],"received":[…],"channels":{"j":[amounts]}}',
        );
      }
    });
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const inChannels = (r: Recording) => sum(Object.values(r.channels ?? {}).flat());

export const snapshotGrader: Grader = {
  id: "8-ext",
  title: "Chandy–Lamport snapshots over a complete graph (extension of 8: non-blocking, with transfers)",
  reference: "exercises/sockets/snapshot.ts",
  async run(checker, options) {
    const [program] = programsFor(this, options);
    const procs = new Procs();
    try {
      const ports = await Promise.all(Array.from({ length: N }, () => freePort()));
      const peers = ports.map((p) => `127.0.0.1:${p}`).join(",");
      const settings = [
        "--initial",
        INITIAL,
        "--tick-ms",
        5,
        "--delay-ms",
        15,
        "--snapshots",
        SNAPSHOTS,
        "--every-ms",
        300,
        "--bind",
        "127.0.0.1",
      ];
      const members = ports.map((_, i) =>
        procs.start(program, ["--id", i, "--peers", peers, ...settings], `process ${i}`),
      );
      const byProcess: Recording[][] = [];

      const ran = await checker.check(`${N} processes take ${SNAPSHOTS} snapshots, then stop`, async () => {
        for (const proc of members) {
          const { code } = await proc.waitExit(`the ${SNAPSHOTS} snapshots and the stop`, 45_000);
          expect(code === 0, proc.describeExit(), `${proc.label} to exit with code 0 after the last snapshot`);
        }
        members.forEach((proc, i) => {
          const got = recordingsOf(proc)
            .map((r) => r.snapshot)
            .sort((a, b) => a - b);
          expect(
            got.join(",") === Array.from({ length: SNAPSHOTS }, (_, k) => k + 1).join(","),
            `process ${i} recorded snapshots [${got.join(", ")}]`,
            `snapshots 1..${SNAPSHOTS}, once each`,
          );
          byProcess.push(recordingsOf(proc));
        });
      });
      if (!ran) return;
      const snapshot = (k: number) => byProcess.map((records) => records.find((r) => r.snapshot === k)!);

      await checker.check("every snapshot conserves the total money (balances + channel contents)", async () => {
        let inFlight = 0;
        for (let k = 1; k <= SNAPSHOTS; k++) {
          const records = snapshot(k);
          const balances = sum(records.map((r) => r.balance));
          const channels = sum(records.map(inChannels));
          inFlight += sum(records.map((r) => Object.values(r.channels ?? {}).flat().length));
          expect(
            balances + channels === N * INITIAL,
            `snapshot ${k}: balances ${balances} + in channels ${channels} = ${balances + channels}`,
            `${N * INITIAL} (${N} × ${INITIAL})`,
            "record each incoming channel from your own recording until that channel's marker arrives",
          );
        }
        return `${inFlight} transfers caught in channels over ${SNAPSHOTS} snapshots`;
      });

      await checker.check(
        "every snapshot is a consistent cut: sent(i→j) = received(j←i) + recorded in channel i→j",
        async () => {
          for (let k = 1; k <= SNAPSHOTS; k++) {
            const records = snapshot(k);
            for (const [i, ri] of records.entries()) {
              for (const [j, rj] of records.entries()) {
                if (i === j) continue;
                if (!ri.sent || !rj.received)
                  fail(
                    `snapshot ${k} of process ${!ri.sent ? i : j} has no "sent"/"received" counters`,
                    "per-peer message counters in each SNAPSHOT line",
                  );
                const inChannel = (rj.channels?.[String(i)] ?? []).length;
                expect(
                  ri.sent[j] === rj.received[i] + inChannel,
                  `snapshot ${k}, channel ${i}→${j}: ${ri.sent[j]} sent, ${rj.received[i]} received + ${inChannel} recorded in the channel`,
                  "every message sent before the sender's cut to be received before the receiver's cut or recorded in the channel",
                  "a message is recorded in the channel state when it arrives after the local recording and before the marker on that channel",
                );
              }
            }
          }
        },
      );

      await checker.check("after the stop, the final balances add up to the total", async () => {
        const finals = members.map((p) => p.lines.map((l) => /^FINAL (-?\d+)/.exec(l)).find(Boolean));
        const missing = members.filter((_, i) => !finals[i]).map((p) => p.label);
        if (missing.length) fail(`no FINAL line from ${missing.join(", ")}`, "FINAL <balance> from every process");
        const total = sum(finals.map((m) => Number(m![1])));
        expect(
          total === N * INITIAL,
          `final balances add up to ${total}`,
          `${N * INITIAL}`,
          "stop only once every channel is drained (a stop message after the last transfer, on each channel)",
        );
      });
    } finally {
      await procs.stopAll();
    }
  },
};
