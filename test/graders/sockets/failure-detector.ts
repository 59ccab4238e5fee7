// Grader for exercise 7 (lab book part 1, heartbeat failure detectors): two detectors, each watching
// half of four processes, linked to each other. A process stopped with SIGSTOP must be suspected by
// both detectors within the configured bound ((threshold + 1) × period, plus slack for a loaded
// machine), trusted again by both after SIGCONT, in both directions; live processes are never suspected.
import { expect, fail, type Grader } from "../lib/grader.ts";
import { freePort } from "../lib/run.ts";
import { programsFor, type Proc, Procs } from "./lib/procs.ts";

const PERIOD_MS = 250;
const THRESHOLD = 4;
const BOUND_MS = (THRESHOLD + 1) * PERIOD_MS;
const SLACK_MS = 2000;

const about = (word: string, name: string) => (line: string) => new RegExp(`\\b${word}\\b.*\\b${name}\\b`).test(line);

/** Waits until both detectors print `word` about `name`; returns the slower one's delay in ms. */
async function bothSay(detectors: Proc[], word: string, name: string, since: number[], t0: number): Promise<number> {
  const allowed = BOUND_MS + SLACK_MS;
  const delays = await Promise.all(
    detectors.map((d, i) =>
      d.waitFor(about(word, name), `${word} ${name}`, allowed, since[i]).then(
        () => Date.now() - t0,
        () => -1,
      ),
    ),
  );
  const silent = detectors.filter((_, i) => delays[i] < 0).map((d) => d.label);
  if (silent.length === 2)
    fail(
      `neither detector printed ${word} ${name} within ${allowed} ms`,
      `${word} ${name} from both detectors`,
      word === "SUSPECT"
        ? "count heartbeats sent and answered per process; suspect past the threshold"
        : "trust a suspected process again as soon as it answers",
    );
  if (silent.length === 1) {
    const other = detectors.find((d) => d.label !== silent[0])!;
    fail(
      `${silent[0]} did not print ${word} ${name} within ${allowed} ms (${other.label} did after ${Math.max(...delays)} ms)`,
      "both detectors",
      `send each ${word === "SUSPECT" ? "suspicion" : "trust"} to the other detector, which updates its lists`,
    );
  }
  const worst = Math.max(...delays);
  expect(
    worst <= allowed,
    `${detectors[delays.indexOf(worst)].label} printed ${word} ${name} after ${worst} ms`,
    `within ${allowed} ms ((threshold ${THRESHOLD} + 1) × period ${PERIOD_MS} ms + ${SLACK_MS} ms slack)`,
  );
  return worst;
}

export const failureDetectorGrader: Grader = {
  id: "7",
  title: "two heartbeat failure detectors exchanging suspicions",
  reference: ["exercises/sockets/failure-detector.ts", "exercises/sockets/watched-process.ts"],
  async run(checker, options) {
    const [detectorFile, processFile] = programsFor(this, options);
    const procs = new Procs();
    try {
      const [p1, p2] = [await freePort(), await freePort()];
      const timing = ["--period-ms", PERIOD_MS, "--threshold", THRESHOLD, "--bind", "127.0.0.1"];
      const d1 = procs.start(detectorFile, ["--name", "d1", "--port", p1, ...timing], "detector d1");
      const d2 = procs.start(
        detectorFile,
        ["--name", "d2", "--port", p2, "--peer", `127.0.0.1:${p1}`, ...timing],
        "detector d2",
      );
      const detectors = [d1, d2];
      const names = ["p0", "p1", "p2", "p3"];
      const watchedBy = (i: number) => (i < 2 ? p1 : p2);
      const processes = names.map((name, i) =>
        procs.start(processFile, ["--name", name, "--detector", `127.0.0.1:${watchedBy(i)}`], `process ${name}`),
      );
      const stopped = new Set<string>();

      const up = await checker.check("both detectors know the four processes (WATCHING / KNOWN lines)", async () => {
        for (const d of detectors)
          for (const name of names)
            await d.waitFor(
              (l) => about("WATCHING", name)(l) || about("KNOWN", name)(l),
              `WATCHING or KNOWN ${name}`,
              30_000,
            );
      });
      if (!up) return;

      for (const [index, by] of [
        [1, "d1"],
        [2, "d2"],
      ] as const) {
        const name = names[index];
        const target = processes[index];
        const suspected = await checker.check(
          `${name} (watched by ${by}) stopped with SIGSTOP: suspected by both detectors within the bound`,
          async () => {
            const since = detectors.map((d) => d.lines.length);
            const t0 = Date.now();
            stopped.add(name);
            target.signal("SIGSTOP");
            return `after ${await bothSay(detectors, "SUSPECT", name, since, t0)} ms`;
          },
        );
        if (!suspected) {
          target.signal("SIGCONT");
          stopped.delete(name);
          continue; // trusting again only means something after a suspicion
        }
        await checker.check(`${name} resumed with SIGCONT: trusted again by both detectors`, async () => {
          const since = detectors.map((d) => d.lines.length);
          const t0 = Date.now();
          target.signal("SIGCONT");
          stopped.delete(name);
          return `after ${await bothSay(detectors, "TRUST", name, since, t0)} ms`;
        });
      }

      await checker.check("live processes are never suspected (false suspicions counted over the run)", async () => {
        await new Promise((r) => setTimeout(r, 2 * BOUND_MS)); // an observation window, not a synchronisation
        const suspicions = detectors.flatMap((d) =>
          d.lines.filter((l) => /\bSUSPECT\b/.test(l)).map((l) => `${d.label}: ${l.trim()}`),
        );
        const falseOnes = suspicions.filter((l) => ["p0", "p3"].some((n) => about("SUSPECT", n)(l)));
        const perStop = ["p1", "p2"].map((n) => suspicions.filter((l) => about("SUSPECT", n)(l)).length);
        if (falseOnes.length)
          fail(
            `${falseOnes.length} false suspicion${falseOnes.length > 1 ? "s" : ""} (${falseOnes.slice(0, 3).join("; ")})`,
            "0: p0 and p3 were never stopped",
            "suspect only when the gap between heartbeats sent and answered exceeds the threshold",
          );
        expect(
          perStop.every((c) => c === 2),
          `SUSPECT lines for p1, p2: ${perStop.join(", ")}`,
          "2 each (one per detector, one stop each)",
        );
        for (const p of processes) if (p.exit) fail(p.describeExit(), `${p.label} still running`);
        return `${suspicions.length} suspicions, all of stopped processes`;
      });
    } finally {
      await procs.stopAll();
    }
  },
};
