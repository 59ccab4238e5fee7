#!/usr/bin/env node
// The tsrun command. An installed tsmpi runs its compiled launcher (dist/launcher, plain node: no
// TypeScript loader, no compile cache). In a git checkout where dist/ is missing or older than a source
// file (an edit since the last `npm run build`), it runs the launcher's TypeScript sources through tsx
// instead, so a change is never run stale; `npm ci` and `npm run build` bring dist/ back up to date.
// (An installed package is never a checkout: npm does not keep file times, so none are compared there.)
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const stamp = path.join(root, "dist", ".build-stamp");

/** True when dist/ was built (and, in a checkout, after the last change to any file under launcher/ or runtime/). */
function distIsCurrent() {
  let built;
  try {
    built = fs.statSync(stamp).mtimeMs;
  } catch {
    return false;
  }
  if (!fs.existsSync(path.join(root, ".git"))) return true;
  for (const dir of ["launcher", "runtime"]) {
    for (const entry of fs.readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs > built)
        return false;
    }
  }
  return true;
}

async function loadLauncher() {
  if (process.env.TSMPI_LAUNCHER !== "source" && distIsCurrent())
    return import(pathToFileURL(path.join(root, "dist/launcher/cli.js")).href);
  let register;
  try {
    ({ register } = await import("tsx/esm/api"));
  } catch {
    process.stderr.write(
      `tsrun: the compiled launcher in ${path.join(root, "dist")} is missing or out of date; run 'npm run build' in ${root}\n`,
    );
    process.exit(1);
  }
  register();
  return import("../cli.ts");
}

// A closed terminal or pipe (tsrun … | head) must not crash the launcher: output is then dropped.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});
const { main } = await loadLauncher();
const code = await main(process.argv.slice(2));
// Writes to a pipe are asynchronous: exit only once the ranks' last lines have left (a slow reader, such as a
// test runner under load, must still get every line), or after a few seconds if nobody reads at all.
const flushed = (stream) => new Promise((resolve) => stream.write("", () => resolve()));
await Promise.race([
  Promise.all([flushed(process.stdout), flushed(process.stderr)]),
  new Promise((r) => setTimeout(r, 5000).unref()),
]);
process.exit(code);
