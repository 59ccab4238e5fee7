// tsrun's trace subcommands:
//   tsrun view DIR [-o FILE]       writes the space-time view of a trace (default DIR/trace.html)
//   tsrun view DIR --svg FILE      also (or, with no -o, only) writes the diagram as a standalone SVG
//   tsrun export-shiviz DIR        prints the trace in ShiViz's log format (redirect it: > run.log)
// Usage errors print one line and exit 2; a directory that holds no trace exits 1 with a hint.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadTrace, TraceError } from "./trace.ts";
import { viewData, viewHtml, viewTitle } from "./html.ts";
import { viewSvg } from "./svg.ts";
import { toShiViz } from "./shiviz.ts";

export const TRACE_COMMANDS = ["view", "export-shiviz"];

const USAGE = "usage: tsrun view DIR [-o FILE] [--svg FILE] | tsrun export-shiviz DIR > run.log";

export function runTraceCommand(argv: string[]): number {
  const [command, ...rest] = argv;
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(`${USAGE}\n  DIR is a directory written by tsrun --trace DIR\n`);
    return 0;
  }
  let out: string | undefined;
  let svgOut: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "-o" || rest[i] === "--output") {
      out = rest[++i];
      if (!out) return usageError(`${rest[i - 1]} needs a file name`);
    } else if (rest[i] === "--svg" && command === "view") {
      svgOut = rest[++i];
      if (!svgOut) return usageError("--svg needs a file name (e.g. --svg run.svg)");
    } else if (rest[i].startsWith("-")) return usageError(`unknown option ${rest[i]}`);
    else positional.push(rest[i]);
  }
  if (positional.length !== 1)
    return usageError(positional.length ? "give one trace directory" : "missing the trace directory");
  if (command === "export-shiviz" && out)
    return usageError("export-shiviz writes to standard output; redirect it (> run.log)");
  const dir = positional[0];
  try {
    const model = loadTrace(dir);
    if (command === "export-shiviz") {
      process.stdout.write(toShiViz(model));
      return 0;
    }
    const received = model.messages.filter((m) => m.recv).length;
    const counts = `${model.np} ranks, ${received} messages, ${model.collectives.length} collective calls`;
    if (svgOut) {
      fs.writeFileSync(svgOut, viewSvg(viewData(model), viewTitle(model)));
      process.stderr.write(`tsrun: wrote ${svgOut} (${counts}): a standalone SVG\n`);
      if (!out) return 0;
    }
    const file = out ?? path.join(dir, "trace.html");
    fs.writeFileSync(file, viewHtml(model));
    process.stderr.write(`tsrun: wrote ${file} (${counts}); open it in a browser\n`);
    return 0;
  } catch (err) {
    if (err instanceof TraceError) {
      process.stderr.write(`tsrun ${command}: ${err.message}\n`);
      return 1;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.path) {
      process.stderr.write(`tsrun ${command}: cannot write ${e.path}: ${e.code}\n`);
      return 1;
    }
    throw err;
  }
}

function usageError(message: string): number {
  process.stderr.write(`tsrun: ${message}. ${USAGE}\n`);
  return 2;
}
