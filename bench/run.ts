// `npm run bench -- <name>…`: runs benchmarks by name (bench/<name>.ts, plus bench/<name>-*.ts), each
// printing JSON lines. With no name, runs them all. Names: pingpong, collectives, datatypes, rma, launch, salad-blockchain, grade-class.
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { root } from "./lib.ts";

const here = path.join(root, "bench");
const all = fs
  .readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "lib.ts", "raw-pingpong.ts"].includes(f));
const wanted = process.argv.slice(2);
const files = wanted.length ? all.filter((f) => wanted.some((w) => f === `${w}.ts` || f.startsWith(`${w}-`))) : all;
const unknown = wanted.filter((w) => !all.some((f) => f === `${w}.ts` || f.startsWith(`${w}-`)));
if (unknown.length) {
  console.error(
    `bench: unknown benchmark ${unknown.join(", ")}; known: ${[...new Set(all.map((f) => f.replace(/(-.*)?\.ts$/, "")))].join(", ")}`,
  );
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join("bench", file)], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
