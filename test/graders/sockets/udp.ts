// Grader for exercise 1.1 (lab book part 1, UDP client and server): datagrams sent by the client are
// printed by the server with their source address; a busy port and a privileged port are refused with
// one clear line and a non-zero exit (the privileged case runs as user nobody when the grader is root).
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect, type Grader } from "../lib/grader.ts";
import { expectCleanPortError, freeUdpPort, programsFor, Procs } from "./lib/procs.ts";

/** True when user nobody can read `file` (every parent directory searchable, the file readable by others). */
function readableByEveryone(file: string): boolean {
  for (let p = path.resolve(file); ; p = path.dirname(p)) {
    const mode = fs.statSync(p).mode;
    if ((mode & (p === path.resolve(file) ? 0o004 : 0o001)) === 0) return false;
    if (p === path.dirname(p)) return true;
  }
}

/** The lowest port an ordinary user may bind on this machine. */
function unprivilegedPortStart(): number {
  try {
    return Number(fs.readFileSync("/proc/sys/net/ipv4/ip_unprivileged_port_start", "utf8").trim());
  } catch {
    return 1024;
  }
}

export const udpGrader: Grader = {
  id: "1.1",
  title: "UDP server and client",
  reference: ["exercises/sockets/udp-server.ts", "exercises/sockets/udp-client.ts"],
  async run(checker, options) {
    const [server, client] = programsFor(this, options);
    const procs = new Procs();
    try {
      await checker.check("each datagram sent by the client is printed by the server with its source", async () => {
        const port = await freeUdpPort();
        const proc = procs.start(server, ["--port", port, "--bind", "127.0.0.1"], "udp-server");
        await proc.waitFor(/listening/i, "a line saying the server is listening");
        for (const n of [1, 2, 3]) {
          const text = `grader-datagram-${n}-${process.pid}`;
          const sender = await procs.run(
            client,
            ["--host", "127.0.0.1", "--port", port, "--message", text],
            "udp-client",
          );
          expect(sender.exit?.code === 0, `udp-client: ${sender.describeExit()}`, "exit code 0 after sending");
          const { line } = await proc.waitFor((l) => l.includes(text), `the datagram "${text}"`, 10_000);
          expect(
            line.includes("127.0.0.1"),
            `the server printed "${line}"`,
            "the message with its source address 127.0.0.1:<port>",
          );
        }
        return "3 datagrams printed with their source address";
      });

      await checker.check("a busy port is refused with one clear line and a non-zero exit", async () => {
        const blocker = dgram.createSocket("udp4");
        await new Promise<void>((resolve) => blocker.bind(0, "127.0.0.1", resolve));
        const port = blocker.address().port;
        try {
          const proc = await procs.run(server, ["--port", port, "--bind", "127.0.0.1"], "udp-server on a busy port", {
            timeoutMs: 15_000,
          });
          expectCleanPortError(proc, port, `port ${port} already taken`);
          return proc.stderr.trim();
        } finally {
          blocker.close();
        }
      });

      await checker.check("a privileged port is refused with one clear line and a non-zero exit", async () => {
        const lowest = unprivilegedPortStart();
        if (lowest <= 23)
          return `skipped: this machine lets every user bind port 23 (net.ipv4.ip_unprivileged_port_start = ${lowest})`;
        const root = process.getuid?.() === 0;
        if (root && !readableByEveryone(server))
          return `skipped: the grader runs as root and user nobody cannot read ${server}`;
        const asNobody = root ? { uid: 65534, gid: 65534, cwd: os.tmpdir(), env: { HOME: os.tmpdir() } } : {};
        const proc = await procs.run(server, ["--port", 23, "--bind", "127.0.0.1"], "udp-server on port 23", {
          ...asNobody,
          timeoutMs: 15_000,
        });
        expectCleanPortError(proc, 23, "port 23 as an ordinary user");
        return `${root ? "as user nobody: " : ""}${proc.stderr.trim()}`;
      });
    } finally {
      await procs.stopAll();
    }
  },
};
