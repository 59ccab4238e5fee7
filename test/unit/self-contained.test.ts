// The repository speaks only of itself: no tracked file points into the course's reading material kept
// beside a checkout (its design notes, exercise list, course documents or machine notes). What users need
// lives in docs/ and the handouts. The pattern is assembled at run time so this file does not match itself.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot } from "../harness/paths.ts";

describe("the repository is self-contained", () => {
  // A packed or installed copy has no git history to search.
  it.skipIf(!fs.existsSync(path.join(projectRoot, ".git")))(
    "no tracked file refers to the material outside the project",
    () => {
      const folder = ["sha", "red"].join("");
      const pattern = `\\.\\./${folder}/|${folder}/(DESIGN|EXERCISES)\\.md|${folder}/(seeds|notes)/`;
      let hits = "";
      try {
        hits = execFileSync("git", ["grep", "-n", "-E", pattern], { cwd: projectRoot, encoding: "utf8" });
      } catch (error) {
        if ((error as { status?: number }).status !== 1) throw error; // 1: no match
      }
      expect(hits).toBe("");
    },
  );
});
