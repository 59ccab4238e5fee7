// What a student's editor shows: the .d.ts tsmpi ships (dist/, built by `npm run build`, also run on install)
// has the MPI members of Datatype, Op and BufSpec and none of the layout and wire details the runtime uses
// (marked @internal in the sources and left out by tsconfig.build.json's stripInternal).
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../harness/paths.ts";

const declaration = (file: string) => {
  const full = path.join(projectRoot, "dist/runtime/datatype", file);
  expect(fs.existsSync(full), `${full} is missing: run npm run build`).toBe(true);
  return fs.readFileSync(full, "utf8");
};
/** The member names declared in `class Name { … }` of a .d.ts (one declaration per line, as tsc writes them). */
const membersOf = (text: string, name: string) => {
  const body = text.slice(text.indexOf(`declare class ${name} `));
  const end = body.indexOf("\n}");
  return [...body.slice(0, end).matchAll(/^ {4}(?:static |readonly |get |private )*(#?\w+)[(:?<]/gm)].map((m) => m[1]);
};

describe("the declarations a student's editor reads", () => {
  it("Datatype shows MPI, not its type map internals", () => {
    const members = membersOf(declaration("datatype.d.ts"), "Datatype");
    expect(members).toEqual(
      expect.arrayContaining(["size", "extent", "lb", "ub", "trueExtent", "commit", "free", "vector", "struct"]),
    );
    for (const internal of [
      "code",
      "elementCount",
      "alignment",
      "explicitBounds",
      "runs",
      "sig",
      "element",
      "reductionBase",
      "assertUsable",
    ])
      expect(members, internal).not.toContain(internal);
  });

  it("Op and BufSpec keep their wire details out", () => {
    const op = membersOf(declaration("ops.d.ts"), "Op");
    expect(op).toEqual(expect.arrayContaining(["name", "isCommutative", "create", "call"]));
    expect(op).not.toContain("fn");
    const spec = membersOf(declaration("bufspec.d.ts"), "BufSpec");
    expect(spec).toEqual(expect.arrayContaining(["array", "count", "type"]));
    for (const internal of ["origin", "buffer", "bufferOrigin", "countGiven", "capacityBytes"])
      expect(spec, internal).not.toContain(internal);
  });
});
