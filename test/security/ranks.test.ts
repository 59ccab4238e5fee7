// Findings 2, 4, 5 and 6 on one machine, with the attacker a second real user: a process that took a rank's
// address without the job secret gets nothing (the connecting rank refuses it: mutual authentication), a
// byte changed on the way under --secure aborts the job with ERR_PROTOCOL, a flood of idle connections is
// capped and summarised while the job carries on, and the secret is in no rank's environment.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { projectRoot, tsrunBin } from "../harness/run.ts";
import { ready } from "../harness/requires.ts";
import { ATTACKER, VICTIM, Output, finished, spawnAs, twoUsers } from "./users.ts";

const attackerScript = path.join(projectRoot, "test/security/programs/attacker.mjs");
const program = "test/security/programs/redirect.ts";

/** Every process a test started: a failed assertion must not leave a job waiting on its prompt. */
const started: ChildProcessWithoutNullStreams[] = [];

/** The victim's job, stopped at rank 0's prompt; `go(line)` answers it and waits for the end. */
async function victimJob(options: string[]) {
  const child = spawnAs(VICTIM, process.execPath, [tsrunBin, "-np", "2", ...options, program], { cwd: projectRoot });
  started.push(child);
  const out = new Output(child.stdout);
  const result = finished(child);
  const [, tcp, unix] = await out.wait(/PEER1 (\S+) (\S+)/);
  const pids = [Number((await out.wait(/PID 0 (\d+)/))[1]), Number((await out.wait(/PID 1 (\d+)/))[1])];
  return { tcp, unix, pids, go: (line: string) => (child.stdin.end(`${line}\n`), result) };
}

function attacker(...args: string[]) {
  const child = spawnAs(ATTACKER, process.execPath, [attackerScript, ...args]);
  started.push(child);
  const out = new Output(child.stdout);
  return { child, out, result: finished(child), ready: out.wait(/READY (\S+)/).then((m) => m[1]) };
}

describe.skipIf(!ready(twoUsers))("a rank's links against another user", () => {
  let attackerDir = ""; // made when the tests run: a skipped or listed file leaves nothing in /tmp
  beforeAll(() => {
    attackerDir = fs.mkdtempSync("/tmp/tsmpi-attacker-");
    fs.chmodSync(attackerDir, 0o777);
  });
  afterEach(() => {
    for (const child of started.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  });
  afterAll(() => {
    if (attackerDir) fs.rmSync(attackerDir, { recursive: true, force: true });
  });

  for (const kind of ["tcp", "unix"] as const) {
    it(`a listener without the secret at rank 1's ${kind} address is refused by rank 0, which sends it nothing`, async () => {
      const evil = attacker("listen", kind, path.join(attackerDir, `${kind}.sock`));
      const where = await evil.ready;
      const job = await victimJob(kind === "tcp" ? ["--transport", "tcp"] : []).catch(
        (err) => (evil.child.kill(), Promise.reject(err)),
      );
      const r = await job.go(`via ${kind} ${where}`);
      if (r.code === 0) evil.child.kill(); // nothing reached it: do not leave it listening
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(
        /rank 0 .*failed:\n\s+MpiError \[ERR_PROTOCOL\]: .*the process listening at .* for rank 1 did not prove the job secret/,
      );
      expect(r.stdout).not.toMatch(/rank 1 got/);
      const seen = await evil.result;
      // Its nonce, then the 76 bytes of a nonce and HELLO; the message never left rank 0.
      expect(seen.stdout).toMatch(/RECEIVED 76 bytes; the message seen: no/);
    });
  }

  it("under --secure, a byte changed on the way between two ranks aborts the job with ERR_PROTOCOL", async () => {
    for (const flip of [-1, 76 + 40]) {
      const job = await victimJob(["--transport", "tcp", "--secure"]);
      const [host, port] = job.tcp.split(":");
      const proxy = attacker("proxy", host, port, String(flip));
      const r = await job.go(`via tcp ${await proxy.ready}`);
      proxy.child.kill();
      if (flip < 0) {
        // Through the same relay, untouched: the message arrives (the relay itself is not what fails).
        expect(r.stderr).toBe("");
        expect(r.stdout).toMatch(/rank 1 got: the secret message 42/);
        expect(r.code).toBe(0);
        continue;
      }
      expect((await proxy.result).stdout).toMatch(/FLIPPED/);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(
        /rank 1 .*failed:\n\s+MpiError \[ERR_PROTOCOL\]: receiving from rank 0 on rank 1: --secure: a record failed authentication/,
      );
      expect(r.stdout).not.toMatch(/rank 1 got/);
    }
  }, 120_000); // two jobs

  it("a flood of idle connections to a rank is capped and summarised; the job's own link still gets through", async () => {
    const job = await victimJob(["--transport", "tcp"]);
    const [host, port] = job.tcp.split(":");
    const flood = spawnAs(ATTACKER, process.execPath, [attackerScript, "flood", host, port, "100"]);
    started.push(flood);
    await new Output(flood.stdout).wait(/ANSWERED 100/);
    const r = await job.go("direct");
    flood.stdin.end("stop\n");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rank 1 got: the secret message 42/);
    const refusals = r.stderr.split("\n").filter((l) => /refused/.test(l));
    expect(refusals.length).toBeLessThanOrEqual(4);
    // 100 strangers and rank 0 for 64 places: each newcomer closed the oldest; 3 lines, then one summary.
    const summary =
      /rank 1 refused a connection from (\d+) more connections: the last one: too many connections had not proved the job secret \(64\); the oldest was closed/.exec(
        r.stderr,
      );
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(33);
  });

  it("the job secret is in no rank's environment (/proc/<pid>/environ) nor on a command line", async () => {
    const job = await victimJob([]);
    for (const pid of job.pids) {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, "latin1").split("\0");
      expect(environ.some((v) => v.startsWith("TSMPI_SECRET="))).toBe(false);
      expect(environ).toContain("TSMPI_SECRET_FD=3");
      expect(fs.readFileSync(`/proc/${pid}/cmdline`, "latin1")).not.toMatch(/[0-9a-f]{64}/);
      expect(fs.statSync(`/proc/${pid}/environ`).uid).not.toBe(-1);
    }
    const r = await job.go("direct");
    expect(r.code).toBe(0);
  });
});
