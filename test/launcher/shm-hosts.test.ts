// tsrun --transport shm across machines (issue 19 §3: several slots per host): the ranks placed on one host
// run as threads of one process there and share its memory, ranks of different hosts talk over TCP. Against
// real OpenSSH servers on this machine (test/hosts/testhosts.sh), 2 hosts × 2 slots: messages within and
// across hosts, collectives over the world and over each host's ranks, one pid per host, per-rank output and
// stdin, failures, --timeout and Ctrl-C; nothing left on any host after each job.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import { ready, sshHostsRequirement } from "../harness/requires.ts";
import { runCommand, tsrunBin } from "../harness/run.ts";
import { sshHome, upTestHosts, type TestHosts, startUntilRanksAt, jobProcessesLeft } from "./testhosts.ts";

const canRun = ready(sshHostsRequirement());
const PROGRAM = "test/launcher/programs/slots.ts";
const CHECKS = [
  "ring",
  "allreduce-scalar",
  "allreduce-world",
  "bcast-world",
  "stdin=hello",
  "allreduce-host",
  "bcast-host",
];

let hosts: TestHosts;
let home: string;

function tsrun(args: string[], input = "") {
  return runCommand(process.execPath, [tsrunBin, "--transport", "shm", ...args], {
    env: { HOME: home, SSH_AUTH_SOCK: "" },
    input,
    timeoutMs: 120_000,
  });
}

/** Each rank's "AT" line: its host (TESTHOST), pid and socket directory. */
function placesOf(stdout: string): Map<number, { host: string; pid: number; dir: string }> {
  const at = [...stdout.matchAll(/^(?:\[\d+\] )?AT (\d+) (\S+) (\d+) (\S+)$/gm)];
  return new Map(at.map((m) => [Number(m[1]), { host: m[2], pid: Number(m[3]), dir: m[4] }]));
}

/** Nothing of the job is left: no process on any host, and each host's private socket directory is gone. */
async function nothingLeft(stdout: string): Promise<void> {
  expect(await jobProcessesLeft()).toEqual([]);
  for (const { dir } of placesOf(stdout).values()) expect(fs.existsSync(dir), dir).toBe(false);
}

beforeAll(async () => {
  if (!canRun) return;
  hosts = await upTestHosts(2);
  home = sshHome(hosts);
}, 200_000);

