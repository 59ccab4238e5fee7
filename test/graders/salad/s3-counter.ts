// Grader S3 (salad, seed 000 "les verrous"): a counter server incremented N times by each of 3 concurrent
// clients. With --lock the final count must be exactly 3N on every run; without it, the program must
// demonstrably lose updates. The server runs as one process, each client as its own process.
// (S3 prepares no fruit: its "exactly once" is every increment counted once.)
import { fail, programOf, type Grader } from "../lib/grader.ts";
import { resolveProgram } from "./lib/oracle.ts";
import { withProcesses, type Processes } from "./lib/proc.ts";

const N = 1_000_000;
const CLIENTS = 3;
const LOCKED_RUNS = 3;
const UNLOCKED_TRIES = 2;
const FINAL = /^FINAL counter=(\d+) expected=(\d+) lost=(-?\d+)/;

/** Starts a server and runs `rounds` rounds of 3 concurrent clients; returns each round's final count. */
async function runRounds(
  procs: Processes,
  program: string,
  lock: boolean,
  rounds: number,
  stopEarly?: (count: number) => boolean,
): Promise<number[]> {
  const args = ["server", "--port", "0", "--n", String(N), "--clients", String(CLIENTS), ...(lock ? ["--lock"] : [])];
  const server = procs.start(`the ${lock ? "locked" : "unlocked"} server`, program, args);
  const [, port] = await server.waitForLine(/^LISTENING (\d+)/, "`LISTENING <port>`");
  const counts: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const clients = Array.from({ length: CLIENTS }, (_, k) =>
      procs.start(`client ${k + 1} of round ${round}`, program, ["client", "--server", `ws://127.0.0.1:${port}`]),
    );
    for (const client of clients) {
      const exit = await client.finished(60_000);
      if (exit.code !== 0) fail(client.describe(), "every client to get its answer and exit 0");
    }
    const finals = await server.waitForLines(FINAL, round, "`FINAL counter=… expected=… lost=…`", 30_000);
    const [, counter, expected] = finals[round - 1].match(FINAL)!.map(Number);
    if (expected !== CLIENTS * N)
      fail(
        `expected=${expected} on the FINAL line`,
        `${CLIENTS * N} (${CLIENTS} clients × N=${N})`,
        "Use --n and --clients",
      );
    counts.push(counter);
    if (stopEarly?.(counter)) break;
  }
  server.kill();
  return counts;
}

export const s3: Grader = {
  id: "S3",
  title: "counter race: 3 concurrent clients × N increments; exact with a lock, updates lost without",
  reference: "exercises/salad/counter-race.ts",
  async run(checker, options) {
    const program = resolveProgram(programOf(this, options));
    await withProcesses(async (procs) => {
      await checker.check(`with --lock the count is exactly ${CLIENTS}×N on ${LOCKED_RUNS} runs`, async () => {
        const counts = await runRounds(procs, program, true, LOCKED_RUNS, (count) => count !== CLIENTS * N);
        counts.forEach((count, k) => {
          if (count !== CLIENTS * N) {
            fail(
              `run ${k + 1}: counter ${count} (${CLIENTS * N - count} updates lost)`,
              `${CLIENTS * N} with --lock`,
              "Every read-modify-write must hold the same lock, shared by all clients' calls",
            );
          }
        });
        return `counts ${counts.join(", ")}`;
      });
      await checker.check("without the lock, concurrent clients lose updates", async () => {
        const counts = await runRounds(procs, program, false, UNLOCKED_TRIES, (count) => count < CLIENTS * N);
        const lossy = counts.find((count) => count < CLIENTS * N);
        if (lossy === undefined) {
          fail(
            `counts ${counts.join(", ")} in ${counts.length} runs without --lock`,
            `fewer than ${CLIENTS * N} in one run at least`,
            "Make the race real: the three calls must interleave between the read and the write",
          );
        }
        return `counter ${lossy}: ${CLIENTS * N - lossy} of ${CLIENTS * N} updates lost`;
      });
    });
  },
};
