// `npm run handouts -- [--out DIR] [ids…]`: writes a student pack (handouts, starters, tsconfig, README)
// for the chosen exercises, all of them when no id is given. DIR is relative to the directory the command
// was called from (default ./tsmpi-exercises). Exit code 1 when a named exercise could not be packed.
import * as path from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { select } from "./catalogue.ts";
import { buildPack } from "./pack.ts";

const argv = yargs(hideBin(process.argv))
  .scriptName("npm run handouts --")
  .usage("$0 [--out DIR] [ids…]\n\nWrites a student pack: handouts and starters, never a solution.")
  .option("out", {
    type: "string",
    default: "tsmpi-exercises",
    describe: "the pack's directory (must not exist, or be empty)",
  })
  .strictOptions()
  .help()
  .parseSync();

const ids = argv._.flatMap((a) => String(a).split(",")).filter(Boolean);
const { chosen, unknown } = select(ids);
if (unknown.length) {
  console.error(
    `handouts: unknown exercise id ${unknown.join(", ")}. Known ids: ${select([])
      .chosen.map((e) => e.id)
      .join(", ")}`,
  );
  process.exit(2);
}
const outDir = path.resolve(process.env.INIT_CWD ?? process.cwd(), argv.out);
try {
  const result = buildPack(outDir, chosen);
  console.log(
    `handouts: wrote ${result.files.length} files to ${outDir} (exercises ${result.packed.join(", ") || "none"})`,
  );
  for (const { id, reason } of result.skipped) console.log(`handouts: left out ${id}: ${reason}`);
  if (result.noHandout.length)
    console.log(`handouts: no handout yet for ${result.noHandout.join(", ")} (starters packed)`);
  process.exit(ids.length && result.skipped.length ? 1 : 0);
} catch (err) {
  console.error(`handouts: ${(err as Error).message}`);
  process.exit(2);
}
