// The socket exercises as a user runs them by hand (lab book part 1): every program answers --help and
// refuses a bad option with one line, and the --spawn launchers of exercises 6 and 8 run a whole system
// of real processes on this machine and end cleanly.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot, runCommand } from "./lib/run.ts";

const dir = path.join(projectRoot, "exercises/sockets");
// Command-line programs (they build a parser with the family's CLI helper, `cli(program, …)`); modules such as
// token-mutex.ts or ring-chain.ts, which only borrow its error texts, are not programs.
const programs = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && /\bcli\(\s*program\b|yargs\(/.test(fs.readFileSync(path.join(dir, f), "utf8")));
const tsx = (file: string, args: string[], timeoutMs = 60_000) =>
  runCommand(process.execPath, ["--import", "tsx", path.join(dir, file), ...args], { timeoutMs });

describe("socket exercises from the command line", () => {
  it("every program answers --help with its usage and refuses an unknown option with one line", async () => {
    expect(programs.length).toBeGreaterThanOrEqual(14);
    const results = await Promise.all(
      programs.map(async (file) => ({
        file,
        help: await tsx(file, ["--help"]),
        bad: await tsx(file, ["--bogus-option"]),
      })),
    );
    for (const { file, help, bad } of results) {
      expect(help.code, `${file} --help: ${help.stderr}`).toBe(0);
      expect(help.stdout, file).toMatch(/Options:/);
      expect(bad.code, file).not.toBe(0);
      expect(bad.stderr.trim().split("\n"), `${file}: ${bad.stderr}`).toHaveLength(1);
      expect(bad.stderr).toMatch(/Unknown argument: bogus-option\. Try --help|Missing required argument/);
    }
  });

  it("election --spawn 5 elects the greatest id and numbers the ring 0..4", async () => {
    const run = await tsx("election.ts", ["--spawn", "5", "--ids", "4,15,9,23,8", "--initiators", "4,9"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.match(/\] LEADER 23\b/g)).toHaveLength(5);
    expect(run.stdout).toMatch(/\[id 23\] COUNT 5/);
    const numbers = [...run.stdout.matchAll(/\[id (\d+)\] NUMBER (\d+)/g)].map((m) => `${m[1]}:${m[2]}`).sort();
    expect(numbers).toEqual(["15:3", "23:0", "4:2", "8:1", "9:4"].sort());
  });

  it("snapshot --spawn 3 prints consistent global states and final balances that add up", async () => {
    const run = await tsx("snapshot.ts", [
      "--spawn",
      "3",
      "--snapshots",
      "2",
      "--every-ms",
      "200",
      "--tick-ms",
      "5",
      "--delay-ms",
      "10",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const globals = [...run.stdout.matchAll(/GLOBAL (\{.*\})/g)].map((m) => JSON.parse(m[1]));
    expect(globals.map((g) => [g.snapshot, g.total])).toEqual([
      [1, 300],
      [2, 300],
    ]);
    const finals = [...run.stdout.matchAll(/FINAL (\d+)/g)].map((m) => Number(m[1]));
    expect(finals.reduce((a, b) => a + b, 0)).toBe(300);
  });
});
