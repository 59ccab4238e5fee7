// tsrun across machines (issue: multi-machine runs), against real OpenSSH servers on this machine
// (test/hosts/testhosts.sh: 3 hosts in network namespaces, or on loopback addresses where namespaces are not allowed).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ready, sshHostsRequirement } from "../harness/requires.ts";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as net from "node:net";
import { spawn } from "node:child_process";
import { runCommand, tsrunBin, projectRoot } from "../harness/run.ts";
import {
  sshHome,
  upTestHosts,
  type TestHosts,
  remoteJobProcesses,
  startUntilRanksAt,
  jobProcessesLeft,
} from "./testhosts.ts";

/** Skips the file with one line naming what is missing (fails instead under TSMPI_REQUIRE_ALL=1). */
const canRun = ready(sshHostsRequirement());

let hosts: TestHosts;
let home: string;

function tsrun(args: string[], options: { timeoutMs?: number } = {}) {
  return runCommand(process.execPath, [tsrunBin, ...args], {
    env: { HOME: home, SSH_AUTH_SOCK: "" },
    timeoutMs: options.timeoutMs ?? 90_000,
  });
}

beforeAll(async () => {
  if (!canRun) return;
  hosts = await upTestHosts(3);
  home = sshHome(hosts);
}, 200_000);

afterAll(async () => {
  await hosts?.down();
}, 60_000);

