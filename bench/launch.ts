// `npm run bench -- launch`: wall time to start and finish an empty tsmpi program at np = 2, 6, 12, locally
// and on 3 real SSH test hosts (test/hosts/testhosts.sh: network namespaces, or loopback), and a ping-pong
// across hosts (TCP through the namespace bridge) next to the local one (Unix sockets), in one run; with
// --transport shm too (one thread host per host): its start-up, and a ping-pong within a host of a
// 2-host job (threads over the host's segment) next to rank processes on the same slots.
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
    // --transport shm: one thread host per host instead of one process per rank.
    const threads = wallMs(
      process.execPath,
      [
        tsrun,
        "-np",
        String(np),
        "--transport",
        "shm",
        "--hostfile",
        hostfile,
        "--oversubscribe",
        "bench/programs/empty.ts",
      ],
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
      sshShmMs: Math.round(threads),
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
  // Ranks 0 and 1 on one host of a 2 hosts × 2 slots job: rank processes over a Unix socket, or threads of
  // one host process over its segment while the other host is reached over TCP (--transport shm).
  const slots = path.join(dir, "slots");
  fs.writeFileSync(slots, fs.readFileSync(hostfile, "utf8").split("\n").slice(0, 2).join("\n") + "\n");
  const onHost = (transport: string) =>
    jsonLines(
      process.execPath,
      [tsrun, "-np", "4", "--transport", transport, "--hostfile", slots, "bench/programs/pingpong.ts", sizes, "typed"],
      env,
    );
  const [processes, threads] = [onHost("unix"), onHost("shm")];
  for (const t of threads) {
    const p = processes.find((x) => x.size === t.size)!;
    emit({
      bench: "pingpong-within-host",
      hostsInJob: 2,
      mode,
      size: t.size,
      shmUs: Number((t.oneWayUs as number).toFixed(1)),
      processesUs: Number((p.oneWayUs as number).toFixed(1)),
      ratio: Number(((t.oneWayUs as number) / (p.oneWayUs as number)).toFixed(2)),
    });
  }
} finally {
  execFileSync("bash", [script, "down", dir], { stdio: "ignore" });
  fs.rmSync(home, { recursive: true, force: true });
}