afterAll(async () => {
  await hosts?.down();
  if (home) fs.rmSync(home, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!canRun)(
  "tsrun --transport shm --hostfile: one process per host, shared memory within, TCP between",
  () => {
    for (const mapBy of ["slot", "node"] as const) {
      it(`2 hosts × 2 slots (--map-by ${mapBy}): messages and collectives within and across hosts, one pid per host`, async () => {
        // --map-by node names the hosts with --host h:slots (hosts on port 22; a hostfile otherwise).
        const onPort22 = hosts.hosts.every((h) => h.port === 22);
        const where = mapBy === "node" && onPort22 ? ["--host", "th1:2,th2:2"] : ["--hostfile", hosts.hostfile];
        const r = await tsrun(["-np", "4", ...where, "--map-by", mapBy, "--tag-output", PROGRAM], "hello\n");
        expect(r.code, r.stderr).toBe(0);
        const places = placesOf(r.stdout);
        const onFirst = mapBy === "slot" ? [0, 1] : [0, 2];
        const onSecond = mapBy === "slot" ? [2, 3] : [1, 3];
        expect([...places.keys()].sort()).toEqual([0, 1, 2, 3]);
        expect(onFirst.map((rank) => places.get(rank)!.host)).toEqual(["th1", "th1"]);
        expect(onSecond.map((rank) => places.get(rank)!.host)).toEqual(["th2", "th2"]);
        // The ranks of a host are threads of one process: one pid, one private directory; another per host.
        expect(new Set(onFirst.map((rank) => places.get(rank)!.pid)).size).toBe(1);
        expect(new Set(onSecond.map((rank) => places.get(rank)!.pid)).size).toBe(1);
        expect(places.get(onFirst[0])!.pid).not.toBe(places.get(onSecond[0])!.pid);
        expect(places.get(onFirst[0])!.dir).not.toBe(places.get(onSecond[0])!.dir);
        // Every line is its rank's own, and every check passed on every rank.
        for (let rank = 0; rank < 4; rank++) {
          for (const check of CHECKS) expect(r.stdout).toContain(`[${rank}] ${check} ${rank}`);
          const members = onFirst.includes(rank) ? onFirst : onSecond;
          expect(r.stdout).toContain(`[${rank}] HOST ${rank} ${places.get(rank)!.host} members ${members.join(",")}`);
        }
        expect(r.stdout).not.toMatch(/FAILED|FAILURES/);
        await nothingLeft(r.stdout);
      });
    }

    it("a rank that throws on one host ends the job with its error, the host's pid, and stops every other rank", async () => {
      const r = await tsrun(["-np", "4", "--hostfile", hosts.hostfile, PROGRAM, "throw"]);
      expect(r.code).toBe(1);
      const pid = placesOf(r.stdout).get(3)!.pid;
      expect(r.stderr).toMatch(
        new RegExp(`rank 3 \\(pid ${pid} on th2\\S*\\) failed:\\n\\s+Error: boom on rank 3\\n\\s+at .*slots\\.ts:\\d+`),
      );
      expect(r.stderr).toMatch(/stopping 3 other ranks \(0, 1, 2\)/);
      await nothingLeft(r.stdout);
    });

    it("--timeout stops a job whose rank computes forever, saying what each rank was doing", async () => {
      const r = await tsrun(["-np", "4", "--hostfile", hosts.hostfile, "--timeout", "5", PROGRAM, "busy"]);
      expect(r.code).toBe(124);
      expect(r.stderr).toMatch(/exceeded --timeout 5 s/);
      expect(r.stderr).toMatch(/rank 3: did not answer \(busy computing/);
      expect(r.stderr).toMatch(/rank 0: blocked in recv/);
      await nothingLeft(r.stdout);
    });

    it("process.exit(3) in a rank on the second host ends that rank, and the job with code 3", async () => {
      const r = await tsrun(["-np", "4", "--hostfile", hosts.hostfile, "test/runtime/programs/pids.ts", "2", "exit3"]);
      expect(r.code).toBe(3);
      const pid = /^PID 2 (\d+)$/m.exec(r.stdout)?.[1];
      expect(r.stderr).toMatch(new RegExp(`rank 2 \\(pid ${pid} on th2\\S*\\) exited with code 3`));
      expect(await jobProcessesLeft()).toEqual([]);
    });

    it("comm.abort(5) in a rank on one host ends the job with code 5 on every host", async () => {
      const r = await tsrun(["-np", "4", "--hostfile", hosts.hostfile, "test/runtime/programs/pids.ts", "3", "abort5"]);
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/rank 3 called abort with code 5/);
      expect(await jobProcessesLeft()).toEqual([]);
    });

    it("--kill-rank ends one thread on a remote host as SIGKILL would, and the job with it", async () => {
      const r = await tsrun(["-np", "4", "--hostfile", hosts.hostfile, "--kill-rank", "2@1", PROGRAM, "busy"]);
      expect(r.code).toBe(137);
      expect(r.stderr).toMatch(
        new RegExp(`rank 2 \\(pid ${placesOf(r.stdout).get(2)!.pid} on th2\\S*\\) was killed by SIGKILL`),
      );
      await nothingLeft(r.stdout);
    });

    it("Ctrl-C stops every rank on every host, a rank computing forever included", async () => {
      const { child, out, exited } = await startUntilRanksAt(
        ["--transport", "shm", "-np", "4", "--hostfile", hosts.hostfile, PROGRAM, "busy"],
        home,
        4,
      );
      child.kill("SIGINT");
      expect(await exited).toBe(130);
      await nothingLeft(out());
    });

    it("still refuses --fault-tolerant with --hostfile: its ranks must be processes", async () => {
      const r = await tsrun(["-np", "4", "--hostfile", hosts.hostfile, "--fault-tolerant", PROGRAM]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--fault-tolerant needs ranks that are processes/);
    });
  },
);
