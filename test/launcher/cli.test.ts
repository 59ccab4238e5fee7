// tsrun's command line as a student meets it: misspelt options and commands get a suggestion, -np wants
// a whole number, help fits the terminal, failure messages say "other ranks" only next to a failed rank
// and use the right plural, a hostfile of this machine's names runs without SSH, and `tsrun init` makes a
// folder where hello.ts runs and type-checks (tsrun --check). All through the real tsrun.
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCommand, runTsrun, tsrunBin, projectRoot } from "../harness/run.ts";
import { scratchDir } from "../harness/scratch.ts";

const work = scratchDir("tsrun-cli-");
const tsrun = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = projectRoot) =>
  runCommand(process.execPath, [tsrunBin, ...args], { env, cwd, timeoutMs: 120_000 });
const program = (name: string, source: string) => {
  const file = path.join(work, name);
  fs.writeFileSync(file, source);
  return file;
};
const GUARD_MS = 240_000;

describe("usage errors name the fix", () => {
  const cases: [string[], RegExp][] = [
    [
      ["--tag-ouput", "-np", "2", "x.ts"],
      /^tsrun: unknown option --tag-ouput: did you mean --tag-output\? Run 'tsrun --help' for usage\.$/,
    ],
    [["-np", "2", "--hostfle", "h", "x.ts"], /unknown option --hostfle: did you mean --hostfile\?/],
    [["veiw", "trace-dir"], /^tsrun: unknown command 'veiw': did you mean 'tsrun view'\? Run/],
    [["iint"], /unknown command 'iint': did you mean 'tsrun init'\?/],
    [["-np", "four", "x.ts"], /^tsrun: -np needs a whole number \(how many ranks to start\), got 'four'\. Run/],
    [["-np", "2.5", "x.ts"], /-np needs a whole number \(how many ranks to start\), got '2\.5'/],
    [["-np", "2", "--timeout", "soon", "x.ts"], /--timeout needs a number of seconds greater than 0, got 'soon'/],
    [["--frobnicate", "x.ts"], /^tsrun: unknown option --frobnicate\. Run/], // nothing close: no suggestion
  ];
  for (const [args, message] of cases) {
    it(
      `tsrun ${args.join(" ")}`,
      async () => {
        const r = await tsrun(args);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr.trim().split("\n"), r.stderr).toHaveLength(1);
        expect(r.stderr.trim()).toMatch(message);
      },
      GUARD_MS,
    );
  }
});

describe("help", () => {
  it(
    "wraps to the terminal's width, at word boundaries",
    async () => {
      for (const columns of [60, 100]) {
        const r = await tsrun(["--help"], { COLUMNS: String(columns) });
        expect(r.code).toBe(0);
        const lines = r.stdout.split("\n");
        expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(columns);
        expect(r.stdout).toMatch(/--tag-output/);
        expect(r.stdout).toMatch(/tsrun init \[DIR\]/);
        // word boundaries: every word of the --check description appears whole
        expect(r.stdout.replace(/\s+/g, " ")).toContain("type-check the program (tsc, strict) first");
      }
    },
    GUARD_MS,
  );
});

describe("failure messages", () => {
  const failing = () =>
    program(
      "fails.ts",
      `import * as mpi from "tsmpi";\nconst comm = await mpi.init();\nif (comm.rank === 1) throw new Error("boom");\nawait comm.barrier();\nawait mpi.finalize();\n`,
    );
  const stuck = () =>
    program(
      "stuck.ts",
      `import * as mpi from "tsmpi";\nconst comm = await mpi.init();\nconsole.log("up " + comm.rank);\nsetInterval(() => {}, 1000);\n`,
    );

  it(
    "a failed rank: 'stopping 1 other rank' (singular) at np=2, '2 other ranks' at np=3",
    async () => {
      const two = await runTsrun(2, failing(), { timeoutMs: 120_000 });
      expect(two.code).not.toBe(0);
      expect(two.stderr).toMatch(/tsrun: stopping 1 other rank \(0\)\n/);
      const three = await runTsrun(3, failing(), { timeoutMs: 120_000 });
      expect(three.stderr).toMatch(/tsrun: stopping 2 other ranks \(0, 2\)\n/);
    },
    GUARD_MS,
  );

  it(
    "a timeout stops the ranks without calling them 'other'",
    async () => {
      const r = await runTsrun(2, stuck(), { tsrunArgs: ["--timeout", "3"], timeoutMs: 120_000 });
      expect(r.code).toBe(124);
      expect(r.stderr).toMatch(/exceeded --timeout 3 s/);
      expect(r.stderr).not.toMatch(/other rank/);
    },
    GUARD_MS,
  );
});

