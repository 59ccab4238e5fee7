// Grader S4-broker against a real MQTT broker: the grader starts a private Debian mosquitto (free loopback
// port, configuration in a mkdtemp directory, stopped at the end), runs exercises/salad/lamport-broker.ts
// as a master and 3 workers talking only through it, and checks mutual exclusion by the vector clocks the
// workers keep, as grader S4 does from tsrun's trace. It fails the broken variant whose workers enter the
// bowl without the n-1 permissions. No mosquitto process is left behind.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { commandRequirement, ready } from "../harness/requires.ts";
import { grade } from "./lib/grader.ts";
import { projectRoot } from "./lib/run.ts";
import { graders } from "./salad/index.ts";

const GUARD = 150_000; // hang guard for a whole grading run on a loaded machine, not a speed limit
const grader = graders.find((g) => g.id === "S4-broker")!;

async function run(program?: string) {
  const lines: string[] = [];
  const checker = await grade(grader, { program, out: (l) => lines.push(l) });
  return { checker, output: lines.join("\n") };
}

/** Live mosquitto processes started with a configuration of the grader's temporary directories. */
function privateBrokers(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        return /mosquitto\0-c\0[^\0]*tsmpi-mosquitto-/.test(fs.readFileSync(`/proc/${e}/cmdline`, "latin1"))
          ? [Number(e)]
          : [];
      } catch {
        return [];
      }
    });
}

describe.skipIf(!ready(commandRequirement("mosquitto", "apt-get install -y mosquitto")))(
  "S4-broker grader over a real mosquitto",
  () => {
    it(
      "passes exercises/salad/lamport-broker.ts: every check, vector clocks included",
      async () => {
        const { checker, output } = await run();
        expect(checker.failed, output).toBe(0);
        expect(checker.passed, output).toBe(7);
        expect(output).toMatch(
          /never two workers in the bowl at once\n--- PASS \(11 visits, each after the previous exit/,
        );
        expect(privateBrokers()).toEqual([]);
      },
      GUARD,
    );

    it(
      "fails workers that enter the bowl without the n-1 permissions, naming the overlap and the clocks",
      async () => {
        const { checker, output } = await run(
          path.join(projectRoot, "test/graders/fixtures/salad/lamport-broker-no-permission.ts"),
        );
        const failed = checker.results.find((r) => !r.passed && r.what.includes("never two workers"));
        expect(failed, output).toBeDefined();
        expect(failed!.detail).toMatch(
          /entered the bowl at .* its ENTER does not happen after worker-\d's LEAVE \(vector clocks \[[\d,]+\] vs \[[\d,]+\]\)/,
        );
        expect(privateBrokers()).toEqual([]);
      },
      GUARD,
    );
  },
);
