// The handouts pack (test/graders/pack/): SOLUTION regions parse and become starters (pure, fast); every
// reference either has regions or is on the pending list; the pack built from the whole catalogue holds
// no solution line of any reference and no teacher answer, has a handout per exercise, and type-checks
// under strict TypeScript. Grading the starters is test/graders/starters.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { projectRoot } from "./lib/run.ts";
import { exercises, GIVEN_AS_IS, handoutsOf, PENDING_HANDOUTS, PENDING_REGIONS } from "./pack/catalogue.ts";
import { buildPack, withoutRegions, type PackResult } from "./pack/pack.ts";
import { makeStarter, parseRegions, solutionLines } from "./pack/regions.ts";

const REFERENCE = [
  "const a = 1;",
  "if (a) {",
  "  // SOLUTION BEGIN: compute b from a",
  "  // STARTER: const b = 0;",
  "  const b = a * 2;",
  "  // SOLUTION END",
  "  console.log(b);",
  "}",
].join("\n");

describe("SOLUTION regions", () => {
  it("a region becomes a TODO with its hint and its STARTER lines, at the region's indentation", () => {
    expect(makeStarter(REFERENCE)).toBe(
      ["const a = 1;", "if (a) {", "  // TODO: compute b from a", "  const b = 0;", "  console.log(b);", "}"].join(
        "\n",
      ),
    );
  });

  it("records the solution lines, without the STARTER lines", () => {
    const [region] = parseRegions(REFERENCE);
    expect(region).toMatchObject({
      hint: "compute b from a",
      begin: 3,
      end: 6,
      solution: ["  const b = a * 2;"],
      starter: ["  const b = 0;"],
    });
  });

  it("a file without regions is its own starter", () => {
    expect(makeStarter("const x = 1;\n")).toBe("const x = 1;\n");
  });

  it.each([
    [
      "// SOLUTION BEGIN: a\n// SOLUTION BEGIN: b\n// SOLUTION END",
      "f.ts:2: SOLUTION BEGIN inside the region opened at line 1",
    ],
    ["x;\n// SOLUTION END", "f.ts:2: SOLUTION END without a SOLUTION BEGIN"],
    ["// SOLUTION BEGIN: a\nx;", "f.ts:1: SOLUTION BEGIN never closed"],
    ["// SOLUTION BEGIN\n// SOLUTION END", "f.ts:1: SOLUTION BEGIN needs a hint"],
    ["// STARTER: let x = 0;", "f.ts:1: a STARTER line outside any SOLUTION region"],
    ["// SOLUTION BEGINS: a", "f.ts:1: a misspelt marker"],
  ])("rejects a malformed file with its file:line (%#)", (text, message) => {
    expect(() => parseRegions(text, "f.ts")).toThrow(message);
  });

  it("solution lines worth searching skip short lines, comments and lines the starter gives", () => {
    const regions = parseRegions(
      "// SOLUTION BEGIN: h\n// STARTER: const given = computeSomething();\nconst given = computeSomething();\n}\n// a comment long enough\nawait comm.send(value, dest, 0);\n// SOLUTION END",
    );
    expect(solutionLines(regions)).toEqual(["await comm.send(value, dest, 0);"]);
  });
});

describe("the references", () => {
  it("every reference parses, and only the pending exercises have no regions", () => {
    const lacking = exercises()
      .filter((ex) => withoutRegions(ex).length > 0)
      .map((ex) => ex.id);
    expect(
      lacking.filter((id) => !PENDING_REGIONS.has(id)),
      `exercises without SOLUTION regions: ${lacking.join(", ")}`,
    ).toEqual([]);
  });

  it("every exercise has a handout, but the pending ones", () => {
    const missing = exercises()
      .filter((ex) => !fs.existsSync(path.join(projectRoot, ex.handout)))
      .map((ex) => ex.id);
    expect(missing.filter((id) => !PENDING_HANDOUTS.has(id))).toEqual([]);
  });

  it("every handout gives the statement, the lines to print, how to run, and the grade command of each grader", () => {
    for (const ex of exercises().filter((e) => !PENDING_HANDOUTS.has(e.id))) {
      const texts = handoutsOf(ex).map((h) => fs.readFileSync(path.join(projectRoot, h), "utf8"));
      const main = texts[0];
      expect(main, ex.handout).toMatch(/statement/i);
      expect(main, ex.handout).toMatch(/print/i);
      expect(main, ex.handout).toMatch(/\brun\b/i);
      for (const g of ex.graders) {
        const command = new RegExp(`run grade -- ${g.id.replace(/\./g, "\\.")}(?![\\w.-])`);
        expect(
          texts.some((t) => command.test(t)),
          `${handoutsOf(ex).join(", ")}: no "npm run grade -- ${g.id}"`,
        ).toBe(true);
      }
    }
  });
});

