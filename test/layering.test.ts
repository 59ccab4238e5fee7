// Enforces the import direction of the architecture (docs/architecture.md): wire → transport → comm →
// collectives → rma → index.ts → exercises. Pure layers (wire, datatype, trace) import nothing above them;
// collectives and one-sided code never reach the transport (they go through the point-to-point engine);
// no runtime module is imported for its side effects (nothing may depend on import order); the runtime
// never imports the launcher except through runtime/wire/bootstrap.ts; exercises, benchmark programs and
// test programs are user programs: they import "tsmpi" (or the launcher's library) and node built-ins,
// never runtime internals.
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
  "runtime/index.ts": 8,
};

function filesUnder(dir: string): string[] {
  const abs = path.join(projectRoot, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { recursive: true, withFileTypes: false }).map(String)
    .filter((f) => /\.(ts|mts)$/.test(f))
    .map((f) => path.join(dir, f));
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(projectRoot, file), "utf8");
  const pattern = /(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s*["']([^"']+)["']/g;
  return [...text.matchAll(pattern)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** `import "./x.ts"`: a module loaded only for what it does when loaded. */
function sideEffectImportsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(projectRoot, file), "utf8");
  return [...text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)].map((m) => m[1]);
}

const resolveFrom = (file: string, spec: string) => path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), spec));

/** What the launcher may import of the runtime: the bootstrap contract, and the protocol (context ids of shrink). */
const LAUNCHER_SHARES = ["runtime/wire/bootstrap.ts", "runtime/protocol.ts"];

/** Pairs of layers that never import each other, whatever their ranks say. */
const NEVER: [string, string][] = [
  ["runtime/collectives", "runtime/transport"],
  ["runtime/rma", "runtime/transport"],
  ["runtime/collectives", "runtime/boot"],
  ["runtime/rma", "runtime/boot"],
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

  it("collectives and one-sided code never reach the transport directly", () => {
    const violations: string[] = [];
    for (const file of runtimeFiles) {
      for (const spec of importsOf(file).filter((s) => s.startsWith("."))) {
        const target = resolveFrom(file, spec);
        for (const [from, to] of NEVER) if (file.startsWith(from + "/") && target.startsWith(to + "/")) violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("no runtime module is imported only for its side effects", () => {
    const violations = runtimeFiles.flatMap((file) => sideEffectImportsOf(file).filter((s) => s.startsWith(".")).map((s) => `${file}: import "${s}"`));
    expect(violations).toEqual([]);
  });

  it("test programs and benchmark programs are user programs: tsmpi and node built-ins only", () => {
    const programs = [
      ...filesUnder("test").filter((f) => /\/programs\//.test(f)),
      ...filesUnder("bench/programs"),
    ];
    expect(programs.length).toBeGreaterThan(10);
    const violations: string[] = [];
    for (const file of programs) {
      for (const spec of importsOf(file)) {
        const target = spec.startsWith(".") ? resolveFrom(file, spec) : spec;
        if (target.startsWith("runtime") || target.startsWith("launcher") && !target.startsWith("launcher/index")) violations.push(`${file} imports ${target}`);
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
        if (target.startsWith("runtime") && !LAUNCHER_SHARES.includes(target)) violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("exercises import tsmpi, the launcher's library or their own family's helpers, never runtime internals", () => {
    const violations: string[] = [];
    for (const file of filesUnder("exercises")) {
      for (const spec of importsOf(file)) {
        const target = spec.startsWith(".") ? path.relative(projectRoot, path.resolve(projectRoot, path.dirname(file), spec)) : spec;
        if (target.startsWith("runtime") || target.startsWith("test")) violations.push(`${file} imports ${target}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it("graders never import an exercise (they run it as processes)", () => {
    const violations: string[] = [];
    // Fixtures are broken variants of exercises (student-like programs), so they may reuse exercise code;
    // *.test.ts files test graders and exercise modules, they are not graders.
    const graders = filesUnder("test/graders").filter((f) => !f.startsWith("test/graders/fixtures/") && !f.endsWith(".test.ts"));
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
