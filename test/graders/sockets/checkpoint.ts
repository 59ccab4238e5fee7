// Grader for exercise 8 (lab book part 1, blocking coordinated checkpoint of a counter application): the
// launcher starts N processes, waits until all have joined ("all connected"), then runs checkpoint waves
// while the processes send each other counter values with a latency injected on every channel, so messages
// are in flight when a wave starts. A blocking checkpoint waits until every incoming channel is empty, so
// each wave must be a cut with empty channels: what i sent to j = what j received from i. Each process also
// writes its checkpoints to a local file, one line per wave, the same records it prints.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, fail, type Grader } from "../lib/grader.ts";
import { programsFor, Procs, readWrittenFile, tempDir } from "./lib/procs.ts";

const N = 4;
const WAVES = 3;

interface Record {
  wave: number;
  process: number;
  counter: number;
  sent: number[];
  received: number[];
  file: string;
}

function recordsOf(lines: string[]): Record[] {
  return lines.flatMap((l) => {
    const m = /^\[p\d+\] CHECKPOINT (.*)$/.exec(l);
    if (!m) return [];
    try {
      return [JSON.parse(m[1]) as Record];
    } catch {
      fail(
        `the launcher relayed "${l.slice(0, 120)}"`,
        'CHECKPOINT {"wave":k,"process":i,"counter":c,"sent":[…],"received":[…],"file":"host:path"}',
      );
    }
  });
}

export const checkpointGrader: Grader = {
  id: "8",
  title: "blocking checkpoint by markers of a counter application (launcher, all-connected barrier, local files)",
  reference: ["exercises/sockets/checkpoint.ts", "exercises/sockets/checkpoint-process.ts"],
  async run(checker, options) {
    const [launcher, processProgram] = programsFor(this, options);
    const procs = new Procs();
    const dir = tempDir("checkpoint");
    try {
      const run = procs.start(
        launcher,
        [
          "--np",
          N,
          "--waves",
          WAVES,
          "--every-ms",
          300,
          "--tick-ms",
          5,
          "--delay-ms",
          15,
          "--dir",
          dir,
          "--process",
          processProgram,
        ],
        "the launcher",
      );
      let records: Record[] = [];
      const ran = await checker.check(
        `${N} processes join, connect, take ${WAVES} checkpoint waves, then stop`,
        async () => {
          const { code } = await run.waitExit(`the ${WAVES} waves and the stop`, 90_000);
          expect(code === 0, run.describeExit(), "the launcher to exit with code 0 after the last wave");
          const barrier = run.lines.findIndex((l) => l.startsWith("ALL CONNECTED"));
          const firstWave = run.lines.findIndex((l) => l.startsWith("WAVE 1 START"));
          expect(
            barrier >= 0 && barrier < firstWave,
            `ALL CONNECTED at line ${barrier}, WAVE 1 START at line ${firstWave}`,
            "the all-connected barrier before the first wave",
          );
          records = recordsOf(run.lines);
          for (let i = 0; i < N; i++) {
            const waves = records
              .filter((r) => r.process === i)
              .map((r) => r.wave)
              .sort((a, b) => a - b);
            expect(
              waves.join(",") === Array.from({ length: WAVES }, (_, k) => k + 1).join(","),
              `process ${i} checkpointed waves [${waves.join(", ")}]`,
              `waves 1..${WAVES}, once each`,
            );
          }
          return `${records.length} checkpoints`;
        },
      );
      if (!ran) return;

      await checker.check("every wave is a cut with empty channels: sent(i→j) = received(j←i)", async () => {
        let messages = 0;
        for (let k = 1; k <= WAVES; k++) {
          const wave = Array.from({ length: N }, (_, i) => records.find((r) => r.wave === k && r.process === i)!);
          for (const ri of wave) {
            for (const rj of wave) {
              if (ri === rj) continue;
              messages += ri.sent[rj.process];
              expect(
                ri.sent[rj.process] === rj.received[ri.process],
                `wave ${k}, channel ${ri.process}→${rj.process}: ${ri.sent[rj.process]} sent, ${rj.received[ri.process]} received`,
                "every message sent before the checkpoint received before it (the channel empty)",
                "stop sending at the first marker, send a marker on every channel, and write the checkpoint only once a marker has come in on every channel",
              );
            }
          }
        }
        return `${messages} application messages before the cuts`;
      });

      await checker.check("each process wrote its checkpoints to a local file, one line per wave", async () => {
        const files = fs.readdirSync(dir);
        expect(
          files.length === N,
          `${files.length} files in the checkpoint directory (${files.join(", ")})`,
          `${N} files, one per process`,
          "append each checkpoint to a file of the process's own (e.g. named after its pid) in --dir",
        );
        for (const r of records) {
          const file = r.file.slice(r.file.indexOf(":") + 1);
          if (!fs.existsSync(file) || path.dirname(file) !== dir)
            fail(`process ${r.process} says it wrote ${r.file}`, `a file in ${dir}`);
          const saved = readWrittenFile(file)
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as Record);
          const same = saved.find((s) => s.wave === r.wave);
          expect(
            same !== undefined && JSON.stringify(same) === JSON.stringify(r),
            `wave ${r.wave} of process ${r.process} in its file: ${JSON.stringify(same)}`,
            `the line it printed: ${JSON.stringify(r)}`,
          );
        }
      });
    } finally {
      await procs.stopAll();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
