// Compiles a rank's program once per job: esbuild bundles the TypeScript program, the tsmpi runtime it
// imports as "tsmpi", and its dependencies into one ES module, so every rank starts as plain `node`
// (no per-process TypeScript loader: ~80 ms instead of ~380 ms per rank) and top-level await works in any
// folder, with or without a package.json. import.meta.url keeps naming each source file, process.argv[1]
// names the program, and source maps make stack traces point at the .ts lines.
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { packageRoot as projectRoot } from "./package-root.ts";

const requireHere = createRequire(path.join(projectRoot, "package.json"));

/** Packages with native parts or runtime file lookups: resolved at run time from tsmpi's own node_modules. */
const EXTERNAL_PACKAGES = ["better-sqlite3", "cpu-features", "msgpackr-extract", "esbuild", "playwright-core", "fsevents", "ssh2"];

export class BundleError extends Error {}

function cacheDir(): string {
  const dir = path.join(os.tmpdir(), `tsrun-cache-${process.getuid?.() ?? "user"}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

interface CacheEntry {
  inputs: Record<string, number>; // path → mtimeMs
}

function upToDate(outfile: string, metaFile: string): boolean {
  try {
    const meta = JSON.parse(fs.readFileSync(metaFile, "utf8")) as CacheEntry;
    fs.statSync(outfile);
    return Object.entries(meta.inputs).every(([p, m]) => fs.statSync(p).mtimeMs === m);
  } catch {
    return false;
  }
}

/** Rewrites import.meta.url/filename/dirname of a source file to its own location (not the bundle's). */
function keepImportMeta(): esbuild.Plugin {
  return {
    name: "tsrun-import-meta",
    setup(build) {
      build.onLoad({ filter: /\.(m|c)?(t|j)sx?$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await fs.promises.readFile(args.path, "utf8");
        if (!source.includes("import.meta")) return undefined;
        const contents = source
          .replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll("import.meta.filename", JSON.stringify(args.path))
          .replaceAll("import.meta.dirname", JSON.stringify(path.dirname(args.path)));
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
  if (upToDate(outfile, metaFile)) return outfile;
  let result: esbuild.BuildResult<{ metafile: true; write: false }>;
  try {
    result = await esbuild.build({
      entryPoints: [abs],
      outfile,
      write: false,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      sourcemap: "linked",
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
  for (const file of result.outputFiles ?? []) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, file.contents);
    fs.renameSync(tmp, file.path);
  }
  const inputs: Record<string, number> = {};
  for (const input of Object.keys(result.metafile.inputs)) {
    const p = path.resolve(path.dirname(abs), input.replace(/^[a-z-]+:/, ""));
    try {
      inputs[p] = fs.statSync(p).mtimeMs;
    } catch {
      /* virtual module */
    }
  }
  fs.writeFileSync(metaFile, JSON.stringify({ inputs } satisfies CacheEntry));
  return outfile;
}
