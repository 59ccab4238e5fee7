// Compiles a rank's program once per job: esbuild bundles the TypeScript program, the tsmpi runtime it
// imports as "tsmpi", and its dependencies into one ES module, so every rank starts as plain `node`
// (no per-process TypeScript loader: ~80 ms instead of ~380 ms per rank) and top-level await works in any
// folder, with or without a package.json. import.meta.url keeps naming each source file, process.argv[1]
// names the program, and source maps make stack traces point at the .ts lines.
import type * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { privateDirProblem } from "../runtime/wire/bootstrap.ts";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { packageRoot as projectRoot } from "./package-root.ts";

const requireHere = createRequire(path.join(projectRoot, "package.json"));

/** Packages with native parts or runtime file lookups: resolved at run time from tsmpi's own node_modules. */
const EXTERNAL_PACKAGES = [
  "better-sqlite3",
  "cpu-features",
  "msgpackr-extract",
  "esbuild",
  "playwright-core",
  "fsevents",
  "ssh2",
];

export class BundleError extends Error {}

/**
 * The bundle cache: $XDG_CACHE_HOME/tsmpi/bundles, or ~/.cache/tsmpi/bundles. Never a fixed name in a
 * shared directory: anyone could create that first and plant a bundle that this user would then run.
 * The base directory must be this user's and not writable by others; tsmpi/ and bundles/ must be this
 * user's, real directories (not symlinks), mode 0700. Anything else is refused with a message.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, leaf = "bundles"): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || os.homedir(), ".cache");
  try {
    fs.mkdirSync(base, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new BundleError(
      `cannot create the cache directory ${base} (${(err as Error).message}); set XDG_CACHE_HOME to a directory of your own`,
    );
  }
  const baseProblem = ownedNotShared(base);
  if (baseProblem) throw new BundleError(`refusing the cache directory: ${baseProblem}. ${CACHE_HINT}`);
  let dir = base;
  for (const part of ["tsmpi", leaf]) {
    dir = path.join(dir, part);
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST")
        throw new BundleError(`cannot create ${dir}: ${(err as Error).message}`);
    }
    const problem = privateDirProblem(dir);
    if (problem) throw new BundleError(`refusing the bundle cache: ${problem}. ${CACHE_HINT}`);
  }
  return dir;
}

/**
 * V8's code cache for the ranks' bundles: Node 22.1 and later keep compiled code of the modules a rank loads
 * in the directory NODE_COMPILE_CACHE names, so the ranks of the next job skip parsing and compiling the
 * bundle (tsmpi/v8, next to the bundles and checked as they are). Node 20 has no cache for ES modules (the
 * bundle must stay one, for top-level await): there the variable is not set and ranks compile as before.
 */
export function compileCacheEnv(env: NodeJS.ProcessEnv, version = process.versions.node): NodeJS.ProcessEnv {
  const [major, minor] = version.split(".").map(Number);
  if (major < 22 || (major === 22 && minor < 1) || env.NODE_COMPILE_CACHE !== undefined) return env;
  try {
    return { ...env, NODE_COMPILE_CACHE: cacheDir(env, "v8") };
  } catch {
    return env; // no private cache directory: ranks compile as before
  }
}

const CACHE_HINT =
  "Someone else may have prepared it for you to run their code: remove it (or set XDG_CACHE_HOME to a directory of your own, mode 700)";

/** The base cache directory may be 0755 (as ~/.cache often is) but must be ours, real, and not writable by others. */
function ownedNotShared(dir: string): string | null {
  const st = fs.lstatSync(dir);
  if (st.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!st.isDirectory()) return `${dir} is not a directory`;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `${dir} belongs to uid ${st.uid}, not to you (uid ${uid})`;
  if ((st.mode & 0o022) !== 0) return `${dir} has mode ${(st.mode & 0o777).toString(8)}: others may write in it`;
  return null;
}

interface CacheEntry {
  inputs: Record<string, string>; // path → sha256 of its content
  output: Record<string, string>; // file name → sha256 of the bundle (and its map)
}

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Fresh only when every input (the program among them) and the bundle itself still hash as recorded. */
function upToDate(abs: string, outfile: string, metaFile: string): boolean {
  try {
    const meta = JSON.parse(fs.readFileSync(metaFile, "utf8")) as CacheEntry;
    const inputs = Object.entries(meta.inputs ?? {});
    if (!inputs.some(([p]) => p === abs)) return false;
    if (!inputs.every(([p, h]) => sha256(fs.readFileSync(p)) === h)) return false;
    const outputs = Object.entries(meta.output ?? {});
    if (!outputs.some(([f]) => f === path.basename(outfile))) return false;
    return outputs.every(([f, h]) => sha256(fs.readFileSync(path.join(path.dirname(outfile), f))) === h);
  } catch {
    return false;
  }
}

