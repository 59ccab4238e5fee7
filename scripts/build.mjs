// `npm run build` (also run by `prepare`, so `npm ci`, `npm install` of a checkout and `npm pack` build):
// compiles the runtime and the launcher to JavaScript with declarations in dist/ (tsconfig.build.json),
// copies the launcher's non-TypeScript files beside them, and writes dist/.build-stamp last. The tsrun
// command runs dist/ only when that stamp is newer than every source file (launcher/bin/tsrun.mjs).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const stamp = path.join(dist, ".build-stamp");

/** Files the launcher reads at run time next to its own modules (guard.cjs, the viewer's client script…). */
function assets() {
  return ["launcher", "runtime"].flatMap((dir) =>
    fs
      .readdirSync(path.join(root, dir), { recursive: true })
      .map(String)
      .filter((f) => !f.endsWith(".ts") && !f.startsWith("bin") && fs.statSync(path.join(root, dir, f)).isFile())
      .map((f) => path.join(dir, f)),
  );
}

fs.rmSync(stamp, { force: true }); // while building, tsrun runs the sources (tsc leaves unchanged files alone)
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { stdio: "inherit" });
if (result.status !== 0) {
  process.stderr.write("build: tsc failed (see above); dist/ is left without its stamp, so tsrun runs the sources\n");
  process.exit(result.status ?? 1);
}
for (const asset of assets()) {
  fs.mkdirSync(path.dirname(path.join(dist, asset)), { recursive: true });
  const [from, to] = [path.join(root, asset), path.join(dist, asset)];
  if (!fs.existsSync(to) || !fs.readFileSync(from).equals(fs.readFileSync(to))) fs.copyFileSync(from, to);
}
fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
