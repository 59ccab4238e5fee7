// The one reader graders use for files a graded program wrote (lib/written-file.ts): what it reads, and each
// thing a student's program could leave in its place that it refuses — a link, a link in the path, a fifo
// (without hanging), a hard link, a file outside the allowed directories, someone else's file, a file over
// the size bound — each with its reason; then the two graders' wrappers (sockets and MPI traces) over it.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { isRoot } from "../../harness/requires.ts";
import { readTrace } from "../mpi/lib/trace.ts";
import { readWrittenFile as readInGraderDir, tempDir } from "../sockets/lib/procs.ts";
import { readWrittenFile, UnsafeFileError, type UnsafeReason } from "./written-file.ts";
import { scratchDir } from "../../harness/scratch.ts";

const work = fs.realpathSync(scratchDir("tsmpi-written-"));

/** A fresh directory with `files` (name → text) in it. */
function folder(name: string, files: Record<string, string> = {}): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

function refusal(read: () => unknown): { reason: UnsafeReason; message: string } {
  try {
    read();
  } catch (error) {
    if (error instanceof UnsafeFileError) return { reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error("read without a refusal");
}

describe("reading a file a graded program wrote", () => {
  it("reads a regular file, whole, and gives '' for a missing one", () => {
    const dir = folder("plain", { "out.txt": "line 1\nline 2\n" });
    expect(readWrittenFile(path.join(dir, "out.txt"), { within: [dir] })).toBe("line 1\nline 2\n");
    expect(readWrittenFile(path.join(dir, "absent.txt"), { within: [dir] })).toBe("");
  });

  it("refuses a link, also one to a directory on the way out of the allowed one", () => {
    const dir = folder("links");
    const outside = folder("elsewhere", { "secret.ts": "export const answer = 42;\n" });
    fs.symlinkSync(path.join(outside, "secret.ts"), path.join(dir, "out.txt"));
    fs.symlinkSync(outside, path.join(dir, "sub"));
    expect(refusal(() => readWrittenFile(path.join(dir, "out.txt"), { within: [dir] }))).toEqual({
      reason: "link",
      message: "out.txt cannot be opened (it is a link)",
    });
    expect(refusal(() => readWrittenFile(path.join(dir, "sub", "secret.ts"), { within: [dir] })).reason).toBe(
      "outside",
    );
  });

  it("refuses a fifo without waiting for a writer, and a hard link to another file", () => {
    const dir = folder("special", { "kept.txt": "mine\n" });
    execFileSync("mkfifo", [path.join(dir, "fifo")]);
    fs.linkSync(path.join(dir, "kept.txt"), path.join(dir, "twin.txt"));
    expect(refusal(() => readWrittenFile(path.join(dir, "fifo"))).message).toBe("fifo is not a regular file");
    expect(refusal(() => readWrittenFile(path.join(dir, "twin.txt"))).message).toBe(
      "twin.txt is a file with 2 names (a hard link)",
    );
  });

  it("refuses a file over the size bound, reads one at the bound", () => {
    const dir = folder("sizes", { "ten.txt": "0123456789", "eleven.txt": "0123456789A" });
    expect(readWrittenFile(path.join(dir, "ten.txt"), { maxBytes: 10 })).toBe("0123456789");
    expect(refusal(() => readWrittenFile(path.join(dir, "eleven.txt"), { maxBytes: 10 }))).toEqual({
      reason: "too large",
      message: "eleven.txt is 11 bytes, more than 10",
    });
  });

  it.skipIf(!isRoot())(
    "refuses another user's file in the grader's directory, reads the file of the directory's owner",
    () => {
      const dir = folder("owners", { "planted.txt": "not yours\n" });
      fs.chownSync(path.join(dir, "planted.txt"), 200_123, 200_123);
      expect(refusal(() => readWrittenFile(path.join(dir, "planted.txt"))).message).toBe(
        "planted.txt is owned by uid 200123, not by the program that wrote it",
      );
      const lent = folder("lent", { "out.txt": "written by the sandbox's user\n" });
      fs.chownSync(lent, 200_123, 200_123);
      fs.chownSync(path.join(lent, "out.txt"), 200_123, 200_123);
      expect(readWrittenFile(path.join(lent, "out.txt"))).toBe("written by the sandbox's user\n");
    },
  );
});

describe("the graders' wrappers", () => {
  it("sockets: only inside a directory tempDir() made, a refusal fails the check with its reason", () => {
    const dir = tempDir("written-test", work);
    fs.writeFileSync(path.join(dir, "log.txt"), "GET root\n");
    fs.writeFileSync(path.join(work, "beside.txt"), "not in the grader's folder\n");
    expect(readInGraderDir(path.join(dir, "log.txt"))).toBe("GET root\n");
    expect(() => readInGraderDir(path.join(work, "beside.txt"))).toThrow(
      /beside\.txt is not a regular file of the program's directory vs expected a regular file written by the program/,
    );
  });

  it("MPI traces: a rank whose trace file is a link has no events, the others are read", () => {
    const dir = folder("trace", { "rank-0.jsonl": '{"t":1,"op":"send"}\n{"t":2,"op":"recv"}\n' });
    fs.symlinkSync(path.join(dir, "rank-0.jsonl"), path.join(dir, "rank-1.jsonl"));
    const trace = readTrace(dir, 2);
    expect(trace.events.map((e) => e.length)).toEqual([2, 0]);
  });
});
