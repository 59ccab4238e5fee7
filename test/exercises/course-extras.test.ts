// Course extras of issue "the course as its documents teach it": 11.3's --size and speed-up line through
// the real tsrun, and the teacher's answers: one file per exercise with prose questions, each question
// answered (the student pack leaves these files out; the pack's own test checks that).
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot, runTsrun } from "../harness/run.ts";

describe("11.3 --size and the speed-up", () => {
  it("scatters --size values per rank and prints the speed-up of the times it printed", async () => {
    const r = await runTsrun(2, path.join(projectRoot, "exercises/mpi/scatter-gather.ts"), {
      programArgs: ["--size", "5000", "--seed", "7"],
      timeoutMs: 90_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const parallel = Number(/parallel mean of cubes \S+ in ([\d.]+) ms/.exec(r.stdout)![1]);
    const sequential = Number(/sequential mean of cubes \S+ in ([\d.]+) ms/.exec(r.stdout)![1]);
    const m =
      /^rank 0: speed-up ([\d.]+) \(sequential ([\d.]+) ms \/ parallel ([\d.]+) ms\) on 2 ranks, 5000 values each$/m.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    expect([Number(m![2]), Number(m![3])]).toEqual([sequential, parallel]);
    expect(Number(m![1])).toBeCloseTo(sequential / parallel, 1);
  }, 120_000);

  it("refuses a --size that is not a positive whole number", async () => {
    const r = await runTsrun(2, path.join(projectRoot, "exercises/mpi/scatter-gather.ts"), {
      programArgs: ["--size", "0"],
      timeoutMs: 90_000,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--size takes the number of values per rank \(a whole number ≥ 1\), got 0/);
  }, 120_000);
});

describe("teacher's answers", () => {
  const answers: Record<string, (string | RegExp)[]> = {
    "mpi/answers/9.5.md": ["**1. What does it do?**", "**2. What is wrong?**", "**3. The fix.**"],
    "mpi/answers/10.2.md": ["**2. Where do the waits go?**", "**3. Simultaneous exchange"],
    "mpi/answers/10.3.md": ["**Q1.", "**Q2.", "**Q3.", "**Q4."],
    "mpi/answers/12.3.md": ["**Q4.", "**Q5."],
    "mpi/answers/13.3.md": ["drawback"],
    "sockets/answers/1.1.md": ["**Q7.", "netstat"],
    "sockets/answers/1.2.md": ["**Q16.", "**Q18.", "SO_REUSEADDR", "select", "shutdown", "lsof"],
    "sockets/answers/3.md": ["scalar (Lamport) clock", "FIFO", "vector clock", "matrix clock"],
    "sockets/answers/7.md": ["**Limits of robustness", "**Simplifications and assumptions"],
    "salad/answers/S5.md": ["**Exercise 5", "**Exercise 7"],
  };
  for (const [file, parts] of Object.entries(answers)) {
    it(`${file} answers each of its questions`, () => {
      const text = fs.readFileSync(path.join(projectRoot, "exercises", file), "utf8");
      for (const part of parts) expect(text).toContain(part);
      expect(text.length).toBeGreaterThan(600);
    });
  }
});
