// Findings 2, 3 and 6 across real SSH hosts (test/hosts/testhosts.sh), the attacker a second real user on
// the same machine: remote ranks put their sockets in a fresh private directory (mkdtemp, 0700, not named
// after the job id, removed at the end), the secret is in no remote rank's environment, and the launcher's
// TCP control socket survives the JSON line `null` and a line that never ends: tsrun and the job carry on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { projectRoot, tsrunBin } from "../harness/run.ts";
import { commandRequirement, ready } from "../harness/requires.ts";
import { sshHome, upTestHosts, type TestHosts } from "../launcher/testhosts.ts";
import { ATTACKER, Output, finished, runAs, twoUsers } from "./users.ts";
import { spawn } from "node:child_process";

const sshd = commandRequirement("/usr/sbin/sshd", "apt-get install -y openssh-server", "sshd");
const attackerScript = path.join(projectRoot, "test/security/programs/attacker.mjs");

/** TCP ports `pid` listens on, with their addresses. */
function listeners(pid: number): { host: string; port: number }[] {
  const out = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
  return out
    .split("\n")
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => {
      const local = l.trim().split(/\s+/)[3];
      const at = local.lastIndexOf(":");
      return { host: local.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(local.slice(at + 1)) };
    });
}

describe.skipIf(!ready(twoUsers, sshd))("a job across SSH hosts against another user", () => {
  let hosts: TestHosts;
  let home: string;
  beforeAll(async () => {
    hosts = await upTestHosts(2);
    home = sshHome(hosts);
  }, 200_000);
  afterAll(async () => {
    await hosts?.down();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }, 60_000);

  it("private remote socket directories, no secret in the environment, a control socket that survives garbage", async () => {
    const child = spawn(
      process.execPath,
      [tsrunBin, "-np", "2", "--map-by", "node", "--hostfile", hosts.hostfile, "test/security/programs/redirect.ts"],
      {
        cwd: projectRoot,
        env: { ...process.env, HOME: home, SSH_AUTH_SOCK: "" },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    const out = new Output(child.stdout);
    const result = finished(child);
    const [, , unix] = await out.wait(/PEER1 (\S+) (\S+)/);
    const pids = [Number((await out.wait(/PID 0 (\d+)/))[1]), Number((await out.wait(/PID 1 (\d+)/))[1])];

    // Rank 1's socket directory: a fresh mkdtemp of its own, 0700, named after nothing public.
    const dir = path.dirname(unix);
    expect(dir).toMatch(/^\/tmp\/tsmpi-[A-Za-z0-9]{6}$/);
    const st = fs.lstatSync(dir);
    expect([st.isDirectory(), st.uid, st.mode & 0o777]).toEqual([true, process.getuid!(), 0o700]);
    expect((await runAs(ATTACKER, "/bin/ls", [dir])).code).not.toBe(0);

    for (const pid of pids) {
      const environ = fs.readFileSync(`/proc/${pid}/environ`, "latin1").split("\0");
      expect(environ.some((v) => v.startsWith("TSMPI_SECRET="))).toBe(false);
    }

    // The attacker reaches tsrun's TCP control socket (it must listen where remote ranks reach it).
    const control = listeners(child.pid!);
    expect(control.length).toBeGreaterThan(0);
    for (const { host, port } of control) {
      const attack = await runAs(ATTACKER, process.execPath, [attackerScript, "control", host, String(port)]);
      expect(attack.stdout, `${attack.code} ${attack.stderr} ${host}:${port}`).toMatch(/NULL CLOSED/);
      const sent = Number(/ENDLESS CLOSED after (\d+) bytes/.exec(attack.stdout)?.[1]);
      expect(sent).toBeLessThan(64 * 1024 * 1024); // closed by tsrun, long before the attacker gave up
    }

    child.stdin.end("direct\n");
    const r = await result;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rank 1 got: the secret message 42/);
    expect(r.stderr).toMatch(/refused a connection: it sent something that is not a tsmpi control message/);
    expect(r.stderr).toMatch(/refused a connection: a control line longer than 4096 bytes/);
    expect(fs.existsSync(dir)).toBe(false); // removed at the end of the job
  }, 120_000);
});
