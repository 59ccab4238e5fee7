// tsrun runs any executable (launcher/executable.ts): `tsrun -np 4 hostname`, a shell reading the rank from
// TSMPI_RANK / OMPI_COMM_WORLD_RANK, exit codes, a missing command, --map-by core on this machine, and the
// same over --hostfile on real OpenSSH test hosts (test/hosts/testhosts.sh), each rank on its own host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCommand, tsrunBin } from "../harness/run.ts";
import { classifyProgram, checkCoresForLocalJob, findOnPath } from "../../launcher/executable.ts";
import { placeRanks } from "../../launcher/placement.ts";
import { parseHostList } from "../../launcher/hostfile.ts";
import { commandRequirement, ready, rootRequirement } from "../harness/requires.ts";
import { sshHome, upTestHosts, type TestHosts } from "./testhosts.ts";

const GUARD_MS = 120_000;
const tsrun = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runCommand(process.execPath, [tsrunBin, ...args], { env, timeoutMs: 90_000 });
const SHOW_RANK =
  'echo "rank $TSMPI_RANK of $TSMPI_SIZE ompi $OMPI_COMM_WORLD_RANK of $OMPI_COMM_WORLD_SIZE local $OMPI_COMM_WORLD_LOCAL_RANK on $(hostname)"';
const rankLines = (out: string) => [
  ...out.matchAll(/^rank (\d+) of (\d+) ompi (\d+) of (\d+) local (\d+) on (\S+)$/gm),
];

describe("what tsrun starts", () => {
  it("bundles .ts/.js files, starts other executables as they are, and says when neither exists", () => {
    expect(classifyProgram("exercises/mpi/hello.ts").kind).toBe("source");
    expect(classifyProgram("hostname")).toEqual({ kind: "executable", command: "hostname" });
    expect(classifyProgram("/bin/sh")).toEqual({ kind: "executable", command: "/bin/sh" });
    expect(classifyProgram("no-such-command-xyz").kind).toBe("missing");
    expect(classifyProgram("no-such-command-xyz", { remote: true }).kind).toBe("executable");
    expect(classifyProgram("./missing.ts").kind).toBe("missing");
    expect(findOnPath("sh", "/nonexistent:/bin")).toBe("/bin/sh");
  });

  it("--map-by core fills hosts in slot order, and on one machine refuses more ranks than cores", () => {
    const p = placeRanks(4, parseHostList("a:2,b:2"), { mapBy: "core" });
    expect(p.ranksByHost).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(checkCoresForLocalJob(3, false, 2)).toMatch(/3 ranks were requested and this machine has 2 cores/);
    expect(checkCoresForLocalJob(3, true, 2)).toBeUndefined();
    expect(checkCoresForLocalJob(2, false, 2)).toBeUndefined();
  });
});

describe("tsrun -np N <executable> on this machine", () => {
  it(
    "runs hostname once per rank",
    async () => {
      const r = await tsrun(["-np", "4", "hostname"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim().split("\n")).toEqual(Array(4).fill(os.hostname()));
    },
    GUARD_MS,
  );

  it(
    "gives each rank its rank and size under tsmpi's and Open MPI's names, and passes the arguments",
    async () => {
      const r = await tsrun(["-np", "3", "sh", "-c", SHOW_RANK]);
      expect(r.code, r.stderr).toBe(0);
      const lines = rankLines(r.stdout)
        .map((m) => m.slice(1, 6).map(Number))
        .sort((a, b) => a[0] - b[0]);
      expect(lines).toEqual([0, 1, 2].map((i) => [i, 3, i, 3, i]));
    },
    GUARD_MS,
  );

  it(
    "runs node on a plain script (tsrun -np 2 node x.js)",
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsrun-exe-"));
      try {
        fs.writeFileSync(
          path.join(dir, "x.js"),
          "console.log(`js rank ${process.env.TSMPI_RANK} args ${process.argv.slice(2).join(',')}`);\n",
        );
        const r = await tsrun(["-np", "2", "--wdir", dir, "node", "x.js", "a", "b"]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual(["js rank 0 args a,b", "js rank 1 args a,b"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    GUARD_MS,
  );

  it(
    "ends with a failing rank's exit code and names it",
    async () => {
      const r = await tsrun(["-np", "2", "sh", "-c", 'if [ "$TSMPI_RANK" = 1 ]; then exit 7; fi; sleep 30']);
      expect(r.code).toBe(7);
      expect(r.stderr).toMatch(/rank 1 \(pid \d+ on \S+\) exited with code 7/);
    },
    GUARD_MS,
  );

  it(
    "a missing command is one usage error, not one failure per rank",
    async () => {
      const r = await tsrun(["-np", "2", "no-such-command-xyz"]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim()).toBe(
        "tsrun: program not found: no-such-command-xyz (neither a .ts/.js file nor an executable on PATH). Run 'tsrun --help' for usage.",
      );
    },
    GUARD_MS,
  );

  it(
    "--map-by core refuses more ranks than cores without --oversubscribe",
    async () => {
      const cores = os.availableParallelism();
      const refused = await tsrun(["-np", String(cores + 1), "--map-by", "core", "hostname"]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        new RegExp(`${cores + 1} ranks were requested and this machine has ${cores} cores`),
      );
      const ok = await tsrun(["-np", String(cores + 1), "--map-by", "core", "--oversubscribe", "hostname"]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout.trim().split("\n")).toHaveLength(cores + 1);
    },
    GUARD_MS,
  );
});

describe.skipIf(!ready(rootRequirement, commandRequirement("/usr/sbin/sshd", "apt-get install -y openssh-server")))(
  "tsrun <executable> --hostfile over real SSH hosts",
  () => {
    let hosts: TestHosts;
    let home: string;
    beforeAll(async () => {
      hosts = await upTestHosts(3);
      home = sshHome(hosts);
    }, 200_000);
    afterAll(async () => {
      await hosts?.down();
      if (home) fs.rmSync(home, { recursive: true, force: true });
    }, 60_000);

    it(
      "starts the command on each rank's host with its rank; --map-by node and core place as mpirun",
      async () => {
        const env = { HOME: home, SSH_AUTH_SOCK: "" };
        const byNode = await tsrun(
          ["-np", "6", "--hostfile", hosts.hostfile, "--map-by", "node", "sh", "-c", SHOW_RANK],
          env,
        );
        expect(byNode.code, byNode.stderr).toBe(0);
        const node = rankLines(byNode.stdout).sort((a, b) => Number(a[1]) - Number(b[1]));
        expect(node.map((m) => [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[5])])).toEqual(
          [0, 1, 2, 3, 4, 5].map((r) => [r, 6, r, Math.floor(r / 3)]),
        );
        const byCore = await tsrun(
          ["-np", "6", "--hostfile", hosts.hostfile, "--map-by", "core", "sh", "-c", SHOW_RANK],
          env,
        );
        expect(byCore.code, byCore.stderr).toBe(0);
        const core = rankLines(byCore.stdout).sort((a, b) => Number(a[1]) - Number(b[1]));
        expect(core.map((m) => Number(m[5]))).toEqual([0, 1, 0, 1, 0, 1]);
        if (hosts.ownHostnames) {
          expect(node.map((m) => m[6])).toEqual(["th1", "th2", "th3", "th1", "th2", "th3"]);
          expect(core.map((m) => m[6])).toEqual(["th1", "th1", "th2", "th2", "th3", "th3"]);
        }
      },
      GUARD_MS * 2,
    );
  },
);
