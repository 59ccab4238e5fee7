// Shared by the collective tests: runs a test program under the real tsrun (optionally forcing
// algorithms with --coll) and returns the JSON summary line it printed, with the output for failures.
import * as path from "node:path";
import { runTsrun, projectRoot } from "../../harness/run.ts";

export const NPS = [1, 2, 3, 4, 5, 7, 8];

export interface Summary {
  np: number;
  checks: number;
  failures: string[];
  coll?: string;
}

export async function runProgram(program: string, np: number, coll?: string): Promise<{ summary: Summary | null; output: string; code: number | null }> {
  const r = await runTsrun(np, path.join(projectRoot, "test/runtime/programs", program), {
    tsrunArgs: coll ? ["--coll", coll] : [],
    timeoutMs: 60_000,
  });
  const line = r.stdout.split("\n").reverse().find((l) => l.startsWith("{"));
  const output = `exit ${r.code}${r.timedOut ? " (killed by the hang guard)" : ""}\n${r.stdout}\n${r.stderr}`.slice(-4000);
  return { summary: line ? (JSON.parse(line) as Summary) : null, output, code: r.code };
}
