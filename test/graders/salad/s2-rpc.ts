// Grader S2 (salad, seeds 000 and 002): master/worker over an RPC layer. Starts the master, calls methods
// that are not exposed (they must be refused with a clear error, the master unharmed), then runs three
// workers as separate processes: every fruit must be prepared exactly once, as in the S0 oracle.
// --program takes the exercise's folder (or a file in it) holding master.ts, worker.ts and call.ts.
import { fail, type Grader } from "../lib/grader.ts";
import { checkEveryFruitOnce, exerciseFiles, parsePrepared, saladOracle } from "./lib/oracle.ts";
import { withProcesses, type Live } from "./lib/proc.ts";

const SCALE = "0.02";
const WORKERS = 3;

/** Names that are no exposed method of a master: Object.prototype members, a private helper, a field. */
export const UNEXPOSED = [
  "toString",
  "constructor",
  "hasOwnProperty",
  "__proto__",
  "valueOf",
  "isDone",
  "tasksToDo",
  "tasks_being_done",
  "g",
];

/** Parses call.ts's answers: `RESULT <m> <json>` or `ERROR <m> <code> <message>`. */
function answers(call: Live): Map<string, string> {
  const byMethod = new Map<string, string>();
  for (const line of call.lines(/^(RESULT|ERROR) /)) byMethod.set(line.split(" ")[1], line);
  return byMethod;
}

export const s2: Grader = {
  id: "S2",
  title: "salad over RPC (ws + msgpack): only exposed methods answer; every fruit once",
  reference: ["exercises/salad/rpc/master.ts", "exercises/salad/rpc/worker.ts", "exercises/salad/rpc/call.ts"],
  async run(checker, options) {
    const files = exerciseFiles(options.program, "exercises/salad/rpc", ["master.ts", "worker.ts", "call.ts"]);
    const oracle = await saladOracle();
    await withProcesses(async (procs) => {
      const master = procs.start("the master", files["master.ts"], ["--port", "0", "--time-scale", SCALE]);
      let url = "";
      let ok = await checker.check("the master starts and listens", async () => {
        const [, port] = await master.waitForLine(/^LISTENING (\d+)/, "`LISTENING <port>`");
        url = `ws://127.0.0.1:${port}`;
        return url;
      });
      if (!ok) return;

      await checker.check("methods that are not exposed are refused with a clear error", async () => {
        const call = procs.start("call.ts", files["call.ts"], ["--master", url, ...UNEXPOSED]);
        await call.finished(30_000);
        const got = answers(call);
        for (const name of UNEXPOSED) {
          const line = got.get(name);
          if (!line) fail(`no answer for ${name} (${call.describe()})`, "`ERROR <method> …` for every refused method");
          if (line.startsWith("RESULT")) {
            fail(
              `calling ${name} answered ${line.slice(`RESULT ${name} `.length)}`,
              `${name} refused as not exposed`,
              "Only the service's exposed methods (exposed_<name>) may run; look names up on the service's own exposed methods, never on any object property",
            );
          }
          if (!line.includes(name) || !/expos|cannot access/i.test(line)) {
            fail(
              `calling ${name} failed with "${line}"`,
              `an error naming ${name} and saying it is not exposed`,
              "Refuse before running anything, with a message a caller can act on",
            );
          }
        }
        if (master.exitInfo) fail(master.describe(), "the master still running after refusing the calls");
        return `${UNEXPOSED.length} names refused, e.g. ${got.get("toString")?.split(" ").slice(3).join(" ")}`;
      });

      const workers = Array.from({ length: WORKERS }, (_, k) =>
        procs.start(`worker ${k + 1}`, files["worker.ts"], [
          "--master",
          url,
          "--time-scale",
          SCALE,
          "--name",
          `worker-${k + 1}`,
        ]),
      );
      ok = await checker.check(
        `the salad is ready with ${WORKERS} worker processes, and every worker stops`,
        async () => {
          await master.waitForLine(/^TOTAL /, "`TOTAL <units>`");
          // a worker started late may find the master already gone (exit code ≠ 0): only a hang is an error
          const codes = [];
          for (const w of workers) codes.push((await w.finished(30_000)).code);
          return `${master.lines(/^TOTAL /)[0]}; worker exit codes ${codes.join(", ")}`;
        },
      );
      if (!ok) return;
      await checker.check("every fruit prepared exactly once (same result as S0)", () =>
        checkEveryFruitOnce(
          parsePrepared(master.lines()),
          oracle,
          "give_task must hand each task out once, receive_result count each once",
        ),
      );
    });
  },
};