describe("a hostfile naming this machine", () => {
  for (const name of ["localhost", os.hostname()]) {
    it(
      `'${name} slots=2' runs the ranks here, without SSH`,
      async () => {
        const hostfile = path.join(work, `hosts-${name}`);
        fs.writeFileSync(hostfile, `${name} slots=2\n`);
        // No SSH is possible: an empty HOME (no key, no known_hosts) and no agent.
        const home = fs.mkdtempSync(path.join(work, "home-"));
        const r = await tsrun(["-np", "2", "--hostfile", hostfile, "--display-map", "exercises/mpi/hello.ts"], {
          HOME: home,
          SSH_AUTH_SOCK: "",
        });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/hello from rank 0 of 2/);
        expect(r.stdout).toMatch(/hello from rank 1 of 2/);
        expect(r.stderr).toBe("");
      },
      GUARD_MS,
    );
  }

  it(
    "hosts that fail for one cause share one line naming them all, under a count",
    async () => {
      // No key and no agent: every host fails the same way before any packet is sent.
      const hostfile = path.join(work, "hosts-nokey");
      fs.writeFileSync(hostfile, "pc-a.invalid slots=1\npc-b.invalid slots=1\npc-c.invalid slots=1\n");
      const home = fs.mkdtempSync(path.join(work, "home-"));
      const r = await tsrun(["-np", "3", "--hostfile", hostfile, "exercises/mpi/hello.ts"], {
        HOME: home,
        SSH_AUTH_SOCK: "",
      });
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split("\n");
      expect(lines[0]).toBe("tsrun: 3 of 3 hosts failed:");
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^ {2}ssh to pc-a\.invalid, pc-b\.invalid, pc-c\.invalid: no SSH key to log in/);
      expect(r.stderr.match(/no SSH key/g)).toHaveLength(1);
    },
    GUARD_MS,
  );

  it(
    "still refuses more ranks than the hostfile's slots",
    async () => {
      const hostfile = path.join(work, "hosts-small");
      fs.writeFileSync(hostfile, "localhost slots=1\n");
      const r = await tsrun(["-np", "2", "--hostfile", hostfile, "exercises/mpi/hello.ts"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/slot/);
    },
    GUARD_MS,
  );
});

describe("tsrun init and --check", () => {
  it(
    "writes a ready folder where hello.ts runs and passes --check; a type error is reported as file:line",
    async () => {
      const dir = path.join(work, "lab");
      const init = await tsrun(["init", dir]);
      expect(init.code, init.stderr).toBe(0);
      expect(fs.readdirSync(dir).sort()).toEqual([
        ".gitignore",
        "hello.ts",
        "node_modules",
        "package.json",
        "tsconfig.json",
      ]);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "tsconfig.json"), "utf8")).compilerOptions).toMatchObject({
        strict: true,
        module: "NodeNext",
      });
      const again = await tsrun(["init", dir]);
      expect(again.stdout).toMatch(/kept hello\.ts \(already there\)/);
      const run = await tsrun(["-np", "2", "hello.ts"], {}, dir);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim().split("\n")).toHaveLength(2);
      const clean = await tsrun(["--check", "hello.ts"], {}, dir);
      expect(clean.code, clean.stderr).toBe(0);
      fs.writeFileSync(
        path.join(dir, "typo.ts"),
        `import * as mpi from "tsmpi";\nconst comm = await mpi.init();\nconst x: number = await comm.recv<string>(0, 1);\nconsole.log(x);\n`,
      );
      const bad = await tsrun(["--check", "-np", "2", "typo.ts"], {}, dir);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^typo\.ts:3:7 - error TS2322: Type 'string' is not assignable to type 'number'\.$/m);
      expect(bad.stderr).toMatch(/the program was not run/);
    },
    GUARD_MS,
  );

  it(
    "--check on a lone file (no tsconfig, no package.json) uses strict ES-module options, as tsrun runs it",
    async () => {
      const dir = fs.mkdtempSync(path.join(work, "lone-"));
      const file = path.join(dir, "lone.ts");
      fs.writeFileSync(
        file,
        `import * as mpi from "tsmpi";\nimport * as net from "node:net";\nconst comm = await mpi.init();\nconsole.log(net.isIP("::1"), await comm.allreduce(1, mpi.SUM));\nlet n: number = "one";\n`,
      );
      const r = await tsrun(["--check", "lone.ts"], {}, dir);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toEqual([
        "lone.ts:5:5 - error TS2322: Type 'string' is not assignable to type 'number'.",
        "tsrun: --check found 1 type error; the program was not run",
      ]);
    },
    GUARD_MS,
  );
});
