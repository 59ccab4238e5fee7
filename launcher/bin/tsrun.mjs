#!/usr/bin/env node
// The tsrun command: loads the TypeScript launcher through tsx and runs it.
import { register } from "tsx/esm/api";

register();
// A closed terminal or pipe (tsrun … | head) must not crash the launcher: output is then dropped.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});
const { main } = await import("../cli.ts");
const code = await main(process.argv.slice(2));
process.exit(code);