/** Writes a file under a fresh random name (exclusive create, 0600), then renames it into place. */
export function writeExclusive(file: string, contents: string | Uint8Array): void {
  const tmp = `${file}.${randomBytes(8).toString("hex")}.tmp`;
  try {
    fs.writeFileSync(tmp, contents, { flag: "wx", mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** `import.meta.url`, `.filename` or `.dirname` as an expression: not right after or before a quote. */
const IMPORT_META = /(?<!["'`])\bimport\.meta\.(url|filename|dirname)\b(?!["'`])/g;

/** Rewrites import.meta.url/filename/dirname of a source file to its own location (not the bundle's). */
function keepImportMeta(): esbuild.Plugin {
  return {
    name: "tsrun-import-meta",
    setup(build) {
      build.onLoad({ filter: /\.(m|c)?(t|j)sx?$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await fs.promises.readFile(args.path, "utf8");
        if (!source.includes("import.meta")) return undefined;
        const values: Record<string, string> = {
          url: pathToFileURL(args.path).href,
          filename: args.path,
          dirname: path.dirname(args.path),
        };
        // Only the expression, never the words inside a string literal (this very file names them in quotes).
        const contents = source.replace(IMPORT_META, (_, field: string) => JSON.stringify(values[field]));
        const ext = path.extname(args.path).slice(1);
        const loader = (ext.startsWith("m") || ext.startsWith("c") ? ext.slice(1) : ext) as esbuild.Loader;
        return { contents, loader };
      });
    },
  };
}

/** Resolves "tsmpi" (and "tsmpi/launcher") to this checkout, and native packages to absolute paths. */
function resolveTsmpi(): esbuild.Plugin {
  return {
    name: "tsrun-resolve",
    setup(build) {
      build.onResolve({ filter: /^tsmpi(\/launcher)?$/ }, (args) => ({
        path: path.join(projectRoot, args.path === "tsmpi" ? "runtime/index.ts" : "launcher/index.ts"),
      }));
      const externals = new RegExp(`^(${EXTERNAL_PACKAGES.join("|")})(/.*)?$`);
      build.onResolve({ filter: externals }, (args) => {
        try {
          return { path: requireHere.resolve(args.path), external: true };
        } catch {
          return { path: args.path, external: true };
        }
      });
    },
  };
}

/** Bundles `program` (reusing a cached bundle whose inputs have not changed); returns the bundle path. */
export async function bundleProgram(program: string): Promise<string> {
  const abs = path.resolve(program);
  const key = createHash("sha256").update(abs).update(projectRoot).digest("hex").slice(0, 20);
  const outfile = path.join(cacheDir(), `${key}.mjs`);
  const metaFile = `${outfile}.json`;
  if (upToDate(abs, outfile, metaFile)) return outfile;
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    // loaded only when a program must be compiled again: a job whose bundle is current starts without it
    const { build } = await import("esbuild");
    result = await build({
      entryPoints: [abs],
      outfile,
      write: false,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "linked",
      // positions only: Node reads and parses the map in every rank at start (sources would triple its size)
      sourcesContent: false,
      metafile: true,
      logLevel: "silent",
      absWorkingDir: path.dirname(abs),
      plugins: [resolveTsmpi(), keepImportMeta()],
      banner: {
        js: [
          `import { createRequire as __tsrunCreateRequire } from "node:module";`,
          `const require = __tsrunCreateRequire(${JSON.stringify(abs)});`,
          `process.argv[1] = ${JSON.stringify(abs)};`,
        ].join("\n"),
      },
    });
  } catch (err) {
    const failure = err as esbuild.BuildFailure;
    const first = failure.errors?.[0];
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column + 1}: ` : "";
    throw new BundleError(`cannot compile ${program}: ${where}${first?.text ?? (err as Error).message}`);
  }
  // Write beside the final name, then rename: jobs bundling the same program at once never see half a file.
  const output: Record<string, string> = {};
  for (const file of result.outputFiles ?? []) {
    writeExclusive(file.path, file.contents);
    output[path.basename(file.path)] = sha256(file.contents);
  }
  const inputs: Record<string, string> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const p = path.resolve(path.dirname(abs), input.replace(/^[a-z-]+:/, ""));
    try {
      inputs[p] = sha256(fs.readFileSync(p));
    } catch {
      /* virtual module */
    }
  }
  writeExclusive(metaFile, JSON.stringify({ inputs, output } satisfies CacheEntry));
  return outfile;
}
