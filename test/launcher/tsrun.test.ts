// The tsrun launcher on one machine: usage errors, output forwarding, stdin, environment, programs in any
// folder, abort paths (throw, exit code, signal, abort(), Ctrl-C, timeout) and that nothing is left running.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { runCommand, runTsrun, tsrunBin, projectRoot } from "../harness/run.ts";

const program = (name: string) => path.join(projectRoot, `test/runtime/programs/${name}.ts`);
const pidsOf = (stdout: string) => [...stdout.matchAll(/^PID (\d+) (\d+)$/gm)].map((m) => Number(m[2]));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[2].startsWith("Z");
  } catch {
    return false;
  }
};

/** Waits until none of `pids` is alive (hang guard 5 s); returns the ones still alive. */
async function survivors(pids: number[]): Promise<number[]> {
  const deadline = Date.now() + 5000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  return pids.filter(alive);
}

/** The private job directory a rank was given (TSMPI_SOCKET_DIR in its environment). */
function jobDirOf(pid: number): string {
  const entry = fs
    .readFileSync(`/proc/${pid}/environ`, "utf8")
    .split("\0")
    .find((e) => e.startsWith("TSMPI_SOCKET_DIR="));
  return entry!.slice("TSMPI_SOCKET_DIR=".length);
}

/** Waits until `dir` no longer exists (hang guard 10 s: the reaper polls tsrun once a second). */
async function gone(dir: string): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (fs.existsSync(dir) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return !fs.existsSync(dir);
}

