// Splitting tsrun's command line: launcher options first, then the program, then the program's own arguments.
import { describe, expect, it } from "vitest";
import { splitLauncherArgs, UsageError } from "../../launcher/args.ts";
import { MatchQueue } from "../../runtime/comm/queue.ts";

describe("tsrun argument split", () => {
  it("stops at the program; what follows belongs to the program", () => {
    expect(splitLauncherArgs(["-np", "4", "--tag-output", "prog.ts", "-np", "9", "--x"])).toEqual({
      launcherArgs: ["-np", "4", "--tag-output"],
      program: "prog.ts",
      programArgs: ["-np", "9", "--x"],
    });
    expect(splitLauncherArgs(["-n=2", "-x", "A=1", "--", "-weird.ts"]).program).toBe("-weird.ts");
  });
  it("refuses unknown options and missing values", () => {
    expect(() => splitLauncherArgs(["--frobnicate", "1", "p.ts"])).toThrowError(UsageError);
    expect(() => splitLauncherArgs(["--timeout"])).toThrowError(/needs a value/);
  });
});

describe("match queue", () => {
  it("takes the earliest match and drains a million items in order", () => {
    const q = new MatchQueue<number>();
    for (let i = 0; i < 1_000_000; i++) q.push(i);
    expect(q.take((x) => x % 2 === 1)).toBe(1);
    let expected = 0;
    for (let v = q.take(() => true); v !== undefined; v = q.take(() => true)) {
      if (expected === 1) expected++;
      expect(v).toBe(expected++);
    }
    expect(q.length).toBe(0);
  });
});
