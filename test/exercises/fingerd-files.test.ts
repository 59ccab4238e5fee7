// fingerd writes its pid and its log at well-known paths (by default in /tmp). On a shared lab machine
// another user may have left a link there aimed at one of your files: fingerd refuses it, one line, and the
// file the link points to is left as it was.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { projectRoot, runCommand } from "../harness/run.ts";
import { scratchDir } from "../harness/scratch.ts";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const scratch = scratchDir("tsmpi-fingerd-files-");

const fingerd = (pidFile: string, logFile: string) =>
  runCommand(
    process.execPath,
    [
      "--import",
      tsx,
      path.join(projectRoot, "exercises/sockets/fingerd.ts"),
      "--port",
      "0",
      "--pid-file",
      pidFile,
      "--log-file",
      logFile,
    ],
    { timeoutMs: 30_000 },
  );

describe("fingerd's pid and log files", () => {
  for (const which of ["pid", "log"] as const) {
    it(`refuses a link planted at its ${which} file and leaves the target alone`, async () => {
      const victim = path.join(scratch, `victim-${which}.txt`);
      fs.writeFileSync(victim, "precious\n");
      const link = path.join(scratch, `planted.${which}`);
      fs.symlinkSync(victim, link);
      const other = path.join(scratch, which === "pid" ? "own.log" : "own.pid");
      const r = await fingerd(which === "pid" ? link : other, which === "pid" ? other : link);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(`cannot write the ${which === "pid" ? "pid file" : "log"} .*planted\\.${which}`),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace
      expect(fs.readFileSync(victim, "utf8")).toBe("precious\n");
    });
  }
});
