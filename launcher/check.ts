// `tsrun --check`: type-checks the program with TypeScript before running it (opt-in: the default start
// stays fast, since esbuild only strips types). Uses the tsconfig.json nearest to the program (as tsc and
// the editor do), or strict options with Bundler resolution when there is none (what esbuild does when
// tsrun bundles: ES modules with top-level await, whatever the folder's package.json says), and makes "tsmpi" resolve to this
// installation's declarations when the program's folder does not resolve it itself. Errors are printed
// as file:line:column, relative to the current folder, like tsc's own output.
import * as fs from "node:fs";
import * as path from "node:path";
import type TS from "typescript";
import { packageRoot } from "./package-root.ts";
import { STUDENT_COMPILER_OPTIONS } from "./init.ts";

export interface CheckResult {
  /** One entry per diagnostic: "file:line:col - error TS2322: message". */
  errors: string[];
  /** The tsconfig.json used, or undefined for the built-in options. */
  config?: string;
}

/** Where "tsmpi" points when the program's folder has no node_modules/tsmpi: compiled declarations, else sources. */
function tsmpiEntry(): { file: string; fromSources: boolean } {
  const declarations = path.join(packageRoot, "dist", "runtime", "index.d.ts");
  if (fs.existsSync(declarations)) return { file: declarations, fromSources: false };
  return { file: path.join(packageRoot, "runtime", "index.ts"), fromSources: true };
}

function compilerOptions(
  ts: typeof TS,
  program: string,
): { options: TS.CompilerOptions; config?: string; errors: readonly TS.Diagnostic[] } {
  const config = ts.findConfigFile(path.dirname(program), ts.sys.fileExists);
  if (config) {
    const parsed = ts.getParsedCommandLineOfConfigFile(
      config,
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
    );
    if (parsed) return { options: parsed.options, config, errors: parsed.errors.filter((d) => d.code !== 18003) }; // 18003: no inputs
  }
  const defaults = {
    ...STUDENT_COMPILER_OPTIONS,
    module: "ESNext",
    moduleResolution: "Bundler",
    typeRoots: [path.join(packageRoot, "node_modules", "@types")],
  };
  const converted = ts.convertCompilerOptionsFromJson(defaults, path.dirname(program));
  return { options: converted.options, errors: converted.errors };
}

function format(ts: typeof TS, diagnostic: TS.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n    ");
  const kind = diagnostic.category === ts.DiagnosticCategory.Warning ? "warning" : "error";
  if (!diagnostic.file || diagnostic.start === undefined) return `${kind} TS${diagnostic.code}: ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const file = path.relative(process.cwd(), diagnostic.file.fileName) || diagnostic.file.fileName;
  return `${file}:${line + 1}:${character + 1} - ${kind} TS${diagnostic.code}: ${message}`;
}

/** Type-checks `program` (an absolute path) and everything it imports. */
export async function typeCheck(program: string): Promise<CheckResult> {
  const ts = (await import("typescript")).default;
  const { options, config, errors: configErrors } = compilerOptions(ts, program);
  options.noEmit = true;
  const resolvesItself = ts.resolveModuleName("tsmpi", program, options, ts.sys).resolvedModule !== undefined;
  if (!resolvesItself) {
    const entry = tsmpiEntry();
    options.paths = { ...options.paths, tsmpi: [entry.file] };
    if (entry.fromSources) options.allowImportingTsExtensions = true;
  }
  const checked = ts.createProgram({ rootNames: [program], options });
  const diagnostics = [...configErrors, ...ts.getPreEmitDiagnostics(checked)];
  return {
    errors: diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).map((d) => format(ts, d)),
    config,
  };
}
