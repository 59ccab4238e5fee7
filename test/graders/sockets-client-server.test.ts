// Proves the client/server socket graders (exercises 1.1, 1.2, 2 and 4 of the lab book, part 1): each
// passes its reference solution and fails each broken variant in test/graders/fixtures/sockets/ with
// the message a student would read. The graders start real processes on loopback ports.
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { grade } from "./lib/grader.ts";
import { projectRoot } from "./lib/run.ts";
import { graders } from "./sockets/index.ts";
import { ready, fingerRequirement } from "../harness/requires.ts";

/** The fingerd test talks to the real Debian finger client: skipped with one line where it is missing. */
const fingerReady = ready(fingerRequirement());

// hang guard per test (each grader stops its processes itself; the guard only bounds a regression)
const GUARD_MS = 150_000;
const fixture = (name: string) => path.join(projectRoot, "test/graders/fixtures/sockets", name);

async function gradeOutput(id: string, program?: string) {
  const lines: string[] = [];
  const checker = await grade(
    graders.find((g) => g.id === id)!,
    { program, out: (l) => lines.push(l) },
  );
  return { checker, text: lines.join("\n") };
}

describe("socket graders, client/server exercises", () => {
  it(
    "1.1 passes the reference UDP server and client",
    async () => {
      const { checker, text } = await gradeOutput("1.1");
      expect(checker.failed, text).toBe(0);
      expect(checker.passed).toBe(3);
    },
    GUARD_MS,
  );

  it(
    "1.1 fails a UDP server that ignores socket errors",
    async () => {
      const { text } = await gradeOutput("1.1", fixture("udp-server-unhandled-error.ts"));
      expect(text).toMatch(
        /--- FAIL: port \d+ already taken: exit code 0 and nothing on stderr vs expected a non-zero exit code/,
      );
    },
    GUARD_MS,
  );

  it(
    "1.2 passes the reference TCP server and client",
    async () => {
      const { checker, text } = await gradeOutput("1.2");
      expect(checker.failed, text).toBe(0);
      expect(checker.passed).toBe(6);
    },
    GUARD_MS,
  );

  it(
    "1.2 fails a TCP server that crashes when a client resets its connection",
    async () => {
      const { text } = await gradeOutput("1.2", fixture("tcp-server-crash-on-reset.ts"));
      expect(text).toMatch(
        /--- FAIL: tcp-server exited with code 1: Error: (read|write) ECONNRESET \(after a client reset its connection\) vs expected the server still running/,
      );
    },
    GUARD_MS,
  );

  it(
    "1.2 fails a TCP server that serves one client at a time",
    async () => {
      const { text } = await gradeOutput("1.2", fixture("tcp-server-one-at-a-time.ts"));
      expect(text).toMatch(
        /--- FAIL: (sequential|concurrent) client \d+ of (20|30) \(127\.0\.0\.1:\d+\) (was disconnected without a reply|got no reply and the server closed the connection) vs expected OK/,
      );
    },
    GUARD_MS,
  );

  it.skipIf(!fingerReady)(
    "2 passes the reference fingerd and client",
    async () => {
      const { checker, text } = await gradeOutput("2");
      expect(checker.failed, text).toBe(0);
      expect(checker.passed).toBe(9);
    },
    GUARD_MS,
  );

  it(
    "2 fails a fingerd that sends only the first chunk of a long reply",
    async () => {
      const { text } = await gradeOutput("2", fixture("fingerd-first-chunk.ts"));
      expect(text).toMatch(/--- FAIL: \d+ bytes ending .* vs expected 444013 bytes ending with END OF REPLY/);
    },
    GUARD_MS,
  );

  it(
    "2 fails a fingerd that runs the login through a shell",
    async () => {
      const { text } = await gradeOutput("2", fixture("fingerd-shell.ts"));
      expect(text).toMatch(
        /--- FAIL: finger received arguments \["x"\] for the login "x; touch .*pwned-fake" vs expected the login as its last argument, unchanged/,
      );
    },
    GUARD_MS,
  );

  it(
    "4 passes the reference mutex server and clients",
    async () => {
      const { checker, text } = await gradeOutput("4");
      expect(checker.failed, text).toBe(0);
      expect(checker.passed).toBe(3);
    },
    GUARD_MS,
  );

  it(
    "4 fails a mutex server that grants the lock to several clients at once",
    async () => {
      const { text } = await gradeOutput("4", fixture("mutex-central-grant-all.ts"));
      expect(text).toMatch(
        /--- FAIL: line \d+ ".*" follows ".*" vs expected the 4 lines of one critical section together\. two clients were inside the critical section at the same time/,
      );
    },
    GUARD_MS,
  );

  it(
    "4 fails a mutex server that serves the latest request first",
    async () => {
      const { text } = await gradeOutput("4", fixture("mutex-central-lifo.ts"));
      expect(text).toContain(
        "--- FAIL: critical sections in the order holder, w3, w2, w1 vs expected holder, w1, w2, w3 (the order of the requests)",
      );
    },
    GUARD_MS,
  );

  it(
    "4 fails a mutex server that keeps the lock of a client that disconnected",
    async () => {
      const { text } = await gradeOutput("4", fixture("mutex-central-keeps-lock.ts"));
      expect(text).toContain(
        "--- FAIL: the next client was still waiting 8 s after the holder was killed vs expected the lock released when its holder's connection closes",
      );
    },
    GUARD_MS,
  );
});
