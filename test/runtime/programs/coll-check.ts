// Helper of the collective test programs: counts checks against a sequential oracle, keeps the first
// failures, and prints one JSON summary line from rank 0 (gathered over COMM_WORLD) for the vitest side.
import { isDeepStrictEqual } from "node:util";
import type * as mpi from "tsmpi";

export class Checks {
  count = 0;
  failures: string[] = [];
  constructor(readonly rank: number) {}

  eq(name: string, got: unknown, want: unknown): void {
    this.count++;
    if (isDeepStrictEqual(got, want)) return;
    if (this.failures.length < 20) this.failures.push(`rank ${this.rank} ${name}: got ${show(got)}, want ${show(want)}`);
  }

  /** Runs `body`, which must throw an MpiError with `code` whose message matches `text`. */
  async throws(name: string, code: string, text: RegExp, body: () => Promise<unknown>): Promise<void> {
    this.count++;
    try {
      await body();
      this.failures.push(`rank ${this.rank} ${name}: did not throw (want ${code})`);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code !== code || !text.test(e.message ?? "")) this.failures.push(`rank ${this.rank} ${name}: threw ${e.code}: ${e.message} (want ${code} matching ${text})`);
    }
  }

  /** Gathers every rank's results on rank 0 and prints {np, checks, failures, ...extra}. */
  async report(comm: mpi.Intracomm, extra: Record<string, unknown> = {}): Promise<void> {
    const all = await comm.gather({ count: this.count, failures: this.failures }, 0);
    if (comm.rank !== 0) return;
    const failures = all!.flatMap((x) => x.failures);
    console.log(JSON.stringify({ np: comm.size, checks: all!.reduce((a, x) => a + x.count, 0), failures: failures.slice(0, 30), ...extra }));
  }
}

function show(x: unknown): string {
  const text = ArrayBuffer.isView(x) ? `${x.constructor.name}[${Array.from(x as unknown as ArrayLike<number>).slice(0, 12).join(",")}${(x as unknown as ArrayLike<number>).length > 12 ? ",…" : ""}]` : JSON.stringify(x, (_, v) => (typeof v === "bigint" ? `${v}n` : v));
  return (text ?? String(x)).slice(0, 200);
}

/** [0, 1, …, n-1] */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
