// The conformance harness that runs inside the ranks: a program registers cases (a name and an async
// body run on every rank), the harness runs them in order, gathers every rank's outcome on a private
// communicator and rank 0 prints one line per case:
//   CASE PASS <name>
//   CASE FAIL <name> :: rank <r>: <what differed>
// and at the end `CASES <count>`. A case that does not finish within its hang guard prints its FAIL line
// from the rank that is stuck and aborts the job (what follows it cannot be trusted).
// `node tsrun … program.ts --only=<substring>` runs the matching cases only.
import { isDeepStrictEqual, inspect } from "node:util";
import * as mpi from "tsmpi";

/** One assertion failure inside a case: the message becomes the case's FAIL detail. */
export class CheckFailed extends Error {}

/**
 * Failed checks of the running case. A check records its failure and lets the case go on, so every
 * rank still makes the same sequence of collective calls (a throw on one rank would leave the others
 * waiting in the next collective).
 */
let failures: string[] = [];
function fail(message: string): void {
  failures.push(message);
}

const show = (v: unknown) => inspect(v, { depth: 4, breakLength: Infinity, compact: true, maxArrayLength: 16 }).replace(/\s*\n\s*/g, " ");

/** Fails the case unless `cond` holds. */
export function check(cond: unknown, what: string): void {
  if (!cond) fail(what);
}

/** Fails the case unless `actual` deep-equals `expected` (strict: types, -0, Map and Set contents). */
export function eq(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) fail(`${what}: got ${show(actual)}, expected ${show(expected)}`);
}

/** Python's None where MPI returns "nothing" (a PROC_NULL receive, a send's value): null or undefined. */
export function none(actual: unknown, what: string): void {
  if (actual !== null && actual !== undefined) fail(`${what}: got ${show(actual)}, expected no value (None)`);
}

/** Runs `body`, which must fail with an MpiError of `code` (e.g. "ERR_TRUNCATE"); returns the error. */
export async function throwsCode(code: string, what: string, body: () => unknown): Promise<Error> {
  try {
    await body();
  } catch (err) {
    const got = (err as { code?: string }).code;
    if (got !== code) fail(`${what}: failed with ${got ?? String(err)}, expected ${code}`);
    return err as Error;
  }
  fail(`${what}: succeeded, expected ${code}`);
  return new Error("no error");
}

/** The communicators mpi4py runs most of its cases on (SELF, WORLD, and a dup of each). */
export async function standardComms(): Promise<[string, mpi.Intracomm][]> {
  return [
    ["SELF", mpi.COMM_SELF],
    ["WORLD", mpi.COMM_WORLD],
    ["SELF.dup", await mpi.COMM_SELF.dup()],
    ["WORLD.dup", await mpi.COMM_WORLD.dup()],
  ];
}

type Body = () => unknown;

export class Suite {
  private readonly cases: { name: string; body: Body }[] = [];
  private readonly only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);

  /** Hang guard of one case: 60 s, 30 min with CONFORMANCE_FULL=1 (MPICH's original loop counts). */
  constructor(private readonly hangGuardMs = process.env.CONFORMANCE_FULL === "1" ? 1_800_000 : 60_000) {}

  /** Registers a case; every rank must register the same cases in the same order. */
  case(name: string, body: Body): void {
    if (!this.only || name.includes(this.only)) this.cases.push({ name, body });
  }

  /** Runs every case, prints the report on rank 0, and finalizes. */
  async run(): Promise<void> {
    const world = await mpi.init();
    const control = await world.dup();
    for (const { name, body } of this.cases) {
      const failure = await this.runOne(world.rank, name, body);
      const all = await control.allgather(failure);
      const failed = all.map((f, r) => (f === null ? null : `rank ${r}: ${f}`)).filter((f) => f !== null);
      if (world.rank === 0) console.log(failed.length ? `CASE FAIL ${name} :: ${failed.slice(0, 2).join(" | ")}` : `CASE PASS ${name}`);
    }
    if (world.rank === 0) console.log(`CASES ${this.cases.length}`);
    await control.free();
    await mpi.finalize();
  }

  /** Runs one case on this rank: null when it passed, else one line saying why not. */
  private async runOne(rank: number, name: string, body: Body): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<never>(() => {
      timer = setTimeout(() => {
        console.log(`CASE FAIL ${name} :: rank ${rank}: did not finish within ${this.hangGuardMs / 1000} s`);
        mpi.COMM_WORLD.abort(3);
      }, this.hangGuardMs);
    });
    failures = [];
    try {
      await Promise.race([body(), guard]);
      return failures.length ? failures.slice(0, 3).join("; ") + (failures.length > 3 ? `; … (${failures.length} failed checks)` : "") : null;
    } catch (err) {
      if (err instanceof CheckFailed) return err.message;
      const e = err as { code?: string; message?: string };
      return `threw ${e.code ?? ""} ${(e.message ?? String(err)).split("\n")[0]}`.slice(0, 400);
    } finally {
      clearTimeout(timer);
    }
  }
}
