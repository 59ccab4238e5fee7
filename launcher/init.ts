// `tsrun init [DIR]`: makes DIR (default: the current folder) a ready student folder for this installation:
//   package.json   "type": "module", and npm scripts that run and check hello.ts
//   tsconfig.json  strict, NodeNext, noEmit: what `tsc --noEmit`, `tsrun --check` and the editor use
//   hello.ts       the README's hello world
//   .gitignore     node_modules/, traces and the deadlock graph tsrun writes
//   node_modules/tsmpi → this installation (what `npm link tsmpi` makes), so tsc and the editor resolve
//                  `import * as mpi from "tsmpi"` to its compiled declarations, with full types.
// Existing files are never overwritten: each is listed as kept.
import * as fs from "node:fs";
import * as path from "node:path";
import { packageRoot } from "./package-root.ts";

export const INIT_USAGE =
  "usage: tsrun init [DIR]   (writes package.json, tsconfig.json, hello.ts and .gitignore in DIR, default .)";

const HELLO = `// hello.ts: run it with  tsrun -np 4 hello.ts   (type-check first: tsrun --check -np 4 hello.ts)
import * as mpi from "tsmpi";

const comm = await mpi.init();
console.log(\`hello from rank \${comm.rank} of \${comm.size} on \${mpi.processorName()}\`);
await mpi.finalize();
`;

/** Compiler options for a student folder; NodeNext matches how tsrun runs the file (ES modules, top-level await). */
export const STUDENT_COMPILER_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  lib: ["ES2023"],
  types: ["node"],
  typeRoots: ["./node_modules/@types", "./node_modules/tsmpi/node_modules/@types"],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  forceConsistentCasingInFileNames: true,
};

function packageJson(dir: string): string {
  const name =
    path
      .basename(path.resolve(dir))
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^[._-]+/, "") || "mpi-lab";
  const pkg = {
    name,
    private: true,
    type: "module",
    scripts: { start: "tsrun -np 4 hello.ts", check: "tsrun --check hello.ts" },
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

function files(dir: string): Record<string, string> {
  return {
    "package.json": packageJson(dir),
    "tsconfig.json":
      JSON.stringify({ compilerOptions: STUDENT_COMPILER_OPTIONS, include: ["**/*.ts"] }, null, 2) + "\n",
    "hello.ts": HELLO,
    ".gitignore": "node_modules/\ntsrun-deadlock.dot\ntrace*/\n",
  };
}

/** Links DIR/node_modules/tsmpi to this installation unless something is already there. */
function linkTsmpi(dir: string): string {
  const link = path.join(dir, "node_modules", "tsmpi");
  let existing: string | undefined;
  try {
    existing = fs.realpathSync(link);
  } catch {
    existing = undefined;
  }
  if (existing !== undefined)
    return existing === fs.realpathSync(packageRoot)
      ? "  kept node_modules/tsmpi (already this installation)"
      : `  kept node_modules/tsmpi (points at ${existing})`;
  fs.rmSync(link, { force: true }); // a dangling link left by an installation that moved
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(packageRoot, link, "dir");
  return `  linked node_modules/tsmpi -> ${packageRoot}`;
}

export function runInit(argv: string[]): number {
  const args = argv.slice(1);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${INIT_USAGE}\n`);
    return 0;
  }
  const unknown = args.find((a) => a.startsWith("-"));
  if (unknown || args.length > 1) {
    process.stderr.write(
      `tsrun init: ${unknown ? `unknown option ${unknown}` : "give at most one folder"}. ${INIT_USAGE}\n`,
    );
    return 2;
  }
  const dir = path.resolve(args[0] ?? ".");
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    process.stderr.write(`tsrun init: ${args[0]} exists and is not a folder\n`);
    return 2;
  }
  fs.mkdirSync(dir, { recursive: true });
  const lines = [`tsrun init: ${dir}`];
  for (const [name, text] of Object.entries(files(dir))) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) {
      lines.push(`  kept ${name} (already there)`);
      continue;
    }
    fs.writeFileSync(file, text);
    lines.push(`  wrote ${name}`);
  }
  lines.push(linkTsmpi(dir));
  const cd = path.relative(process.cwd(), dir);
  lines.push(
    "",
    "Next:",
    ...(cd ? [`  cd ${cd}`] : []),
    "  tsrun -np 4 hello.ts          run 4 ranks",
    "  tsrun --check hello.ts        type-check (errors with file:line)",
  );
  process.stdout.write(lines.join("\n") + "\n");
  return 0;
}
