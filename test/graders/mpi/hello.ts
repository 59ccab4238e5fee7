// Grader for exercises 9.2/9.3/9.4 (hello: rank, size, host): for each N (1, 2, 4, 8 by default) runs
// the program under tsrun and checks one line per rank, "hello from rank R of N on HOST" (or the
// handout's "Je suis le processus R parmi N sur HOST"), with ranks 0..N-1 each once, size N, and a host.
// With TSMPI_GRADE_HOSTFILE=FILE in the environment it also runs over that hostfile (SSH) and lists the
// hosts each rank reported.
import * as os from "node:os";
import { expect, fail, programOf, type Grader } from "../lib/grader.ts";
import { expectSuccess, runMpi, sample, type MpiRun } from "./lib/mpirun.ts";

const LINE = /(?:rank|processus)\s+(\d+)\s+(?:of|parmi|\/)\s+(\d+)\s+(?:on|sur)\s+(\S+?)\.?$/i;

function checkGreetings(run: MpiRun): Map<number, string> {
  const hosts = new Map<number, string>();
  for (const line of run.lines) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [rank, size, host] = [Number(m[1]), Number(m[2]), m[3]];
    expect(size === run.np, `rank ${rank} says the job has ${size} ranks`, `${run.np}`, "print comm.size");
    expect(rank >= 0 && rank < run.np, `a line names rank ${rank}`, `ranks 0..${run.np - 1}`);
    if (hosts.has(rank))
      fail(
        `rank ${rank} printed twice`,
        "one line per rank",
        "each process prints once; is a rank computed instead of read from comm.rank?",
      );
    hosts.set(rank, host);
  }
  const missing = Array.from({ length: run.np }, (_, r) => r).filter((r) => !hosts.has(r));
  if (missing.length)
    fail(
      `no line from rank ${missing.join(", ")} (${run.command})`,
      `"hello from rank R of ${run.np} on HOST" from every rank`,
      `lines seen: ${sample(run.lines)}`,
    );
  return hosts;
}

export const helloGrader: Grader = {
  id: "9.2",
  title: "hello: every rank prints its rank, the number of ranks and its host (9.2, 9.3, 9.4)",
  reference: "exercises/mpi/hello.ts",
  async run(checker, options) {
    const program = programOf(this, options);
    for (const n of options.np ?? [1, 2, 4, 8]) {
      await checker.check(`N=${n}: ranks 0..${n - 1} each print once, with size ${n} and their host`, async () => {
        const run = await runMpi(program, n);
        expectSuccess(run);
        const hosts = checkGreetings(run);
        const local = os.hostname();
        const strange = [...hosts].filter(([, h]) => h !== local);
        expect(
          strange.length === 0,
          `rank ${strange[0]?.[0]} says it runs on "${strange[0]?.[1]}"`,
          `"${local}" (every rank is local here)`,
          "print mpi.processorName()",
        );
        return `${n} rank${n > 1 ? "s" : ""} on ${local}`;
      });
    }
    const hostfile = process.env.TSMPI_GRADE_HOSTFILE;
    if (hostfile) {
      const n = options.np?.[0] ?? 4;
      await checker.check(`N=${n} over the hostfile ${hostfile}: every rank prints once, with its host`, async () => {
        const run = await runMpi(program, n, { tsrunArgs: ["--hostfile", hostfile] });
        expectSuccess(run);
        const hosts = checkGreetings(run);
        return [...hosts].map(([r, h]) => `${r}@${h}`).join(" ");
      });
    }
  },
};
