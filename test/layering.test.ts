// Enforces the architecture's rules (docs/architecture.md). Imports go one way: wire → datatype, trace →
// transport → comm → collectives → rma → mpi (the facade: one file per MPI object) → index.ts → exercises.
// Pure layers (wire, datatype, trace) import nothing above them; collectives and one-sided code never
// reach the transport (they go through the point-to-point engine); no runtime module is imported for its
// side effects (nothing may depend on import order); the runtime never imports the launcher except
// through runtime/wire/bootstrap.ts; every MPI object users get is a class of the facade; exercises,
// benchmark programs and test programs are user programs: "tsmpi" (or the launcher's library), node
// built-ins and, for the project's own tests and benchmarks, the internal entry runtime/internal.ts —
// never another runtime file; test helpers live in test/harness/, not borrowed from the graders.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "./harness/paths.ts";

const RANK: Record<string, number> = {
  // The base layer: imported by every layer, imports nothing of the runtime but itself.
  "runtime/errors.ts": -1,
  "runtime/constants.ts": -1,
  "runtime/protocol.ts": -1,
  "runtime/wire": 0,
  "runtime/datatype": 1,
  "runtime/trace": 2,
  "runtime/transport": 3,
  "runtime/comm": 4,
  // Start-up sits on the messaging it starts (World, engine, transport); only index.ts imports it.
  "runtime/boot": 5,
  "runtime/collectives": 6,
  "runtime/rma": 7,
  "runtime/mpi": 8,
  "runtime/index.ts": 9,
  "runtime/internal.ts": 9,
};

/** The two entries: the public API, and the one the project's tests and benchmarks may use besides it. */
const ENTRIES = ["runtime/index.ts", "runtime/internal.ts"];

function filesUnder(dir: string): string[] {
  const abs = path.join(projectRoot, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((f) => /\.(ts|mts)$/.test(f))
    .map((f) => path.join(dir, f));
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(projectRoot, file), "utf8");
  const pattern =
    /(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s*["']([^"']+)["']/g;
  return [...text.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** `import "./x.ts"`: a module loaded only for what it does when loaded. */
function sideEffectImportsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(projectRoot, file), "utf8");
  return [...text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)].map((m) => m[1]);
}

const resolveFrom = (file: string, spec: string) =>
  path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), spec));

/** What the launcher may import of the runtime: the bootstrap contract, and the protocol (context ids of shrink). */
const LAUNCHER_SHARES = ["runtime/wire/bootstrap.ts", "runtime/protocol.ts"];

/** Pairs of layers that never import each other, whatever their ranks say. */
const NEVER: [string, string][] = [
  ["runtime/collectives", "runtime/transport"],
  ["runtime/rma", "runtime/transport"],
  ["runtime/collectives", "runtime/boot"],
  ["runtime/rma", "runtime/boot"],
  // the pure layers never reach the engines, even where their ranks would allow it
  ["runtime/datatype", "runtime/trace"],
  ["runtime/trace", "runtime/datatype"],
  // the facade reaches the engines, never the transport or the start-up under them
  ["runtime/mpi", "runtime/transport"],
  ["runtime/mpi", "runtime/boot"],
];

function layerOf(file: string): string | undefined {
  return Object.keys(RANK).find((l) => file === l || file.startsWith(l + "/"));
}

