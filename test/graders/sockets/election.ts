// Grader for exercise 6 (lab book part 1, Chang-Roberts election then numbering on a ring): for each
// ring size N (3..12 by default, --np to choose) it starts N real processes on loopback ports with
// random distinct ids and several initiators (all of them in the first run), waits for the ring to stop,
// and checks: exactly one leader, the greatest id, known by all; numbers 0..N-1 once each, in ring order
// from the leader; the leader counts N.
import { expect, fail, type Grader } from "../lib/grader.ts";
import { freePort } from "../lib/run.ts";
import { programsFor, type Proc, Procs } from "./lib/procs.ts";

/** n distinct random ids in ring order, not sorted round the ring (at least two places where the id grows). */
function randomIds(n: number): number[] {
  for (;;) {
    const ids = new Set<number>();
    while (ids.size < n) ids.add(1 + Math.floor(Math.random() * 999));
    const ring = [...ids];
    const ascents = ring.filter((id, i) => ring[(i + n - 1) % n] < id).length;
    if (n < 3 || ascents >= 2) return ring;
  }
}

const valuesOf = (proc: Proc, word: string) =>
  proc.lines.flatMap((l) =>
    new RegExp(`^${word} (\\d+)`).exec(l) ? [Number(/\d+/.exec(l.slice(word.length))![0])] : [],
  );

/** Checks one finished ring; `ids` in ring order (ids[i] sends to ids[i+1]). */
function checkRing(ids: number[], procs: Proc[]): string {
  const n = ids.length;
  const max = Math.max(...ids);
  const leaders = procs.map((p) => valuesOf(p, "LEADER"));
  const claimed = [...new Set(leaders.flat())].sort((a, b) => a - b);
  if (claimed.length > 1)
    fail(
      `leaders announced: ${claimed.join(", ")}`,
      `exactly one leader, ${max} (the greatest id)`,
      "a process that already takes part must swallow smaller ids, and only the owner of the id that comes back is elected",
    );
  const twice = ids.filter((_, i) => leaders[i].length > 1);
  if (twice.length)
    fail(
      `process${twice.length > 1 ? "es" : ""} ${twice.join(", ")} announced the leader ${leaders[ids.indexOf(twice[0])].length} times`,
      "one LEADER line per process",
    );
  const unaware = ids.filter((_, i) => leaders[i].length === 0);
  if (unaware.length)
    fail(
      `process${unaware.length > 1 ? "es" : ""} ${unaware.join(", ")} never printed LEADER`,
      "every process to learn the leader (the elected message goes all round)",
    );
  expect(claimed[0] === max, `leader ${claimed[0]}`, `${max}, the greatest id`);
  const at = ids.indexOf(max);
  for (let d = 0; d < n; d++) {
    const i = (at + d) % n;
    const numbers = valuesOf(procs[i], "NUMBER");
    expect(
      numbers.length === 1 && numbers[0] === d,
      `process ${ids[i]} printed NUMBER ${numbers.join(", ") || "nothing"}`,
      `NUMBER ${d} (it is ${d} hop${d === 1 ? "" : "s"} after the leader)`,
      "the leader takes 0 and each process takes the token's value then passes value + 1",
    );
  }
  const count = valuesOf(procs[at], "COUNT");
  expect(
    count.length === 1 && count[0] === n,
    `the leader printed COUNT ${count.join(", ") || "nothing"}`,
    `COUNT ${n}`,
  );
  return `leader ${max}, numbers 0..${n - 1}`;
}

export const electionGrader: Grader = {
  id: "6",
  title: "Chang-Roberts election and numbering token on a ring",
  reference: "exercises/sockets/election.ts",
  async run(checker, options) {
    const [program] = programsFor(this, options);
    const sizes = options.np ?? [3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    for (const [run, n] of sizes.entries()) {
      const ids = randomIds(n);
      const initiators = run === 0 ? ids : ids.filter((_, i) => i === 0 || Math.random() < 0.5);
      if (initiators.length < Math.min(2, n)) initiators.push(ids[n - 1]);
      const procs = new Procs();
      try {
        await checker.check(`N=${n}, ring ${ids.join("→")}, initiators ${initiators.join(" ")}`, async () => {
          const ports = await Promise.all(ids.map(() => freePort()));
          const ring = ids.map((id, i) =>
            procs.start(
              program,
              [
                "--id",
                id,
                "--port",
                ports[i],
                "--bind",
                "127.0.0.1",
                "--next",
                `127.0.0.1:${ports[(i + 1) % n]}`,
                ...(initiators.includes(id) ? ["--initiator"] : []),
              ],
              `process ${id}`,
            ),
          );
          // two different leaders already printed: the ring may never stop, so judge at once
          let stopWatching = () => {};
          const twoLeaders = new Promise<void>((resolve) => {
            const look = () => new Set(ring.flatMap((p) => valuesOf(p, "LEADER"))).size > 1 && resolve();
            const off = ring.map((p) => p.subscribe(look));
            stopWatching = () => off.forEach((f) => f());
          });
          const allExited = (async () => {
            for (const proc of ring) {
              const { code } = await proc.waitExit(
                "the ring to finish (election, numbering, stop)",
                30_000 + 2_000 * n,
              );
              expect(code === 0, proc.describeExit(), `${proc.label} to exit with code 0 once the numbering is done`);
            }
          })();
          allExited.catch(() => {});
          await Promise.race([allExited, twoLeaders]).finally(stopWatching);
          return checkRing(ids, ring);
        });
      } finally {
        await procs.stopAll();
      }
    }
  },
};
