// `npm run conformance`: every ported program at np 1–5 (CONFORMANCE_FULL=1 for MPICH's original loop
// counts and sizes), through the real tsrun, one summary line per program and np. Exits non-zero when a
// case fails that is not a known failure of docs/conformance.md, or a run ends early.
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../harness/run.ts";
import { runCases } from "./lib/run-cases.ts";

/** Known failures, as in the vitest files (each with its reason in docs/conformance.md). */
const known: Record<string, string[]> = {};

const programs = fs
  .readdirSync(path.join(projectRoot, "test/conformance/programs"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.slice(0, -3))
  .sort();
const only = process.argv[2];
let bad = 0;
let cases = 0;
for (const name of programs.filter((p) => !only || p === only)) {
  for (const np of [1, 2, 3, 4, 5]) {
    const started = Date.now();
    const r = await runCases(name, np).catch((err: Error) => ({
      passed: [],
      failed: new Map([["(run)", err.message]]),
      declared: null,
      code: 1,
      stdout: "",
      stderr: "",
    }));
    const unexpected = [...r.failed].filter(([n]) => !(known[name] ?? []).includes(n));
    const ok = r.declared !== null && r.code === 0 && unexpected.length === 0;
    cases += r.passed.length + r.failed.size;
    if (!ok) bad++;
    console.log(
      `${ok ? "ok  " : "FAIL"} ${name} np=${np}: ${r.passed.length} passed, ${r.failed.size} failed (${r.failed.size - unexpected.length} known) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const [n, why] of unexpected) console.log(`     ${n} :: ${why}`);
    if (r.declared === null)
      console.log(`     the run ended early (exit ${r.code}): ${r.stderr.split("\n").slice(-4).join(" | ")}`);
  }
}
console.log(`${cases} case runs, ${bad} program runs not clean`);
process.exit(bad ? 1 : 0);
