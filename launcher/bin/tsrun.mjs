#!/usr/bin/env node
// The tsrun command: loads the TypeScript launcher through tsx and runs it.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli.ts");
const code = await main(process.argv.slice(2));
process.exit(code);
