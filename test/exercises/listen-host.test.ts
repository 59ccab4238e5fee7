// Where the socket exercises' servers listen: 127.0.0.1 unless `--host ADDR` says otherwise, with a one-line
// note on how to open them to other machines. Each server is started for real (port 0 where it takes one)
// and the address its listening socket is bound to is read from the kernel (/proc/PID/fd + /proc/net/tcp,
// udp), not from what the program prints. The multi-machine runs with --host are the SSH tests'
// (test/graders/sockets-hosts.test.ts, sockets-ssh.test.ts).
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../harness/run.ts";
import { scratchDir } from "../harness/scratch.ts";

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const scratch = scratchDir("listen-host-");

/** "0100007F:1F90" (little-endian IPv4:port, as /proc/net/tcp writes it) → "127.0.0.1". */
function ipv4(hex: string): string {
  const word = hex.split(":")[0];
  return [3, 2, 1, 0].map((i) => parseInt(word.slice(2 * i, 2 * i + 2), 16)).join(".");
}

/** Local addresses of the IPv4 TCP listening sockets and UDP sockets the process holds. */
function boundAddresses(pid: number): string[] {
  const inodes = new Set(
    fs.readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
      try {
        return /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? [];
      } catch {
        return [];
      }
    }),
  );
  const rows = (table: string, listening: (state: string) => boolean) =>
    fs
      .readFileSync(`/proc/net/${table}`, "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f.length > 9 && inodes.has(f[9]) && listening(f[3]))
      .map((f) => ipv4(f[1]));
  return [...rows("tcp", (state) => state === "0A"), ...rows("udp", () => true)];
}

/** Starts a socket server, waits for its "listening" line, returns that line and its bound addresses. */
async function listening(file: string, args: string[]): Promise<{ line: string; bound: string[] }> {
  const child = spawn(process.execPath, ["--import", tsx, path.join(projectRoot, "exercises/sockets", file), ...args], {
    cwd: scratch,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
        const found = out.split("\n").find((l) => /listening/i.test(l));
        if (found) resolve(found);
      });
      child.on("exit", (code) => reject(new Error(`${file} exited (${code}) before listening: ${err}${out}`)));
    });
    return { line, bound: boundAddresses(child.pid!) };
  } finally {
    child.kill("SIGKILL");
  }
}

const note = "only this machine can connect; --host 0.0.0.0 opens it to other machines";
const servers: Array<[string, string[]]> = [
  ["tcp-server.ts", ["--port", "0"]],
  ["udp-server.ts", ["--port", "0"]],
  ["mutex-central.ts", ["--port", "0"]],
  ["failure-detector.ts", ["--name", "d1", "--port", "0"]],
  ["fingerd.ts", ["--port", "0", "--pid-file", path.join(scratch, "f.pid"), "--log-file", path.join(scratch, "f.log")]],
];

describe("socket servers listen on loopback unless --host opens them", () => {
  it.each(servers)(
    "%s without --host: bound to 127.0.0.1 only, and says how to open it",
    async (file, args) => {
      const { line, bound } = await listening(file, args);
      expect(bound.length, line).toBeGreaterThan(0);
      expect(new Set(bound)).toEqual(new Set(["127.0.0.1"]));
      expect(line).toContain("127.0.0.1");
      expect(line).toContain(note);
    },
    60_000,
  );

  it.each(servers)(
    "%s with --host 0.0.0.0: bound to every interface, no note",
    async (file, args) => {
      const { line, bound } = await listening(file, [...args, "--host", "0.0.0.0"]);
      expect(new Set(bound)).toEqual(new Set(["0.0.0.0"]));
      expect(line).not.toContain(note);
    },
    60_000,
  );
});
