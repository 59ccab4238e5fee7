// The MPI catalogue stays in step with the files and the graders: every registered MPI grader's id and
// reference files appear in exercises/mpi/README.md and in the index exercises/README.md; every program
// in exercises/mpi/ is in the catalogue and names, in its header, a grade command of a registered id;
// every grader has a broken variant among the vitest cases (a fixture file that exists).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "./lib/run.ts";
import { graders } from "./mpi/index.ts";

const read = (file: string) => fs.readFileSync(path.join(projectRoot, file), "utf8");
const ids = graders.map((g) => g.id);

describe("the MPI catalogue", () => {
  const family = read("exercises/mpi/README.md");
  const index = read("exercises/README.md");

  it("lists every grader id and reference file in both READMEs", () => {
    for (const g of graders) {
      expect(family, g.id).toContain(`npm run grade -- ${g.id}`);
      expect(index, g.id).toContain(`npm run grade -- ${g.id}`);
      for (const ref of [g.reference].flat()) {
        expect(family, ref).toContain(`\`${path.basename(ref)}\``);
        expect(index, ref).toContain(`\`mpi/${path.basename(ref)}\``);
        expect(fs.existsSync(path.join(projectRoot, ref)), ref).toBe(true);
      }
    }
    for (const link of ["mpi/README.md", "sockets/README.md", "salad/README.md"]) expect(index).toContain(`(${link})`);
  });

  it("has every program in the catalogue, each header naming a registered grade command", () => {
    const programs = fs.readdirSync(path.join(projectRoot, "exercises/mpi")).filter((f) => f.endsWith(".ts"));
    expect(programs.length).toBeGreaterThanOrEqual(25);
    for (const file of programs) {
      expect(family, file).toContain(`\`${file}\``);
      const header = read(`exercises/mpi/${file}`)
        .split("\n")
        .filter((l) => l.startsWith("//"))
        .join("\n");
      const grade = /Grade:\s+npm run grade -- (\S+)/.exec(header);
      expect(grade, `${file} header names its grade command`).not.toBeNull();
      expect(ids, file).toContain(grade![1]);
      expect(header, `${file} header has a run command`).toMatch(/Run:\s+tsrun -np \d+ exercises\/mpi\//);
      expect(read(`exercises/mpi/${file}`).split("\n").length, `${file} length`).toBeLessThanOrEqual(125);
    }
  });

  it("tests every grader against a broken variant that exists", () => {
    const tests = read("test/graders/mpi-p2p.test.ts") + read("test/graders/mpi-collectives.test.ts");
    for (const id of ids) expect(tests, id).toMatch(new RegExp(`expectFailures?\\("${id.replace(/\./g, "\\.")}"`));
    for (const [, name] of tests.matchAll(/fixture\("([^"]+)"\)/g)) {
      expect(fs.existsSync(path.join(projectRoot, "test/graders/fixtures/mpi", name)), name).toBe(true);
    }
  });
});