describe("the student pack", () => {
  // inside the project (its gitignored tmp/), so that the pack's imports of "tsmpi" and npm packages resolve
  let dir = "";
  let result: PackResult;
  const packFiles = () => result.files.map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")] as const);

  beforeAll(() => {
    fs.mkdirSync(path.join(projectRoot, "tmp"), { recursive: true });
    dir = fs.mkdtempSync(path.join(projectRoot, "tmp", "pack-"));
    result = buildPack(dir, exercises());
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("packs every exercise whose references have regions, and says why it left out the others", () => {
    expect(result.packed.length).toBeGreaterThan(0);
    for (const { id, reason } of result.skipped) {
      expect(PENDING_REGIONS.has(id), `${id} left out: ${reason}`).toBe(true);
      expect(reason).toContain("no SOLUTION regions yet in exercises/");
    }
    expect(result.files).toEqual(
      expect.arrayContaining(["README.md", "tsconfig.json", "package.json", "mpi/ring.ts", "mpi/handouts/10.3.md"]),
    );
    // every handout of a packed exercise, an extension's own too (8-ext)
    const handouts = exercises()
      .filter((e) => result.packed.includes(e.id))
      .flatMap(handoutsOf)
      .map((h) => h.replace(/^exercises\//, ""));
    expect(handouts).toContain("sockets/handouts/8-ext.md");
    expect(result.files).toEqual(expect.arrayContaining(handouts));
  });

  it("holds no solution line of any reference", () => {
    // a line inside a region that some program hands out anyway (outside its regions, or in a helper module
    // shipped as it is, such as the salad's master for S1) is given code, not a secret
    const references = exercises()
      .flatMap((ex) => ex.references)
      .filter((r) => !GIVEN_AS_IS.has(r));
    const texts = references.map((r) => [r, fs.readFileSync(path.join(projectRoot, r), "utf8")] as const);
    const shipped = result.files
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `exercises/${f}`)
      .filter((f) => fs.existsSync(path.join(projectRoot, f)));
    const shippedAsIs = shipped.filter(
      (f) => parseRegions(fs.readFileSync(path.join(projectRoot, f), "utf8"), f).length === 0,
    );
    // every shipped file's starter (what it gives outside its regions), and the helpers shipped as they are
    const shippedWithRegions = shipped.filter((f) => !shippedAsIs.includes(f));
    const given = [
      ...new Set(
        [
          ...texts.flatMap(([r, t]) => makeStarter(t, r).split("\n")),
          ...shippedWithRegions.flatMap((f) =>
            makeStarter(fs.readFileSync(path.join(projectRoot, f), "utf8"), f).split("\n"),
          ),
          ...shippedAsIs.flatMap((f) => fs.readFileSync(path.join(projectRoot, f), "utf8").split("\n")),
        ].map((l) => l.trim()),
      ),
    ];
    // a solution line that a given line contains (a STARTER stub `function f(): void {}`, a call repeated
    // outside the region) gives nothing away
    const secrets = texts.flatMap(([r, t]) =>
      solutionLines(parseRegions(t, r))
        .filter((l) => !given.some((g) => g.includes(l)))
        .map((l) => [r, l] as const),
    );
    expect(secrets.length).toBeGreaterThan(50);
    const leaks: string[] = [];
    for (const [file, text] of packFiles())
      for (const [ref, line] of secrets) if (text.includes(line)) leaks.push(`${file} holds "${line}" (${ref})`);
    expect(leaks).toEqual([]);
  });

  it("holds no teacher answer (exercises/*/answers/**)", () => {
    expect(result.files.filter((f) => f.split("/").includes("answers"))).toEqual([]);
    const answers = ["mpi", "sockets", "salad"].flatMap((family) => {
      const at = path.join(projectRoot, "exercises", family, "answers");
      return fs.existsSync(at)
        ? fs
            .readdirSync(at, { recursive: true })
            .map(String)
            .map((f) => path.join(at, f))
            .filter((f) => fs.statSync(f).isFile())
        : [];
    });
    const texts = packFiles().map(([, t]) => t);
    for (const answer of answers) {
      const body = fs.readFileSync(answer, "utf8").trim();
      expect(
        texts.some((t) => t.includes(body)),
        answer,
      ).toBe(false);
    }
  });

  it("every starter type-checks under strict TypeScript with the pack's tsconfig", () => {
    // the pack's own tsconfig, with "tsmpi" mapped to this checkout (a student's comes from the install)
    const check = {
      extends: "./tsconfig.json",
      compilerOptions: {
        paths: {
          tsmpi: [path.join(projectRoot, "runtime/index.ts")],
          "tsmpi/launcher": [path.join(projectRoot, "launcher/index.ts")],
        },
      },
    };
    fs.writeFileSync(path.join(dir, "tsconfig.check.json"), JSON.stringify(check));
    const tsc = path.join(projectRoot, "node_modules/typescript/bin/tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "--noEmit", "-p", path.join(dir, "tsconfig.check.json")], {
        encoding: "utf8",
        cwd: dir,
      });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe("");
  }, 120_000);

  it("its package.json depends on every npm package the shipped programs import, at tsmpi's versions", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const project = JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8"));
    expect(pkg.type).toBe("module");
    for (const name of ["yargs", "ws"]) expect(pkg.dependencies[name], name).toBe(project.dependencies[name]);
    expect(Object.keys(pkg.devDependencies)).toEqual(
      expect.arrayContaining(["typescript", "@types/node", "@types/yargs"]),
    );
  });

  it("refuses to write over a directory that is not empty", () => {
    expect(() => buildPack(dir, exercises())).toThrow(/already exists and is not empty/);
  });
});
