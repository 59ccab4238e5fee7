// The skip lines of test/harness/requires.ts, seen for real: the suite's system-level test files run in a
// child vitest with their requirement pretended missing (TSMPI_PRETEND_MISSING). Each file then prints one
// line naming what it needs and how to install it, runs none of its tests, starts nothing (no SSH host,
// no Slurm cluster, no browser) and passes; with TSMPI_REQUIRE_ALL=1 (as .ci/run sets) the same files fail.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCommand, projectRoot } from "./run.ts";

const vitest = path.join(projectRoot, "node_modules", "vitest", "vitest.mjs");
const GUARD_MS = 300_000; // a hang guard for a child vitest on a loaded machine

/** File → the requirement it names, and the install command its skip line must give. */
const FILES: [string, string, RegExp][] = [
  ["test/launcher/ssh.test.ts", "sshd", /apt-get install -y openssh-server openssh-client iproute2/],
  ["test/launcher/hostfile-run.test.ts", "sshd", /apt-get install -y openssh-server/],
  ["test/graders/sockets-ssh.test.ts", "sshd", /apt-get install -y openssh-server/],
  ["test/slurm/direct.test.ts", "slurm", /apt-get install -y slurmctld slurmd slurm-client munge/],
  ["test/slurm/allocation.test.ts", "slurm", /apt-get install -y slurmctld/],
  ["test/launcher/view.test.ts", "chromium", /apt-get install -y chromium/],
  ["test/unit/ssh-keys.test.ts", "ssh-keygen", /apt-get install -y openssh-client/],
];

interface FileReport {
  name: string;
  status: string;
  assertionResults: { status: string }[];
}

async function runChild(files: string[], env: NodeJS.ProcessEnv) {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-requires-")), "report.json");
  const r = await runCommand(
    process.execPath,
    [vitest, "run", ...files, "--reporter=default", "--reporter=json", `--outputFile=${report}`],
    {
      env: { TSMPI_REQUIRE_ALL: "", ...env },
      timeoutMs: GUARD_MS,
    },
  );
  const results = fs.existsSync(report)
    ? (JSON.parse(fs.readFileSync(report, "utf8")).testResults as FileReport[])
    : [];
  fs.rmSync(path.dirname(report), { recursive: true, force: true });
  return { ...r, results };
}

describe("test files that need a system package", () => {
  it(
    "skip with one line naming it and its install command when it is missing",
    async () => {
      const r = await runChild(
        FILES.map(([f]) => f),
        { TSMPI_PRETEND_MISSING: "sshd,slurm,chromium,ssh-keygen" },
      );
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const output = r.stdout + r.stderr;
      for (const [file, what, install] of FILES) {
        const result = r.results.find((t) => t.name.endsWith(file));
        expect(result, `${file} in the report`).toBeDefined();
        expect(result!.assertionResults.length, file).toBeGreaterThan(0);
        expect(
          result!.assertionResults.every((a) => a.status === "skipped" || a.status === "pending"),
          file,
        ).toBe(true);
        expect(output).toMatch(new RegExp(`skip: needs ${what} \\(${install.source}`));
      }
      expect(output).not.toMatch(/testhosts\.sh up|cluster\.sh up failed|browserType\.launch/);
    },
    GUARD_MS,
  );

  it(
    "a test that needs the finger client skips with its own line",
    async () => {
      const r = await runChild(
        ["test/graders/sockets-client-server.test.ts", "-t", "^socket graders, client/server exercises 2 passes"],
        { TSMPI_PRETEND_MISSING: "finger" },
      );
      expect(r.stdout + r.stderr).toMatch(/skip: needs finger \(apt-get install -y finger\)/);
      const statuses = r.results.flatMap((t) => t.assertionResults.map((a) => a.status));
      expect(statuses).not.toContain("passed");
      expect(statuses).not.toContain("failed");
    },
    GUARD_MS,
  );

  it(
    "fail instead under TSMPI_REQUIRE_ALL=1, naming what is missing",
    async () => {
      const r = await runChild(["test/slurm/direct.test.ts"], {
        TSMPI_PRETEND_MISSING: "slurm",
        TSMPI_REQUIRE_ALL: "1",
      });
      expect(r.code).not.toBe(0);
      expect(r.stdout + r.stderr).toMatch(
        /missing requirement: slurm \(apt-get install -y slurmctld.*TSMPI_REQUIRE_ALL=1 turns this skip into a failure/,
      );
    },
    GUARD_MS,
  );
});
