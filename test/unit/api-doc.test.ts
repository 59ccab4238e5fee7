// docs/api.md is the map of the public API: every name `import * as mpi from "tsmpi"` gives appears in it
// (test/unit/public-api.test.ts pins the list itself; a name added there must be documented here too).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as mpi from "../../runtime/index.ts";
import { projectRoot } from "../harness/run.ts";

describe("docs/api.md", () => {
  it("names every public export of tsmpi", () => {
    const doc = fs.readFileSync(path.join(projectRoot, "docs/api.md"), "utf8");
    const missing = Object.keys(mpi).filter(
      (name) => !new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}(?![\\w$])`).test(doc),
    );
    expect(missing, "public names missing from docs/api.md").toEqual([]);
  });
});
