// Grader for exercise 2 (lab book part 1, fingerd and its client, RFC 1288): the server writes its pid
// file, answers from the system `finger` with the login as one argument (never through a shell), logs
// one line per request, sends replies of any length whole, answers clearly when the user or the finger
// program is missing; the client prints whole replies; the real Debian `finger` client gets an answer
// on port 79 when the grader may bind it (root). A fake `finger` on PATH lets the grader see the argv.
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { expect, fail, type Grader } from "../lib/grader.ts";
import { commandsWrapped, freePort, runCommand } from "../lib/run.ts";
import { programPids, programsFor, type Proc, Procs, readWrittenFile, tempDir } from "./lib/procs.ts";

const LONG_LINES = 6000;
const longReply =
  Array.from(
    { length: LONG_LINES },
    (_, n) => `line ${String(n).padStart(5, "0")} of the long reply: the quick brown fox jumps over the lazy dog\n`,
  ).join("") + "END OF REPLY\n";

/** A stand-in for finger: prints its argv one per line, then a long fixed text (about 450 KB). */
const fakeFinger = `#!/bin/sh
i=0
for a in "$@"; do printf 'ARG[%d]=%s\\n' "$i" "$a"; i=$((i+1)); done
n=0
while [ $n -lt ${LONG_LINES} ]; do printf 'line %05d of the long reply: the quick brown fox jumps over the lazy dog\\n' "$n"; n=$((n+1)); done
printf 'END OF REPLY\\n'
`;

/** One RFC 1288 query over a raw socket; resolves with everything the server sent before closing. */
function query(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.write(line + "\r\n"));
    const timer = setTimeout(
      () => (
        socket.destroy(),
        reject(
          failureOf(
            `the reply to "${line}" did not end within 15 s (${Buffer.concat(chunks).length} bytes so far)`,
            "the server to send the whole reply and close",
          ),
        )
      ),
      15_000,
    );
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (e) => (clearTimeout(timer), reject(failureOf(`query "${line}": ${e.message}`, "a reply"))));
    socket.on(
      "close",
      () => (clearTimeout(timer), resolve(Buffer.concat(chunks).toString("utf8").replace(/\r\n/g, "\n"))),
    );
  });
}

function failureOf(measured: string, expected: string): Error {
  try {
    fail(measured, expected);
  } catch (e) {
    return e as Error;
  }
}

const argsIn = (reply: string) => [...reply.matchAll(/^ARG\[\d+\]=(.*)$/gm)].map((m) => m[1]);
const excerpt = (text: string) => JSON.stringify(text.length > 160 ? text.slice(0, 160) + "…" : text);
function stillRunning(server: Proc, after: string): void {
  if (server.exit)
    fail(
      `${server.describeExit()} (${after})`,
      "the server still running",
      "answer the client with a text, never crash",
    );
}

