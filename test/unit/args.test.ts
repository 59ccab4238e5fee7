// Splitting tsrun's command line: launcher options first, then the program, then the program's own arguments.
import { describe, expect, it } from "vitest";
import { splitLauncherArgs, UsageError, nearest, suggestOption, wholeNumber, seconds } from "../../launcher/args.ts";
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

describe("suggestions and numbers", () => {
  it("suggests the nearest option or command for a typo, nothing for a stranger", () => {
    expect(suggestOption("tag-ouput")).toBe(": did you mean --tag-output?");
    expect(suggestOption("hostfle")).toBe(": did you mean --hostfile?");
    expect(suggestOption("frobnicate")).toBe("");
    expect(nearest("veiw", ["init", "view", "export-shiviz"])).toBe("view");
    expect(nearest("ring", ["init", "view", "export-shiviz"])).toBeUndefined();
    expect(() => splitLauncherArgs(["--tag-ouput", "p.ts"])).toThrowError(/did you mean --tag-output\?/);
  });
  it("-np takes a whole number of at least 1; --timeout a positive number of seconds", () => {
    expect(wholeNumber("-np", "4", "ranks")).toBe(4);
    expect(() => wholeNumber("-np", "four", "ranks")).toThrowError("-np needs a whole number (ranks), got 'four'");
    expect(() => wholeNumber("-np", "-1", "ranks")).toThrowError(/whole number/);
    expect(() => wholeNumber("-np", "0", "ranks")).toThrowError(
      "-np needs a whole number of at least 1 (ranks), got 0",
    );
    expect(() => wholeNumber("-np", ["2", "3"], "ranks")).toThrowError(/give -np once/);
    expect(seconds("--timeout", "2.5")).toBe(2.5);
    expect(() => seconds("--timeout", "0")).toThrowError(/greater than 0/);
  });
});

describe("match queue", () => {
  it("takes the earliest match and drains a million items in order", () => {
    const q = new MatchQueue<number>();
    for (let i = 0; i < 1_000_000; i++) q.push(i);
    expect(q.take((x) => x % 2 === 1)).toBe(1);
    let expected = 0;
    let outOfOrder = 0; // one assertion at the end: a million expect() calls are slow on a loaded machine
    for (let v = q.take(() => true); v !== undefined; v = q.take(() => true)) {
      if (expected === 1) expected++;
      if (v !== expected++) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);
    expect(expected).toBe(1_000_000);
    expect(q.length).toBe(0);
  });
});