describe("usage errors exit 2 with one line", () => {
  const cases: [string[], RegExp][] = [
    [["-np", "0", "x.ts"], /-np needs a whole number of at least 1 \(how many ranks to start\), got 0/],
    [["-np", "2", "does-not-exist.ts"], /program not found: does-not-exist\.ts/],
    [["--bogus", "2", "x.ts"], /unknown option --bogus/],
    [["-np", "2"], /no program given/],
    [[program("output")], /missing -np N/],
    [["-np"], /option -np needs a value/],
    [["-np", "2", "--transport", "carrier-pigeon", program("output")], /Invalid values|transport/],
  ];
  for (const [args, message] of cases) {
    it(`tsrun ${args.map((a) => path.basename(a)).join(" ")}`, async () => {
      const r = await runCommand(process.execPath, [tsrunBin, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/Run 'tsrun --help' for usage\.\n$/);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }
  it("--help shows usage and examples; --version the version", async () => {
    const help = await runCommand(process.execPath, [tsrunBin, "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: tsrun -np N/);
    expect(help.stdout).toMatch(/Examples:/);
    const version = await runCommand(process.execPath, [tsrunBin, "--version"]);
    expect(version.stdout.trim()).toBe(
      JSON.parse(fs.readFileSync(path.join(projectRoot, "package.json"), "utf8")).version,
    );
  });
});

describe("output, stdin and environment", () => {
  it("forwards whole lines in order per rank, stderr apart, stdin to rank 0, -x and --wdir", async () => {
    const wdir = fs.mkdtempSync(path.join(os.tmpdir(), "tsrun-wdir-"));
    const r = await runTsrun(4, program("output"), {
      tsrunArgs: ["-x", "TSMPI_TEST_VAR=forty two", "--wdir", wdir],
      input: "line one\nline two\n",
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split("\n");
    for (let rank = 0; rank < 4; rank++) {
      const mine = lines.filter((l) => l.startsWith(`R${rank}:`));
      expect(mine).toHaveLength(100);
      mine.forEach((l, i) => expect(l).toBe(`R${rank}:${i}:${"x".repeat(3000)}`));
      expect(lines).toContain(`ENV ${rank} forty two ${fs.realpathSync(wdir)}`);
      expect(lines).toContain(`PARTIAL ${rank} without newline`);
      expect(r.stderr.split("\n").filter((l) => l.startsWith(`E${rank}:`))).toHaveLength(10);
    }
    expect(r.stdout).not.toMatch(/^E\d/m);
    expect(lines).toContain(`STDIN "line one\\nline two\\n"`);
  });

  it("a reader that starts late still gets every line (tsrun exits only once its output has left)", async () => {
    // the reader starts two seconds after tsrun: by then the job is over and its lines wait in tsrun's pipe
    const script = `printf '' | "${process.execPath}" "${tsrunBin}" -np 4 "${program("output")}" 2>/dev/null | (sleep 2; wc -l)`;
    const r = await runCommand("sh", ["-c", script]);
    expect(r.code, r.stderr).toBe(0);
    expect(Number(r.stdout.trim())).toBe(4 * 100 + 4 + 4 + 1); // per rank 100 long lines, ENV and PARTIAL (ended by tsrun), and STDIN
  });

  it("--tag-output prefixes every line with [rank]", async () => {
    const r = await runTsrun(2, program("output"), { tsrunArgs: ["--tag-output"] });
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout.trim().split("\n");
    expect(out.every((l) => /^\[[01]\] /.test(l))).toBe(true);
    expect(out).toContain("[1] ENV 1 unset " + projectRoot);
  });

  it("runs a program in a folder without package.json and in a CommonJS package, with top-level await", async () => {
    const source = `import * as mpi from "tsmpi";\nconst comm = await mpi.init();\nconsole.log("TLA ok " + comm.rank + " " + import.meta.url.endsWith("prog.ts"));\nawait mpi.finalize();\n`;
    for (const pkg of [null, { type: "commonjs" }]) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsrun-any-"));
      if (pkg) fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify(pkg));
      fs.writeFileSync(path.join(dir, "prog.ts"), source);
      const r = await runCommand(process.execPath, [tsrunBin, "-np", "2", "prog.ts"], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.split("\n").sort().slice(1)).toEqual(["TLA ok 0 true", "TLA ok 1 true"]);
    }
  });

  it("a compile error names the file and line", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsrun-bad-"));
    fs.writeFileSync(path.join(dir, "broken.ts"), "const x = ;\n");
    const r = await runCommand(process.execPath, [tsrunBin, "-np", "2", "broken.ts"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot compile .*broken\.ts: broken\.ts:1:11: Unexpected ";"/);
  });
});

describe("a failing rank aborts the job and leaves nothing behind", () => {
  const cases: { what: string; code: number; message: RegExp }[] = [
    {
      what: "throw",
      code: 1,
      message: /rank 3 \(pid \d+ on .+\) failed:\n {2}Error: rank 3 fails on purpose\n {4}at .*pids\.ts:\d+/,
    },
    { what: "exit3", code: 3, message: /rank 3 \(pid \d+ on .+\) exited with code 3/ },
    { what: "kill9", code: 137, message: /rank 3 \(pid \d+ on .+\) was killed by SIGKILL/ },
    { what: "abort5", code: 5, message: /rank 3 called abort with code 5/ },
  ];
  for (const c of cases) {
    it(`${c.what} at np=8`, async () => {
      const r = await runTsrun(8, program("pids"), { programArgs: ["3", c.what] });
      expect(r.code).toBe(c.code);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).toMatch(/stopping 7 other ranks \(0, 1, 2, 4, 5, 6, 7\)/);
      const pids = pidsOf(r.stdout);
      expect(pids).toHaveLength(8);
      expect(await survivors(pids)).toEqual([]);
    });
  }

  it("--timeout says what each rank was blocked in", async () => {
    const r = await runTsrun(3, program("pids"), { tsrunArgs: ["--timeout", "2"], programArgs: ["1", "hang"] });
    expect(r.code).toBe(124);
    expect(r.stderr).toMatch(/exceeded --timeout 2 s/);
    expect(r.stderr).toMatch(/rank 0: blocked in recv\(source=ANY_SOURCE, tag=77\)/);
    expect(r.stderr).toMatch(/rank 1: running \(not in an MPI call\)/);
    expect(await survivors(pidsOf(r.stdout))).toEqual([]);
  });

  for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
    it(`${signal} to tsrun stops every rank and removes the job's directory`, async () => {
      const child = spawn(process.execPath, [tsrunBin, "-np", "4", program("pids"), "0", "hang"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      await new Promise<void>((resolve) =>
        child.stdout.on("data", (d) => {
          out += d;
          if (pidsOf(out).length === 4) resolve();
        }),
      );
      const jobDir = jobDirOf(pidsOf(out)[0]);
      expect(fs.existsSync(jobDir)).toBe(true);
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill(signal);
      const code = await exited;
      if (signal !== "SIGKILL") expect(code).toBe(signal === "SIGINT" ? 130 : 143);
      expect(await survivors(pidsOf(out))).toEqual([]);
      expect(await gone(jobDir)).toBe(true);
    });
  }
});

describe("programs that use the launcher's library", () => {
  it("compiles a program importing tsmpi/launcher, whose sources name import.meta.url in quotes", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-uses-launcher-"));
    try {
      const file = path.join(dir, "uses-launcher.ts");
      fs.writeFileSync(
        file,
        `import { freePort } from "tsmpi/launcher";\nconsole.log("port", (await freePort()) > 0);\n`,
      );
      const r = await runTsrun(1, file);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/port true/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("scale", () => {
  it("np=64 ring on a 2-core machine", async () => {
    const r = await runTsrun(64, path.join(projectRoot, "exercises/mpi/ring.ts"), { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rank 0: token back with 2016 \(expected 2016\)/);
    expect(r.stdout.split("\n").filter((l) => / received token /.test(l))).toHaveLength(64);
  }, 150_000);
});
