// docs/lab-setup.md's checklist, run as written against real OpenSSH test hosts (test/hosts/testhosts.sh)
// in a fresh HOME: a new key, the hosts' keys scanned into known_hosts, the key authorised on each host (what
// ssh-copy-id does), node found at the same path over a non-interactive session, then `tsrun init` and a
// 4-rank hello over a hostfile naming both hosts, with no password or host-key prompt anywhere.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ready, sshHostsRequirement } from "../harness/requires.ts";
import { runCommand, tsrunBin } from "../harness/run.ts";
import { upTestHosts, type TestHosts } from "./testhosts.ts";

const canRun = ready(sshHostsRequirement());
let hosts: TestHosts;
let home = "";

beforeAll(async () => {
  if (!canRun) return;
  hosts = await upTestHosts(2);
  home = fs.mkdtempSync(path.join(os.tmpdir(), "tsrun-lab-home-"));
  fs.mkdirSync(path.join(home, ".ssh"), { mode: 0o700 });
}, 200_000);

afterAll(async () => {
  await hosts?.down();
  if (home) fs.rmSync(home, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!canRun)("the lab-room checklist (docs/lab-setup.md)", () => {
  it("a new key, scanned host keys, the key authorised, then tsrun -np 4 --hostfile runs hello on both hosts", async () => {
    const ssh = path.join(home, ".ssh");
    const knownHosts = path.join(ssh, "known_hosts");
    const key = path.join(ssh, "id_ed25519");
    const keygen = await runCommand("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
    expect(keygen.code, keygen.stderr).toBe(0);
    for (const h of hosts.hosts) {
      const port = h.port === 22 ? [] : ["-p", String(h.port)];
      const scan = await runCommand("ssh-keyscan", ["-t", "ed25519", ...port, h.name]);
      expect(scan.stdout, scan.stderr).toMatch(/ssh-ed25519 /);
      fs.appendFileSync(knownHosts, scan.stdout);
      const batch = ["-o", "BatchMode=yes", "-o", `UserKnownHostsFile=${knownHosts}`, ...port];
      const copy = await runCommand(
        "ssh",
        [...batch, "-i", path.join(hosts.dir, "userkey"), `root@${h.name}`, `cat >> ${hosts.dir}/authorized_keys`],
        { input: fs.readFileSync(`${key}.pub`, "utf8") },
      );
      expect(copy.code, copy.stderr).toBe(0);
      const probe = await runCommand("ssh", [
        ...batch,
        "-i",
        key,
        `root@${h.name}`,
        `${process.execPath} --version; hostname`,
      ]);
      expect(probe.code, probe.stderr).toBe(0);
      expect(probe.stdout).toContain(process.version);
    }
    const env = { HOME: home, SSH_AUTH_SOCK: "" };
    const lab = path.join(home, "lab");
    const init = await runCommand(process.execPath, [tsrunBin, "init", lab], { env });
    expect(init.code, init.stderr).toBe(0);
    const hostfile = hosts.hosts
      .map((h) => `root@${h.name} slots=2${h.port === 22 ? "" : ` port=${h.port}`}`)
      .join("\n");
    fs.writeFileSync(path.join(lab, "hosts"), `${hostfile}\n`);
    const r = await runCommand(process.execPath, [tsrunBin, "-np", "4", "--hostfile", "hosts", "hello.ts"], {
      env,
      cwd: lab,
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n").sort();
    expect(lines).toHaveLength(4);
    // the two hosts' own names when they have them (network namespaces), else this machine's
    if (hosts.ownHostnames)
      for (const h of hosts.hosts) expect(lines.filter((l) => l.endsWith(` on ${h.name}`))).toHaveLength(2);
    expect(lines.every((l, i) => l.startsWith(`hello from rank ${i} of 4 on `))).toBe(true);
  }, 240_000);
});
