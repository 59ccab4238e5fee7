// Grader S6 (salad, seed 002 "Alerte générale ! Une panne !"): the salad with crashing workers over tsmpi in
// fault-tolerant mode (tsrun --fault-tolerant -np 4). Three runs, started together:
//  - survivors: workers 1 and 2 crash on their first fruit (--crash-probability 1 --crash-workers 1,2);
//    worker 3 must finish the salad, the crashed workers' fruits included: every fruit once, exit 0;
//  - all dead: every worker crashes (--crash-probability 1); the master must stop within a hang guard after
//    the last crash, with "all workers have died; N fruits were not prepared: …" and a non-zero exit code;
//  - random: --crash-probability 0.3 with a random --seed; whichever way it ends, every fruit is either
//    prepared once or listed as not prepared, never both, never twice.
// Contract (exercises/salad/README.md): `PREPARED`, `CRASH <id> <fruit> by <worker>` before a worker dies,
// `UNPREPARED <id> <fruit>` per missing fruit when every worker has died.
import { fail, programOf, type Grader } from "../lib/grader.ts";
import { checkEveryFruitOnce, parsePrepared, resolveProgram, saladOracle, type Prepared } from "./lib/oracle.ts";
import { withProcesses } from "./lib/proc.ts";
import { endedHow, startTsrun, type TsrunJob } from "./tsrun-job.ts";

const SCALE = "0.02";
const NP = 4;
const WORKERS = NP - 1;
/** Seconds the master has to stop once every worker has died (the reference takes well under one). */
const STOP_GUARD_S = 15;

interface Crash {
  id: number;
  fruit: string;
  worker: string;
}

const crashesOf = (job: TsrunJob): Crash[] =>
  job.live.lines(/^CRASH /).map((l) => {
    const [, id, fruit, , worker] = l.split(" ");
    return { id: Number(id), fruit, worker };
  });

const unpreparedOf = (job: TsrunJob): { id: number; fruit: string }[] =>
  job.live.lines(/^UNPREPARED /).map((l) => ({ id: Number(l.split(" ")[1]), fruit: l.split(" ")[2] }));

/** Waits for the job's end; past every worker's crash, it has STOP_GUARD_S to end (else: the master hangs). */
async function ended(job: TsrunJob): Promise<"exited" | "hung after the last crash" | "hung"> {
  const allCrashed = job.live.waitForLines(/^CRASH /, WORKERS, "CRASH", (job.timeoutS + 30) * 1000).then(
    () =>
      new Promise<"hung after the last crash">((resolve) =>
        setTimeout(() => resolve("hung after the last crash"), STOP_GUARD_S * 1000).unref(),
      ),
    () => new Promise<never>(() => {}),
  );
  const guard = new Promise<"hung">((resolve) => setTimeout(() => resolve("hung"), (job.timeoutS + 30) * 1000).unref());
  const outcome = await Promise.race([job.live.exit.then(() => "exited" as const), allCrashed, guard]);
  if (outcome !== "exited") job.live.kill();
  return outcome;
}

/** Prepared fruits and fruits reported as not prepared together make the salad, each once. */
function checkAccounting(
  prepared: Prepared[],
  unprepared: { id: number; fruit: string }[],
  oracle: Prepared[],
): string {
  const both = unprepared.filter((u) => prepared.some((p) => p.id === u.id));
  if (both.length)
    fail(
      `task ${both[0].id} (${both[0].fruit}) is both PREPARED and UNPREPARED`,
      "each fruit prepared or not, not both",
    );
  const asPrepared = [...prepared, ...unprepared.map((u) => ({ ...u, worker: "(not prepared)" }))];
  checkEveryFruitOnce(
    asPrepared,
    oracle,
    "Each fruit is prepared once or listed once as not prepared (`UNPREPARED <id> <fruit>`)",
  );
  return `${prepared.length} prepared + ${unprepared.length} not prepared = ${oracle.length}`;
}