describe("layering", () => {
  const runtimeFiles = [...filesUnder("runtime")];

  it("runtime layers import only layers below them (or their own)", () => {
    const violations: string[] = [];
    for (const file of runtimeFiles) {
      const from = layerOf(file)!;
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), spec));
        if (target.startsWith("launcher")) {
          violations.push(`${file} imports the launcher (${spec})`);
          continue;
        }
        const to = layerOf(target);
        if (to && RANK[to] > RANK[from]) violations.push(`${file} (${from}) imports ${target} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("collectives, one-sided code and the facade never reach the transport directly; pure layers stay apart", () => {
    const violations: string[] = [];
    for (const file of runtimeFiles) {
      for (const spec of importsOf(file).filter((s) => s.startsWith("."))) {
        const target = resolveFrom(file, spec);
        for (const [from, to] of NEVER)
          if (file.startsWith(from + "/") && (target === to || target.startsWith(to + "/")))
            violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("no runtime module is imported only for its side effects", () => {
    const violations = runtimeFiles.flatMap((file) =>
      sideEffectImportsOf(file)
        .filter((s) => s.startsWith("."))
        .map((s) => `${file}: import "${s}"`),
    );
    expect(violations).toEqual([]);
  });

  it("no runtime module patches another when loaded (prototype methods, registries filled by assignment)", () => {
    // a top-level `Something.member = …` or `Something.prototype.method = …`: behaviour that exists only if
    // this module happens to be imported, which is what the facade's real methods replace
    const patch = /^[A-Za-z_$][\w$]*(?:\.[\w$]+)+\s*=[^=]/gm;
    const violations = runtimeFiles.flatMap((file) =>
      [...fs.readFileSync(path.join(projectRoot, file), "utf8").matchAll(patch)].map((m) => `${file}: ${m[0].trim()}`),
    );
    expect(violations).toEqual([]);
  });

  it("test programs and benchmark programs are user programs: tsmpi, node built-ins and the internal entry only", () => {
    const programs = [...filesUnder("test").filter((f) => /\/programs\//.test(f)), ...filesUnder("bench/programs")];
    expect(programs.length).toBeGreaterThan(10);
    const violations: string[] = [];
    for (const file of programs) {
      for (const spec of importsOf(file)) {
        const target = spec.startsWith(".") ? resolveFrom(file, spec) : spec;
        if (target.startsWith("runtime") && !ENTRIES.includes(target)) violations.push(`${file} imports ${target}`);
        if (target.startsWith("launcher") && !target.startsWith("launcher/index"))
          violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("benchmarks reach the runtime through its two entries only (index.ts, internal.ts)", () => {
    const violations: string[] = [];
    for (const file of filesUnder("bench")) {
      for (const spec of importsOf(file).filter((s) => s.startsWith("."))) {
        const target = resolveFrom(file, spec);
        if (target.startsWith("runtime/") && !ENTRIES.includes(target)) violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("every MPI object users get is a class of the facade (runtime/mpi/), one file each", () => {
    const index = fs.readFileSync(path.join(projectRoot, "runtime/index.ts"), "utf8");
    const objects = [
      "Comm",
      "Intracomm",
      "Cartcomm",
      "Group",
      "Win",
      "Request",
      "PersistentRequest",
      "Status",
      "Message",
    ];
    const violations: string[] = [];
    for (const name of objects) {
      const from = new RegExp(`export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*"\\./(mpi/[a-z-]+\\.ts)"`).exec(
        index,
      );
      if (!from) violations.push(`runtime/index.ts does not export ${name} from runtime/mpi/`);
      else if (
        !new RegExp(`export class ${name}\\b`).test(fs.readFileSync(path.join(projectRoot, "runtime", from[1]), "utf8"))
      )
        violations.push(`runtime/${from[1]} does not define ${name}`);
    }
    expect(violations).toEqual([]);
  });

  it("the internal entry is never part of the public API or imported by the runtime itself", () => {
    const violations = runtimeFiles.flatMap((file) =>
      importsOf(file)
        .filter((s) => s.startsWith(".") && resolveFrom(file, s) === "runtime/internal.ts")
        .map(() => `${file} imports runtime/internal.ts`),
    );
    expect(violations).toEqual([]);
  });

  it("tests borrow no helper from the graders: test helpers live in test/harness/", () => {
    // test/harness/run.ts is the one door: it re-exports the process runner the graders share with the tests
    const tests = filesUnder("test").filter((f) => !f.startsWith("test/graders/") && f !== "test/harness/run.ts");
    const violations: string[] = [];
    for (const file of tests) {
      for (const spec of importsOf(file).filter((s) => s.startsWith("."))) {
        const target = resolveFrom(file, spec);
        if (target.startsWith("test/graders/lib/")) violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("the launcher shares only the bootstrap contract and the protocol page with the runtime", () => {
    const violations: string[] = [];
    for (const file of filesUnder("launcher")) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), spec));
        if (target.startsWith("runtime") && !LAUNCHER_SHARES.includes(target))
          violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("exercises import tsmpi, the launcher's library or their own family's helpers, never runtime internals", () => {
    const violations: string[] = [];
    for (const file of filesUnder("exercises")) {
      for (const spec of importsOf(file)) {
        const target = spec.startsWith(".")
          ? path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), spec))
          : spec;
        if (target.startsWith("runtime") || target.startsWith("test")) violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("graders never import an exercise (they run it as processes)", () => {
    const violations: string[] = [];
    // Fixtures are broken variants of exercises (student-like programs), so they may reuse exercise code;
    // *.test.ts files test graders and exercise modules, they are not graders.
    const graders = filesUnder("test/graders").filter(
      (f) => !f.startsWith("test/graders/fixtures/") && !f.endsWith(".test.ts"),
    );
    for (const file of graders) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith(".")) continue;
        const target = path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), spec));
        if (target.startsWith("exercises")) violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
