// tsmpi installed as a student installs it, then used from an empty folder outside the checkout:
//   npm pack (prepare builds dist/, prepack adds the lockfile as npm-shrinkwrap.json)
//   npm install -g --prefix TMP tsmpi-X.tgz (from npm's cache, which `npm ci` filled; the registry otherwise)
//   tsrun init → tsrun -np 4 hello.ts → tsc --noEmit under strict with NodeNext and with Bundler resolution
//   → tsrun --check (clean, then a type error reported as file:line) → the 9.2 grader on that folder's file.
// The installed package has no tsx, so every tsrun here runs the compiled launcher in dist/.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCommand, projectRoot, type RunResult } from "../harness/run.ts";

const INSTALL_GUARD_MS = 900_000; // a hang guard: npm on a loaded 2-core machine can take minutes
const RUN_GUARD_MS = 120_000;
const TEST_GUARD_MS = 4 * RUN_GUARD_MS; // a test runs up to three commands

let work = "";
let prefix = "";
let student = "";
let env: NodeJS.ProcessEnv = {};

function show(r: RunResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

async function npm(args: string[], cwd: string): Promise<RunResult> {
  const r = await runCommand("npm", [...args, "--no-audit", "--no-fund"], { cwd, timeoutMs: INSTALL_GUARD_MS });
  if (r.code !== 0) throw new Error(`npm ${args.join(" ")} failed:\n${show(r)}`);
  return r;
}

/** Runs a command of the student's shell: PATH has the global prefix's bin first, nothing of the checkout. */
function inStudentFolder(cmd: string, args: string[]): Promise<RunResult> {
  return runCommand(cmd, args, { cwd: student, env, timeoutMs: RUN_GUARD_MS });
}

beforeAll(
  async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-install-"));
    prefix = path.join(work, "prefix");
    student = path.join(work, "student", "lab");
    await npm(["pack", "--pack-destination", work], projectRoot);
    const tarball = fs.readdirSync(work).find((f) => f.endsWith(".tgz"))!;
    const install = ["install", "-g", "--prefix", prefix, "--ignore-scripts", path.join(work, tarball)];
    try {
      await npm([...install, "--offline"], work);
    } catch {
      await npm([...install, "--prefer-offline"], work); // npm's cache lacks a package: fetch it from the registry
    }
    const bin = path.join(prefix, "bin");
    env = {
      PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: process.env.HOME,
      TMPDIR: process.env.TMPDIR,
      NODE_OPTIONS: "",
    };
  },
  INSTALL_GUARD_MS * 2 + 60_000,
);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("a global install, used from an empty folder", () => {
  const installed = () => path.join(prefix, "lib", "node_modules", "tsmpi");
  const tsc = () => path.join(installed(), "node_modules", "typescript", "bin", "tsc");

  it(
    "ships compiled JavaScript with declarations, and no TypeScript loader",
    () => {
      expect(fs.existsSync(path.join(installed(), "dist", "runtime", "index.js"))).toBe(true);
      expect(fs.readFileSync(path.join(installed(), "dist", "runtime", "index.d.ts"), "utf8")).toMatch(
        /export declare function init/,
      );
      expect(fs.existsSync(path.join(installed(), "node_modules", "tsx"))).toBe(false);
      expect(fs.realpathSync(path.join(prefix, "bin", "tsrun"))).toBe(
        path.join(installed(), "launcher", "bin", "tsrun.mjs"),
      );
    },
    TEST_GUARD_MS,
  );

  it(
    "tsrun init writes a ready folder, and tsrun -np 4 hello.ts runs there",
    async () => {
      fs.mkdirSync(path.dirname(student), { recursive: true });
      const init = await runCommand("tsrun", ["init", "lab"], {
        cwd: path.dirname(student),
        env,
        timeoutMs: RUN_GUARD_MS,
      });
      expect(init.code, show(init)).toBe(0);
      for (const f of ["package.json", "tsconfig.json", "hello.ts", ".gitignore"])
        expect(fs.existsSync(path.join(student, f))).toBe(true);
      expect(fs.realpathSync(path.join(student, "node_modules", "tsmpi"))).toBe(fs.realpathSync(installed()));
      const run = await inStudentFolder("tsrun", ["-np", "4", "hello.ts"]);
      expect(run.code, show(run)).toBe(0);
      expect(run.stdout.trim().split("\n").sort()).toEqual(
        [0, 1, 2, 3].map((r) => `hello from rank ${r} of 4 on ${os.hostname()}`),
      );
    },
    TEST_GUARD_MS,
  );

  it(
    "tsc --noEmit type-checks a program under strict with NodeNext and with Bundler resolution",
    async () => {
      const program = [
        `import * as mpi from "tsmpi";`,
        `const comm: mpi.Intracomm = await mpi.init();`,
        `if (comm.rank === 0) await comm.send(41, 1, 7);`,
        `const n: number = comm.rank === 1 ? await comm.recv<number>(0, 7) : 0;`,
        `const sum: number = await comm.allreduce(n + 1, mpi.SUM);`,
        `console.log(sum, process.pid);`,
        `await mpi.finalize();`,
      ].join("\n");
      fs.writeFileSync(path.join(student, "typed.ts"), program + "\n");
      const nodeNext = await inStudentFolder(process.execPath, [tsc(), "--noEmit", "-p", "."]);
      expect(nodeNext.code, show(nodeNext)).toBe(0);
      const config = JSON.parse(fs.readFileSync(path.join(student, "tsconfig.json"), "utf8"));
      expect(config.compilerOptions).toMatchObject({ strict: true, module: "NodeNext", moduleResolution: "NodeNext" });
      config.compilerOptions = {
        ...config.compilerOptions,
        module: "ESNext",
        moduleResolution: "Bundler",
        skipLibCheck: false,
      };
      fs.writeFileSync(path.join(student, "tsconfig.bundler.json"), JSON.stringify(config));
      const bundler = await inStudentFolder(process.execPath, [tsc(), "--noEmit", "-p", "tsconfig.bundler.json"]);
      expect(bundler.code, show(bundler)).toBe(0);
      // The same checks fail on a wrong type: the declarations are really read, not `any`.
      fs.writeFileSync(path.join(student, "typed.ts"), program.replace("const n: number", "const n: string") + "\n");
      const wrong = await inStudentFolder(process.execPath, [tsc(), "--noEmit", "-p", "tsconfig.bundler.json"]);
      expect(wrong.stdout).toMatch(/typed\.ts\(4,7\): error TS2322/);
      fs.rmSync(path.join(student, "typed.ts"));
    },
    TEST_GUARD_MS,
  );

  it(
    "tsrun --check passes a correct program and reports a type error as file:line without running it",
    async () => {
      const clean = await inStudentFolder("tsrun", ["--check", "hello.ts"]);
      expect(clean.code, show(clean)).toBe(0);
      fs.writeFileSync(
        path.join(student, "bad.ts"),
        `import * as mpi from "tsmpi";\nconst comm = await mpi.init();\nconsole.log("ran");\nconst tag: string = await comm.recv<number>(0, 1);\n`,
      );
      const bad = await inStudentFolder("tsrun", ["--check", "-np", "2", "bad.ts"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^bad\.ts:4:7 - error TS2322: Type 'number' is not assignable to type 'string'\./m);
      expect(bad.stderr).toMatch(/--check found 1 type error; the program was not run/);
      expect(bad.stdout).not.toMatch(/ran/);
      fs.rmSync(path.join(student, "bad.ts"));
    },
    TEST_GUARD_MS,
  );

  it(
    "the 9.2 grader passes the folder's hello.ts, named by its absolute path",
    async () => {
      const tsx = path.join(projectRoot, "node_modules", "tsx", "dist", "cli.mjs");
      const r = await runCommand(
        process.execPath,
        [tsx, "test/graders/grade.ts", "9.2", "--program", path.join(student, "hello.ts"), "--np", "1,3"],
        {
          cwd: projectRoot,
          timeoutMs: RUN_GUARD_MS * 2,
        },
      );
      expect(r.code, show(r)).toBe(0);
      expect(r.stdout).toMatch(/--- PASS/);
      expect(r.stdout).not.toMatch(/--- FAIL/);
    },
    TEST_GUARD_MS,
  );
});
