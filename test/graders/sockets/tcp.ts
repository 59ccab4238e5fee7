// Grader for exercise 1.2 (lab book part 1, TCP client and server): the client sends its host name and
// gets OK; the server notices each client leaving, serves many clients one after another and many at
// the same time (all connected before any is answered), survives a client that resets its connection,
// and refuses a busy port with one clear line.
import * as net from "node:net";
import * as os from "node:os";
import { expect, fail, type Grader } from "../lib/grader.ts";
import { freePort } from "../lib/run.ts";
import { expectCleanPortError, programsFor, type Proc, Procs } from "./lib/procs.ts";

interface Probe {
  socket: net.Socket;
  localPort: number;
  replies: string;
}

/** A raw TCP client of the grader's own: connects and remembers what the server sends. */
function openProbe(port: number): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const probe: Probe = { socket, localPort: 0, replies: "" };
    socket.setEncoding("utf8").on("data", (d: string) => (probe.replies += d));
    socket.once("error", reject);
    socket.once("connect", () => ((probe.localPort = socket.localPort!), resolve(probe)));
  });
}

/** Sends `text` and waits for an OK from the server (hang guard 10 s). */
async function expectOk(probe: Probe, text: string, who = "a client"): Promise<void> {
  probe.socket.write(text + "\n");
  await new Promise<void>((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      probe.socket.off("data", onData).off("end", finish).off("close", finish);
      resolve();
    };
    const onData = () => /OK/i.test(probe.replies) && finish();
    const timer = setTimeout(finish, 10_000);
    probe.socket.on("data", onData).on("end", finish).on("close", finish);
    onData();
  });
  if (!/OK/i.test(probe.replies)) {
    if (probe.socket.destroyed && !probe.replies)
      fail(
        `${who} (127.0.0.1:${probe.localPort}) was disconnected without a reply`,
        "OK",
        "the server must keep accepting and answering clients",
      );
    fail(
      `${who} (127.0.0.1:${probe.localPort}) got ${probe.replies ? `"${probe.replies.trim()}"` : "no reply"}${probe.socket.readableEnded ? " and the server closed the connection" : ""}`,
      "OK",
    );
  }
}

const leaving = /clos|left|leav|disconnect|gone|quit|end/i;
const noticesLeaving = (server: Proc, probe: Probe) =>
  server.waitFor(
    (l) => new RegExp(`\\b${probe.localPort}\\b`).test(l) && leaving.test(l),
    `a line saying client 127.0.0.1:${probe.localPort} left`,
    10_000,
  );

function alive(server: Proc, after: string): void {
  if (server.exit)
    fail(
      `${server.describeExit()} (${after})`,
      "the server still running",
      "a client's mistake must never stop the server: handle the socket's error event",
    );
}

export const tcpGrader: Grader = {
  id: "1.2",
  title: "TCP server and client",
  reference: ["exercises/sockets/tcp-server.ts", "exercises/sockets/tcp-client.ts"],
  async run(checker, options) {
    const [serverFile, client] = programsFor(this, options);
    const procs = new Procs();
    try {
      const port = await freePort();
      const server = procs.start(serverFile, ["--port", port, "--bind", "127.0.0.1"], "tcp-server");
      const started = await checker.check("the client sends its host name and receives OK", async () => {
        await server.waitFor(/listening/i, "a line saying the server is listening");
        const run = await procs.run(client, ["--host", "127.0.0.1", "--port", port], "tcp-client");
        expect(run.exit?.code === 0, run.describeExit(), "tcp-client to exit with code 0");
        expect(/OK/.test(run.stdout), `tcp-client printed "${run.stdout.slice(0, 200)}"`, "the server's OK");
        await server.waitFor((l) => l.includes(os.hostname()), `the client's host name (${os.hostname()})`, 10_000);
      });
      if (!started) return;

      await checker.check("the server notices a client closing its connection", async () => {
        const probe = await openProbe(port);
        await expectOk(probe, "grader-probe");
        probe.socket.end();
        await noticesLeaving(server, probe);
      });

      await checker.check("20 clients one after another each receive OK", async () => {
        for (let i = 0; i < 20; i++) {
          const probe = await openProbe(port);
          await expectOk(probe, `sequential-${i}`, `sequential client ${i + 1} of 20`);
          probe.socket.end();
        }
        alive(server, "after 20 sequential clients");
        return "20 OK";
      });

      await checker.check("30 clients connected at the same time are all served, and all noticed leaving", async () => {
        const probes = await Promise.all(Array.from({ length: 30 }, () => openProbe(port)));
        await Promise.all(probes.map((p, i) => expectOk(p, `concurrent-${i}`, `concurrent client ${i + 1} of 30`))); // nobody has closed yet
        probes.forEach((p) => p.socket.end());
        for (const probe of probes) await noticesLeaving(server, probe);
        alive(server, "after 30 concurrent clients");
        return "30 OK while all were connected";
      });

      await checker.check("a client that resets its connection does not stop the server", async () => {
        const probe = await openProbe(port);
        await expectOk(probe, "about-to-reset");
        probe.socket.write("unread data\n");
        probe.socket.resetAndDestroy();
        const next = await openProbe(port).catch(() =>
          fail(
            `${server.exit ? server.describeExit() : "connection refused"} after a client reset`,
            "the server still accepting clients",
          ),
        );
        await expectOk(next, "after-reset", "the client after the reset").catch(async (error) => {
          await Promise.race([server.exited, new Promise((r) => setTimeout(r, 3000))]); // did it die?
          alive(server, "after a client reset its connection");
          throw error;
        });
        next.socket.end();
        alive(server, "after a client reset its connection");
      });

      await checker.check("a busy port is refused with one clear line and a non-zero exit", async () => {
        const blocker = net.createServer();
        await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
        const busy = (blocker.address() as net.AddressInfo).port;
        try {
          const second = await procs.run(
            serverFile,
            ["--port", busy, "--bind", "127.0.0.1"],
            "tcp-server on a busy port",
            { timeoutMs: 15_000 },
          );
          expectCleanPortError(second, busy, `port ${busy} already taken`);
          return second.stderr.trim();
        } finally {
          blocker.close();
        }
      });
    } finally {
      await procs.stopAll();
    }
  },
};
