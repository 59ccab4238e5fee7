// For runtime tests whose program prints one JSON line per rank: run it through the real tsrun, check it
// ended cleanly within its hang guard, and return each rank's object in rank order.
import { expect } from "vitest";
import * as path from "node:path";
import { runTsrun, projectRoot } from "../../harness/run.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each program prints its own JSON
type RankOutput = any;

export async function runRanks(
  np: number,
  name: string,
  programArgs: string[] = [],
  tsrunArgs: string[] = [],
): Promise<RankOutput[]> {
  const program = path.join(projectRoot, "test/runtime/programs", name);
  const r = await runTsrun(np, program, { timeoutMs: 60_000, programArgs, tsrunArgs });
  expect(r.timedOut, `hang: ${r.stderr}`).toBe(false);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("{"));
  expect(lines.length, r.stdout + r.stderr).toBe(np);
  return lines.map((l) => JSON.parse(l)).sort((a, b) => a.rank - b.rank);
}