export const fingerGrader: Grader = {
  id: "2",
  title: "fingerd and its client (RFC 1288)",
  reference: ["exercises/sockets/fingerd.ts", "exercises/sockets/finger-client.ts"],
  async run(checker, options) {
    const [fingerd, client] = programsFor(this, options);
    const procs = new Procs();
    const dir = tempDir("finger");
    const fakeDir = path.join(dir, "fake-bin");
    const emptyDir = path.join(dir, "empty-bin");
    fs.mkdirSync(fakeDir);
    fs.mkdirSync(emptyDir);
    fs.writeFileSync(path.join(fakeDir, "finger"), fakeFinger, { mode: 0o755 });
    const files = (name: string) => [
      "--pid-file",
      path.join(dir, `${name}.pid`),
      "--log-file",
      path.join(dir, `${name}.log`),
    ];
    try {
      const [realPort, fakePort, nonePort] = [await freePort(), await freePort(), await freePort()];
      const real = procs.start(fingerd, ["--port", realPort, "--bind", "127.0.0.1", ...files("real")], "fingerd");
      const fake = procs.start(
        fingerd,
        ["--port", fakePort, "--bind", "127.0.0.1", ...files("fake")],
        "fingerd (fake finger on PATH)",
        { env: { PATH: `${fakeDir}:${process.env.PATH}` } },
      );
      const none = procs.start(
        fingerd,
        ["--port", nonePort, "--bind", "127.0.0.1", ...files("none")],
        "fingerd (no finger on PATH)",
        { env: { PATH: emptyDir } },
      );
      const up = await checker.check("fingerd listens on the given port and writes its pid file", async () => {
        for (const server of [real, fake, none])
          await server.waitFor(/listening/i, "a line saying fingerd is listening");
        const pid = readWrittenFile(path.join(dir, "real.pid")).trim().slice(0, 40) || "(no file)";
        // in a class sandbox the server has its own PID namespace: the pid it sees itself as counts too
        expect(
          programPids(real).has(Number(pid)) && /^\d+$/.test(pid),
          `pid file --pid-file holds ${pid}`,
          `the server's pid ${real.pid}`,
        );
      });
      if (!up) return;

      const logins = ["root", "/W root", `nosuchuser${process.pid}`, `x; touch ${dir}/pwned-real`, "$(id)"];
      await checker.check("a query for root returns what the system finger says", async () => {
        const reply = await query(realPort, "root");
        expect(/Login: root/.test(reply), `reply ${excerpt(reply)}`, "finger's text about root (Login: root …)");
        const verbose = await query(realPort, "/W root");
        expect(
          /Login: root/.test(verbose),
          `reply to "/W root" ${excerpt(verbose)}`,
          "the long form about root (RFC 1288 /W)",
        );
      });

      await checker.check("an unknown login gets a clear text reply and the server keeps running", async () => {
        const reply = await query(realPort, logins[2]);
        expect(reply.trim().length > 0, "an empty reply", "a text saying there is no such user");
        stillRunning(real, "after a query for an unknown user");
        return reply.trim();
      });

      await checker.check("the login is one argument of finger, never shell syntax", async () => {
        const shellReply = await query(realPort, logins[3]);
        await query(realPort, logins[4]);
        for (const login of [`x; touch ${dir}/pwned-fake`, "$(id)", "a b  c", "-l", "`id`"]) {
          const reply = await query(fakePort, login);
          const args = argsIn(reply);
          expect(
            args.at(-1) === login,
            `finger received arguments ${JSON.stringify(args)} for the login ${JSON.stringify(login)}`,
            `the login as its last argument, unchanged`,
            "run finger with an argument array (spawn/execFile), never a command string",
          );
        }
        for (const file of ["pwned-real", "pwned-fake"])
          expect(
            !fs.existsSync(path.join(dir, file)),
            `a shell ran the login: ${dir}/${file} was created`,
            "no command run from the login",
          );
        return `"x; touch …" on the real finger: ${shellReply.trim()}`;
      });

      await checker.check("a reply of any length arrives whole (450 KB)", async () => {
        const reply = await query(fakePort, "longreply");
        const body = reply.slice(reply.indexOf("line 00000"));
        expect(
          body === longReply,
          `${body.length} bytes ending ${excerpt(body.slice(-60))}`,
          `${longReply.length} bytes ending with END OF REPLY`,
          "send all of finger's output (keep reading its stdout until it ends) before closing",
        );
        const run = await procs.run(
          client,
          ["--login", "longreply", "--host", "127.0.0.1", "--port", fakePort],
          "finger-client",
        );
        expect(run.exit?.code === 0, run.describeExit(), "finger-client to exit with code 0");
        const printed = run.stdout.slice(run.stdout.indexOf("line 00000")).trimEnd();
        expect(
          printed === longReply.trimEnd(),
          `finger-client printed ${printed.length} bytes ending ${excerpt(printed.slice(-60))}`,
          `the whole ${longReply.length}-byte reply`,
          "the client must keep receiving until the server closes the connection",
        );
      });

      await checker.check("the client --login L --host H --port P prints the reply", async () => {
        const run = await procs.run(
          client,
          ["--login", "root", "--host", "127.0.0.1", "--port", realPort],
          "finger-client",
        );
        expect(
          run.exit?.code === 0 && /Login: root/.test(run.stdout),
          `${run.describeExit()}, printed ${excerpt(run.stdout)}`,
          "exit code 0 and finger's text about root",
        );
      });

      await checker.check("a missing finger program gets a clear text reply, not a crash", async () => {
        const reply = await query(nonePort, "root");
        expect(/finger/i.test(reply), `reply ${excerpt(reply)}`, "a text saying the finger program is missing");
        stillRunning(none, "after a query while finger is not installed");
        return reply.trim();
      });

      await checker.check("one log line per request, with the login and the client address", async () => {
        const logFile = path.join(dir, "real.log");
        const lines = readWrittenFile(logFile)
          .split("\n")
          .filter((l) => l.trim());
        const asked = logins.length + 1; // the queries above + the client's query for root
        expect(lines.length === asked, `${lines.length} lines in --log-file`, `${asked} lines, one per request`);
        for (const login of ["root", logins[2], "$(id)"]) {
          expect(
            lines.some((l) => l.includes(login) && l.includes("127.0.0.1")),
            `no log line with both ${JSON.stringify(login)} and 127.0.0.1`,
            "each line to name the login asked and the client's address",
          );
        }
        return `${lines.length} lines`;
      });

      await checker.check("the Debian finger client gets the answer (finger -l root@127.0.0.1, port 79)", async () => {
        if (process.getuid?.() !== 0)
          return "skipped: port 79 needs root; the finger-client check above covers the protocol";
        if (commandsWrapped())
          return "skipped: in the class sandbox the server runs unprivileged, and port 79 needs root; the finger-client check above covers the protocol";
        if (!(await runCommand("sh", ["-c", "command -v finger"])).stdout.trim())
          return "skipped: no finger client installed (apt-get install finger)";
        const on79 = procs.start(
          fingerd,
          ["--port", 79, "--bind", "127.0.0.1", ...files("port79")],
          "fingerd on port 79",
        );
        const ready = await Promise.race([
          on79.waitFor(/listening/i, "listening on port 79", 15_000).then(() => true),
          on79.exited.then(() => false),
        ]);
        if (!ready) return `skipped: port 79 is not available here (${on79.describeExit()})`;
        const run = await runCommand("finger", ["-l", "root@127.0.0.1"], { timeoutMs: 20_000 });
        expect(
          /Login: root/.test(run.stdout),
          `finger -l root@127.0.0.1 printed ${excerpt(run.stdout + run.stderr)}`,
          "finger's text about root",
        );
        return "real finger client answered on port 79";
      });
    } finally {
      await procs.stopAll();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
