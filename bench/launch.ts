// `npm run bench -- launch`: wall time to start and finish an empty tsmpi program at np = 2, 6, 12, locally
// and on 3 real SSH test hosts (test/hosts/testhosts.sh: network namespaces, or loopback), and a ping-pong
// across hosts (TCP through the namespace bridge) next to the local one (Unix sockets), in one run.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { emit, jsonLines, root, tsrun, wallMs } from "./lib.ts";

const script = path.join(root, "test/hosts/testhosts.sh");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-bench-hosts-"));
const home = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-bench-home-"));
try {
  execFileSync("bash", [script, "up", "3", process.env.TESTHOSTS_MODE ?? "auto", dir], { stdio: "ignore" });
  fs.mkdirSync(path.join(home, ".ssh"), { mode: 0o700 });
  fs.copyFileSync(path.join(dir, "known_hosts"), path.join(home, ".ssh/known_hosts"));
  fs.copyFileSync(path.join(dir, "userkey"), path.join(home, ".ssh/id_ed25519"));
  fs.chmodSync(path.join(home, ".ssh/id_ed25519"), 0o600);
  const env = { HOME: home, SSH_AUTH_SOCK: "" };
  const hostfile = path.join(dir, "hostfile");
  const mode = JSON.parse(fs.readFileSync(path.join(dir, "hosts.json"), "utf8")).mode;
  for (const np of [2, 6, 12]) {
    const local = wallMs(process.execPath, [tsrun, "-np", String(np), "bench/programs/empty.ts"], 3);
    const remote = wallMs(
      process.execPath,
      [tsrun, "-np", String(np), "--hostfile", hostfile, "--oversubscribe", "bench/programs/empty.ts"],
      3,
      env,
    );
    emit({
      bench: "launch",
      np,
      hosts: 3,
      mode,
      localMs: Math.round(local),
      sshMs: Math.round(remote),
      ratio: Number((remote / local).toFixed(2)),
    });
  }
  const sizes = "8,65536,1048576";
  const local = jsonLines(process.execPath, [tsrun, "-np", "2", "bench/programs/pingpong.ts", sizes, "typed"]);
  const hosts = JSON.parse(fs.readFileSync(path.join(dir, "hosts.json"), "utf8")).hosts as {
    name: string;
    port: number;
  }[];
  const pair = hosts
    .slice(0, 2)
    .map((h) => (h.port === 22 ? h.name : `${h.name}`))
    .join(",");
  const crossFile = path.join(dir, "pair");
  fs.writeFileSync(
    crossFile,
    hosts
      .slice(0, 2)
      .map((h) => `${h.name} slots=1${h.port === 22 ? "" : ` port=${h.port}`}`)
      .join("\n") + "\n",
  );
  const cross = jsonLines(
    process.execPath,
    [tsrun, "-np", "2", "--hostfile", crossFile, "bench/programs/pingpong.ts", sizes, "typed"],
    env,
  );
  for (const c of cross) {
    const l = local.find((x) => x.size === c.size)!;
    emit({
      bench: "pingpong-cross-host",
      hosts: pair,
      mode,
      size: c.size,
      crossHostUs: Number((c.oneWayUs as number).toFixed(1)),
      localUs: Number((l.oneWayUs as number).toFixed(1)),
      ratio: Number(((c.oneWayUs as number) / (l.oneWayUs as number)).toFixed(2)),
    });
  }
} finally {
  execFileSync("bash", [script, "down", dir], { stdio: "ignore" });
  fs.rmSync(home, { recursive: true, force: true });
}
