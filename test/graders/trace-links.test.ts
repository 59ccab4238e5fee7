// The graders' trace reader never follows a link: in class mode the trace folder is writable by the graded
// program, which could otherwise make the grader read (and quote) a file the link points to.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { readTrace } from "./mpi/lib/trace.ts";
import { scratchDir } from "../harness/scratch.ts";

const dir = scratchDir("tsmpi-trace-links-");

describe("readTrace", () => {
  it("reads a rank's regular file and ignores a rank's link", () => {
    const event = JSON.stringify({ kind: "send", time: 1, peer: 1, tag: 0, size: 8, msg: "0:1", ctx: 0 });
    fs.writeFileSync(path.join(dir, "rank-0.jsonl"), `${event}\n`);
    const secret = path.join(dir, "secret.jsonl");
    fs.writeFileSync(secret, `${event}\n${event}\n`);
    fs.symlinkSync(secret, path.join(dir, "rank-1.jsonl"));
    const trace = readTrace(dir, 3);
    expect(trace.events.map((e) => e.length)).toEqual([1, 0, 0]);
  });
});
