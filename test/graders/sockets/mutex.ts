// Grader for exercise 4 (lab book part 1, centralised mutual exclusion): clients append slowly to one
// shared file inside the critical section, so two clients inside at once would interleave their lines.
// Checks: blocks never interleave; grants follow the order of requests (FIFO); a client killed while
// holding the lock releases it (the server notices the closed connection and grants the next one).
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, fail, type Grader } from "../lib/grader.ts";
import { freePort } from "../lib/run.ts";
import { programsFor, type Proc, Procs, readWrittenFile, tempDir } from "./lib/procs.ts";

interface Line {
  name: string;
  round: number;
  line: number;
  of: number;
  text: string;
}

function readShared(file: string): Line[] {
  return readWrittenFile(file)
    .split("\n")
    .filter(Boolean)
    .map((text) => {
      const m = /^(\S+) round (\d+) line (\d+)\/(\d+)/.exec(text);
      if (!m) fail(`a line "${text}" in the shared file`, 'lines "<name> round <r> line <i>/<n>"');
      return { name: m[1], round: Number(m[2]), line: Number(m[3]), of: Number(m[4]), text };
    });
}

/** The critical sections in file order; fails at the first line written by someone not inside. */
function sections(lines: Line[]): string[] {
  const order: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const { name, round, line, of, text } = lines[i];
    if (line === 1) order.push(`${name}#${round}`);
    else {
      const prev = lines[i - 1];
      if (!prev || prev.name !== name || prev.round !== round || prev.line !== line - 1) {
        fail(
          `line ${i + 1} "${text}" follows "${prev?.text ?? "(start of file)"}"`,
          `the ${of} lines of one critical section together`,
          "two clients were inside the critical section at the same time",
        );
      }
    }
    if (line === of && i + 1 < lines.length && lines[i + 1].line !== 1) {
      fail(
        `line ${i + 2} "${lines[i + 1].text}" follows the end of ${name}'s section`,
        "a new section to start at line 1",
      );
    }
  }
  return order;
}

export const mutexGrader: Grader = {
  id: "4",
  title: "centralised mutual exclusion (FIFO server)",
  reference: ["exercises/sockets/mutex-central.ts", "exercises/sockets/mutex-client.ts"],
  async run(checker, options) {
    const [serverFile, clientFile] = programsFor(this, options);
    const procs = new Procs();
    const dir = tempDir("mutex");
    try {
      const port = await freePort();
      const server = procs.start(serverFile, ["--port", port, "--bind", "127.0.0.1"], "mutex-central");
      const client = (name: string, file: string, extra: (string | number)[]) =>
        procs.start(
          clientFile,
          [
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--name",
            name,
            "--file",
            file,
            "--line-delay-ms",
            15,
            "--think-ms",
            5,
            ...extra,
          ],
          `mutex-client ${name}`,
        );
      const finished = async (proc: Proc) => {
        const { code } = await proc.waitExit(`${proc.label} to finish its rounds`, 30_000);
        expect(code === 0, proc.describeExit(), `${proc.label} to exit with code 0`);
      };

      const up = await checker.check(
        "4 clients × 3 rounds never write inside the critical section together",
        async () => {
          await server.waitFor(/listening/i, "a line saying the server is listening");
          const file = path.join(dir, "shared-1.txt");
          const names = ["c1", "c2", "c3", "c4"];
          const clients = names.map((n) => client(n, file, ["--rounds", 3, "--lines", 4]));
          await Promise.all(clients.map(finished));
          const lines = readShared(file);
          expect(
            lines.length === 48,
            `${lines.length} lines in the shared file`,
            "48 lines (4 clients × 3 rounds × 4 lines)",
          );
          return `${sections(lines).length} critical sections, none overlapping`;
        },
      );
      if (!up) return;

      await checker.check("the lock is granted in the order it was requested (FIFO)", async () => {
        const file = path.join(dir, "shared-2.txt");
        const holder = client("holder", file, ["--interactive", "--lines", 1]);
        holder.write("");
        await holder.waitFor(/ENTERED|INSIDE/, "holder inside the critical section");
        const waiting = ["w1", "w2", "w3"].map((name) => ({ name, proc: undefined as Proc | undefined }));
        for (const w of waiting) {
          w.proc = client(w.name, file, ["--rounds", 1, "--lines", 2]);
          await w.proc.waitFor(/WAITING/, `${w.name} asking for the lock`);
          await server.waitFor(
            (l) => /request/i.test(l) && new RegExp(`\\b${w.name}\\b`).test(l),
            `the server's REQUEST line for ${w.name}`,
            15_000,
          ); // the next one starts only now
        }
        holder.write("");
        for (const w of waiting) await finished(w.proc!);
        const order = sections(readShared(file)).map((s) => s.split("#")[0]);
        expect(
          order.join(" ") === "holder w1 w2 w3",
          `critical sections in the order ${order.join(", ")}`,
          "holder, w1, w2, w3 (the order of the requests)",
          "serve the waiting queue first in, first out",
        );
      });

      await checker.check("a client killed while holding the lock releases it", async () => {
        const file = path.join(dir, "shared-3.txt");
        const doomed = client("doomed", file, ["--interactive", "--lines", 1]);
        doomed.write("");
        await doomed.waitFor(/ENTERED|INSIDE/, "doomed inside the critical section");
        const next = client("next", file, ["--rounds", 1, "--lines", 1]);
        await next.waitFor(/WAITING/, "next asking for the lock");
        doomed.signal("SIGKILL");
        const { code } = await next
          .waitExit("next to get the lock after the holder was killed", 8_000)
          .catch(() =>
            fail(
              "the next client was still waiting 8 s after the holder was killed",
              "the lock released when its holder's connection closes",
              "on a closed connection, drop the client and grant the next one",
            ),
          );
        expect(code === 0, next.describeExit(), "the next client to finish");
        expect(!server.exit, server.describeExit(), "the server still running");
      });
    } finally {
      await procs.stopAll();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