export const s6: Grader = {
  id: "S6",
  title:
    "fault-tolerant master/worker over tsmpi: crashed workers' fruits re-queued, every fruit once; a clear stop when no worker is left",
  reference: "exercises/salad/fault-tolerant.ts",
  async run(checker, options) {
    const program = resolveProgram(programOf(this, options));
    const oracle = await saladOracle();
    const seed = String(1 + Math.floor(Math.random() * 1_000_000));
    await withProcesses(async (procs) => {
      const start = (args: string[]) =>
        startTsrun(procs, program, NP, ["--time-scale", SCALE, ...args], {
          tsrunArgs: ["--fault-tolerant"],
          timeoutS: 40,
        });
      const survivors = start(["--crash-probability", "1", "--crash-workers", "1,2"]);
      const allDead = start(["--crash-probability", "1"]);
      const random = start(["--crash-probability", "0.3", "--seed", seed]);
      const outcomes = await Promise.all([survivors, allDead, random].map(ended));

      let ok = await checker.check(
        "workers 1 and 2 crash on their first fruit, worker 3 finishes the salad: exit 0",
        () => {
          if (outcomes[0] !== "exited" || survivors.live.exitInfo?.code !== 0) {
            fail(
              `${endedHow(survivors)}${outcomes[0] === "exited" ? "" : ` (${outcomes[0]})`}`,
              "exit code 0 with one worker alive",
              "Re-queue a task whose result has not come back within its timeout (silence means dead) and tell every live worker to stop at the end",
            );
          }
          const crashes = crashesOf(survivors);
          if (crashes.length !== 2)
            fail(
              `${crashes.length} CRASH lines`,
              "2 (workers 1 and 2, on their first fruit)",
              "Print `CRASH <id> <fruit> by <worker>` just before a worker dies; --crash-workers 1,2 limits the crashes to workers 1 and 2",
            );
          return `${crashes.map((c) => `${c.worker} died holding ${c.fruit} (task ${c.id})`).join(", ")}`;
        },
      );
      if (ok) {
        await checker.check(
          "every fruit prepared exactly once despite the crashes, the lost fruits by the survivor",
          () => {
            const prepared = parsePrepared(survivors.live.lines());
            const detail = checkEveryFruitOnce(
              prepared,
              oracle,
              "A result that comes back after its task was re-queued must not be counted again",
            );
            for (const crash of crashesOf(survivors)) {
              const by = prepared.find((p) => p.id === crash.id);
              if (by?.worker === crash.worker)
                fail(
                  `task ${crash.id} (${crash.fruit}) counted as prepared by ${crash.worker}, which died before returning it`,
                  "the dead worker's fruit prepared by a live one",
                );
            }
            return detail;
          },
        );
      }

      ok = await checker.check(
        `every worker crashes: the master stops within ${STOP_GUARD_S} s of the last crash, with a non-zero exit code and a clear message`,
        () => {
          if (outcomes[1] === "hung after the last crash") {
            fail(
              `${allDead.command}: the master still running ${STOP_GUARD_S} s after the last of the ${WORKERS} workers died`,
              'the master to stop with "all workers have died; N fruits were not prepared: …" and exit code ≠ 0',
              "Receive with a timeout and stop once every worker has been silent too long: waiting for results no one will send hangs forever",
            );
          }
          if (outcomes[1] === "hung")
            fail(`${endedHow(allDead)}: it never ended`, "the master to stop once every worker has died");
          const code = allDead.live.exitInfo?.code;
          if (code === 0)
            fail(
              `${allDead.command} exited with code 0 though no worker was left`,
              "a non-zero exit code when the salad cannot be finished",
            );
          const said = allDead.live.stderr.match(
            /all workers have died; (\d+) fruits? (?:were|was) not prepared: ([^\n]*)/,
          );
          if (!said)
            fail(
              `${endedHow(allDead)}`,
              'a message "all workers have died; N fruits were not prepared: <fruits>"',
              "Say why the master stops and which fruits are missing",
            );
          return said[0].length > 200 ? `${said[0].slice(0, 200)}…` : said[0];
        },
      );
      if (ok) {
        await checker.check("when every worker has died, each fruit is prepared once or listed as not prepared", () => {
          const unprepared = unpreparedOf(allDead);
          const said = Number(allDead.live.stderr.match(/all workers have died; (\d+)/)![1]);
          if (said !== unprepared.length)
            fail(`the message counts ${said} fruits, ${unprepared.length} UNPREPARED lines`, "the same number");
          return checkAccounting(parsePrepared(allDead.live.lines()), unprepared, oracle);
        });
      }

      await checker.check(
        `random crashes (--crash-probability 0.3 --seed ${seed}): every fruit prepared once, or listed as not prepared if every worker died`,
        () => {
          if (outcomes[2] === "hung after the last crash") {
            fail(
              `${random.command}: every worker died and the master was still running ${STOP_GUARD_S} s later`,
              "the master to stop with a message and exit code ≠ 0",
            );
          }
          if (outcomes[2] === "hung") fail(`${endedHow(random)}: it never ended`, "the job to end");
          const prepared = parsePrepared(random.live.lines());
          const crashes = crashesOf(random).length;
          if (random.live.exitInfo?.code === 0) return `${crashes} crash(es); ${checkEveryFruitOnce(prepared, oracle)}`;
          if (crashes < WORKERS || !/all workers have died/.test(random.live.stderr)) {
            fail(
              `${endedHow(random)} after ${crashes} crash(es)`,
              `exit code 0 while a worker survives (${WORKERS - crashes} did)`,
              "Only the death of every worker may stop the salad",
            );
          }
          return `every worker died; ${checkAccounting(prepared, unpreparedOf(random), oracle)}`;
        },
      );
    });
  },
};
