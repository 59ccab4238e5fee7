// Where this tsmpi installation lives: the folder holding its package.json. The launcher runs either from
// its TypeScript sources (launcher/*.ts, in a checkout) or compiled (dist/launcher/*.js, once installed),
// so paths to the runtime's sources, the tsrun command and package.json start from here, never from "..".
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`tsmpi: no package.json above ${start}`);
  }
}

export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** The tsrun command's script (what `npm install -g` links as `tsrun`). */
export const tsrunScript = path.join(packageRoot, "launcher", "bin", "tsrun.mjs");

export const packageVersion = (
  JSON.parse(fs.readFileSync(path.join(packageRoot, "package.json"), "utf8")) as { version: string }
).version;
