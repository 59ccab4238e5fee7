// Proves the grader of socket exercise 5 (ring of daemons started over SSH, token mutual exclusion) against
// REAL OpenSSH hosts (test/hosts/testhosts.sh): it brings up its own test hosts when given none and tears
// them down; given hosts, it passes the reference at N = hosts and N > hosts, and fails each broken variant
// of test/graders/fixtures/sockets/ with the message a student would read: a ring that skips a member, a
// launcher without the chain mode (--chain: each daemon starts the next, the last one starts the gather),
// daemons that write without holding the token, a daemon that leaves a process behind (which the grader
// kills, here found and killed over SSH as on machines that do not share this one's /proc).
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ready, sshHostsRequirement } from "../harness/requires.ts";
import { upTestHosts, isRunning, type TestHosts } from "../launcher/testhosts.ts";
import { grade } from "./lib/grader.ts";
import { projectRoot } from "./lib/run.ts";
import { graders } from "./sockets/index.ts";
import type { RingSshOptions } from "./sockets/ring-ssh.ts";

/** Skips the file with one line naming what is missing (fails instead under TSMPI_REQUIRE_ALL=1). */
const canRun = ready(sshHostsRequirement());

// hang guard per test (the grader stops its processes itself; the guard only bounds a regression)
const GUARD_MS = 240_000;
const fixture = (name: string) => path.join(projectRoot, "test/graders/fixtures/sockets", name);

async function gradeOutput(options: RingSshOptions) {
  const lines: string[] = [];
  const checker = await grade(
    graders.find((g) => g.id === "5")!,
    { ...options, out: (l) => lines.push(l) } as RingSshOptions,
  );
  return { checker, text: lines.join("\n") };
}

/** Live processes started in a session on the given test hosts. */
function sessionProcesses(dir: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .flatMap((e) => {
      try {
        return fs.readFileSync(`/proc/${e}/environ`, "latin1").split("\0").includes(`TESTHOSTS_DIR=${dir}`) &&
          isRunning(Number(e))
          ? [Number(e)]
          : [];
      } catch {
        return [];
      }
    });
}

describe.skipIf(!canRun)("grader 5 without hosts", () => {
  it(
    "brings up the SSH test hosts itself, passes the reference, and tears them down",
    async () => {
      const saved = process.env.TSMPI_GRADE_HOSTFILE;
      delete process.env.TSMPI_GRADE_HOSTFILE;
      try {
        const { checker, text } = await gradeOutput({ np: [3], chainNp: [] });
        expect(checker.failed, text).toBe(0);
        expect(checker.passed, text).toBe(5);
        expect(text).toMatch(/\*\*\* 5 SSH test hosts come up/);
      } finally {
        if (saved !== undefined) process.env.TSMPI_GRADE_HOSTFILE = saved;
      }
      // torn down: the hosts' owner (if any) is no longer this process
      const owner = fs.existsSync("/run/tsmpi-testhosts/owner")
        ? fs.readFileSync("/run/tsmpi-testhosts/owner", "utf8").trim()
        : "";
      expect(owner.endsWith(` ${process.pid}`), owner).toBe(false);
    },
    GUARD_MS,
  );
});

describe.skipIf(!canRun)("grader 5 on given SSH hosts", () => {
  let hosts: TestHosts;
  beforeAll(async () => {
    hosts = await upTestHosts(3);
  }, 200_000);
  afterAll(async () => {
    await hosts?.down();
  }, 60_000);

  it(
    "passes the reference with one daemon per host, with 7 daemons on 3 hosts, and as a chain of 4",
    async () => {
      const { checker, text } = await gradeOutput({ hostfile: hosts.hostfile });
      expect(checker.failed, text).toBe(0);
      expect(checker.passed, text).toBe(11);
      expect(text).toMatch(/N=7 daemons on 3 hosts: the ring closes.*\n--- PASS \(7 daemons on 3 hosts\)/);
      expect(text).toMatch(
        /N=4 daemons on 3 hosts as a chain \(--chain\): the ring closes.*\n--- PASS \(4 daemons on 3 hosts\)/,
      );
      expect(text).toMatch(
        /N=4 as a chain \(--chain\): the token gives mutual exclusion on the shared file\n--- PASS \(8 critical sections, none overlapping\)/,
      );
      expect(sessionProcesses(hosts.dir)).toEqual([]);
    },
    GUARD_MS,
  );

  it(
    "fails a launcher without the chain mode: the gathered message does not start at the last daemon",
    async () => {
      const { text } = await gradeOutput({
        hostfile: hosts.hostfile,
        program: fixture("ring-ssh-no-chain.ts"),
        np: [],
        chainNp: [3],
      });
      expect(text).toMatch(
        /--- FAIL: GATHERED lists launcher@\S+, d0@\S+, d1@\S+, d2@\S+ vs expected a daemon first \(the last one started the message\)/,
      );
      expect(text).toMatch(/\*\*\* 5 N=3 as a chain \(--chain\): no process of the job left on any host\n--- PASS/);
      expect(sessionProcesses(hosts.dir)).toEqual([]);
    },
    GUARD_MS,
  );

  it(
    "fails a launcher whose ring skips a member, and still stops every daemon",
    async () => {
      const { text } = await gradeOutput({
        hostfile: hosts.hostfile,
        program: fixture("ring-ssh-skips-member.ts"),
        np: [3],
        chainNp: [],
      });
      expect(text).toMatch(/--- FAIL: GATHERED lists 2 daemons \(d0@\S+, d2@\S+\) vs expected 3, every daemon once/);
      expect(text).toMatch(/\*\*\* 5 N=3: no process of the job left on any host\n--- PASS/);
      expect(sessionProcesses(hosts.dir)).toEqual([]);
    },
    GUARD_MS,
  );

  it(
    "fails daemons that write to the shared file without holding the token",
    async () => {
      const { text } = await gradeOutput({
        hostfile: hosts.hostfile,
        program: fixture("ring-daemon-writes-without-token.ts"),
        np: [3],
        chainNp: [],
      });
      expect(text).toMatch(
        /--- FAIL: line \d+ "d\d@\S+ round \d line \d\/3" follows "d\d@\S+ round \d line \d\/3" vs expected the 3 lines of one critical section together\. two daemons wrote at the same time/,
      );
    },
    GUARD_MS,
  );

  it(
    "fails a daemon that leaves a process behind, found and killed over SSH",
    async () => {
      // the hostfile outside the test hosts' directory: the grader cannot assume a shared /proc and asks each host
      const machines = path.join(hosts.dir, "..", `${path.basename(hosts.dir)}-machines`);
      fs.copyFileSync(hosts.hostfile, machines);
      try {
        const { text } = await gradeOutput({
          hostfile: machines,
          sshKey: path.join(hosts.dir, "userkey"),
          knownHosts: path.join(hosts.dir, "known_hosts"),
          program: fixture("ring-daemon-leaves-child.ts"),
          np: [3],
          chainNp: [],
        });
        expect(text).toMatch(/--- FAIL: \d+ left 15 s after the launcher ended: pid \d+ on th\d.* vs expected none/);
        expect(sessionProcesses(hosts.dir)).toEqual([]);
      } finally {
        fs.rmSync(machines, { force: true });
      }
    },
    GUARD_MS,
  );
});