describe.skipIf(!canRun)("tsrun --hostfile over real SSH hosts", () => {
  it("runs the ring at np=6 across 3 hosts × 2 slots", async () => {
    const r = await tsrun(["-np", "6", "--hostfile", hosts.hostfile, "exercises/mpi/ring.ts"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rank 0: token back with 15 \(expected 15\)/);
    for (let rank = 1; rank < 6; rank++)
      expect(r.stdout).toMatch(new RegExp(`rank ${rank} received token \\d+ from rank ${rank - 1}`));
    expect(await jobProcessesLeft()).toEqual([]);
  });

  it("a hostfile line naming this machine starts its ranks here, without SSH, next to ranks on another host", async () => {
    const firstHost = fs
      .readFileSync(hosts.hostfile, "utf8")
      .split("\n")
      .find((l) => /\S/.test(l) && !l.startsWith("#"))!;
    const hostfile = path.join(home, "mixed-hosts");
    fs.writeFileSync(hostfile, `localhost slots=2\n${firstHost}\n`);
    const program = path.join(home, "where.ts");
    // TESTHOST is set by the test hosts' sshd only: a rank started here has none.
    fs.writeFileSync(
      program,
      `import * as mpi from "tsmpi";\nconst comm = await mpi.init();\nconst sum = await comm.allreduce(comm.rank, mpi.SUM);\nconsole.log(\`WHERE \${comm.rank} \${process.env.TESTHOST ?? "here"} \${sum}\`);\nawait mpi.finalize();\n`,
    );
    const r = await tsrun(["-np", "4", "--hostfile", hostfile, program]);
    expect(r.code, r.stderr).toBe(0);
    const where = Object.fromEntries([...r.stdout.matchAll(/^WHERE (\d) (\S+) 6$/gm)].map((m) => [Number(m[1]), m[2]]));
    expect(where).toEqual({ 0: "here", 1: "here", 2: "th1", 3: "th1" });
    expect(await jobProcessesLeft()).toEqual([]);
  });

  it("places ranks by slot (default) or round robin with --map-by node; each host has its own name", async () => {
    const bySlot = await tsrun([
      "-np",
      "6",
      "--hostfile",
      hosts.hostfile,
      "--display-map",
      "test/runtime/programs/remote-kill.ts",
      "-1",
      "none",
    ]);
    expect(bySlot.code, bySlot.stderr).toBe(0);
    const at = (out: string) =>
      Object.fromEntries([...out.matchAll(/^AT (\d+) (\S+) \d+ (\S*)$/gm)].map((m) => [Number(m[1]), m[3] || m[2]]));
    expect(bySlot.stdout).toMatch(/JOB MAP/);
    const slot = at(bySlot.stdout);
    expect([slot[0], slot[1], slot[2], slot[3], slot[4], slot[5]]).toEqual(["th1", "th1", "th2", "th2", "th3", "th3"]);
    const byNode = await tsrun([
      "-np",
      "6",
      "--hostfile",
      hosts.hostfile,
      "--map-by",
      "node",
      "test/runtime/programs/remote-kill.ts",
      "-1",
      "none",
    ]);
    const node = at(byNode.stdout);
    expect([node[0], node[1], node[2], node[3], node[4], node[5]]).toEqual(["th1", "th2", "th3", "th1", "th2", "th3"]);
    if (hosts.ownHostnames) {
      const names = new Set([...bySlot.stdout.matchAll(/^AT \d+ (\S+) /gm)].map((m) => m[1]));
      expect(names.size).toBe(3);
    }
  }, 120_000);

  it("refuses more ranks than slots unless --oversubscribe", async () => {
    const r = await tsrun(["-np", "8", "--hostfile", hosts.hostfile, "exercises/mpi/hello.ts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/8 ranks requested but the hostfile gives 6 slots \(th1: 2, th2: 2, th3: 2\)/);
    const ok = await tsrun(["-np", "8", "--hostfile", hosts.hostfile, "--oversubscribe", "exercises/mpi/hello.ts"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.split("\n").filter((l) => l.startsWith("hello from"))).toHaveLength(8);
  });

  it("a bad hostfile line names the file, the line and the text", async () => {
    const bad = path.join(home, "bad-hosts");
    fs.writeFileSync(bad, "# lab\nth1 slots=2\nth2 slots=two\n");
    const r = await tsrun(["-np", "2", "--hostfile", bad, "exercises/mpi/hello.ts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-hosts line 3: "th2 slots=two": slots must be a whole number/);
  });

  it("an unknown host or a refused connection fails the start with one message naming the host", async () => {
    const unknown = await tsrun([
      "-np",
      "2",
      "--host",
      `${hosts.label(0)},nosuchhost.invalid`,
      "exercises/mpi/hello.ts",
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/nosuchhost\.invalid/);
    const refusing = path.join(home, "refusing-hosts");
    fs.writeFileSync(
      refusing,
      `${hosts.hosts[0].name} slots=1 port=${hosts.hosts[0].port}\n${hosts.hosts[1].name} slots=1 port=9\n`,
    );
    const refused = await tsrun(["-np", "2", "--hostfile", refusing, "exercises/mpi/hello.ts"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`${hosts.hosts[1].name}.*refused`, "i"));
    expect(refused.stdout).not.toMatch(/hello from/);
    expect(await jobProcessesLeft()).toEqual([]);
  });

  it("a remote rank refuses a stranger's connection; stdin reaches rank 0 on its host", async () => {
    const child = spawn(
      process.execPath,
      [tsrunBin, "-np", "2", "--host", `${hosts.label(0)},${hosts.label(1)}`, "test/runtime/programs/stranger.ts"],
      {
        cwd: projectRoot,
        env: { ...process.env, HOME: home, SSH_AUTH_SOCK: "" },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const address = await new Promise<string>((resolve) =>
      child.stdout.on("data", (d) => {
        out += d;
        const m = /LISTEN \S+ \d+ (\S+)/.exec(out);
        if (m) resolve(m[1]);
      }),
    );
    const [host, port] = [
      address.slice(0, address.lastIndexOf(":")),
      Number(address.slice(address.lastIndexOf(":") + 1)),
    ];
    const socket = net.connect(port, host);
    socket.on("error", () => {});
    await new Promise<void>((resolve) => {
      socket.on("data", () => socket.write(Buffer.alloc(60, 1)));
      socket.on("close", () => resolve());
    });
    child.stdin.end("go\n");
    expect(await new Promise<number | null>((resolve) => child.on("exit", resolve))).toBe(0);
    expect(err).toMatch(/rank 1 refused a connection from/);
    expect(out).toMatch(/rank 1 got: still fine/);
  });

  it("an unknown host key is refused with its fingerprint and the way to accept it", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "tsrun-home-"));
    fs.mkdirSync(path.join(empty, ".ssh"), { mode: 0o700 });
    fs.copyFileSync(path.join(home, ".ssh/id_ed25519"), path.join(empty, ".ssh/id_ed25519"));
    fs.chmodSync(path.join(empty, ".ssh/id_ed25519"), 0o600);
    const args = [tsrunBin, "-np", "1", "--host", hosts.label(0), "exercises/mpi/hello.ts"];
    const r = await runCommand(process.execPath, args, { env: { HOME: empty, SSH_AUTH_SOCK: "" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/SHA256:[A-Za-z0-9+/]{43}/);
    expect(r.stderr).toMatch(/--accept-new-hosts/);
    const accepted = await runCommand(process.execPath, [tsrunBin, "--accept-new-hosts", ...args.slice(1)], {
      env: { HOME: empty, SSH_AUTH_SOCK: "" },
    });
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(fs.readFileSync(path.join(empty, ".ssh/known_hosts"), "utf8")).toMatch(/ssh-ed25519/);
  });

  it("a rank killed on a remote host aborts the job and leaves no process on any host", async () => {
    const r = await tsrun([
      "-np",
      "6",
      "--hostfile",
      hosts.hostfile,
      "test/runtime/programs/remote-kill.ts",
      "3",
      "kill",
    ]);
    expect(r.code).toBe(137);
    expect(r.stderr).toMatch(/rank 3 \(pid \d+ on th2\) was killed by SIGKILL/);
    expect(await jobProcessesLeft()).toEqual([]);
  });

  it("Ctrl-C stops every remote rank", async () => {
    const { child, exited } = await startUntilRanksAt(
      ["-np", "6", "--hostfile", hosts.hostfile, "test/runtime/programs/remote-kill.ts", "-1", "hang"],
      home,
      6,
    );
    expect(remoteJobProcesses().length).toBeGreaterThanOrEqual(6);
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(await jobProcessesLeft()).toEqual([]);
  });
});
