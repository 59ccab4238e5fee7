// tsrun under Slurm (docs/cluster.md), the two ways MPI implementations run there:
//   - a task of `srun --mpi=pmi2 -n N tsrun prog.ts` (direct launch): no ranks are started; this process
//     bundles the program and runs it as exactly one rank, which joins its peers through PMI-2
//     (runtime/boot/pmi-boot.ts). Detected by SLURM_STEP_ID with PMI_FD and PMI_RANK, never SLURM_PROCID.
//   - inside an allocation (salloc / sbatch, SLURM_JOB_ID set): `tsrun prog.ts` starts SLURM_NTASKS ranks
//     (or -np N, never more than the allocation) with `srun --mpi=pmi2 -K`, placed by Slurm. tsrun bundles
//     once and each task runs that bundle with plain node when its node sees the same file (a content-
//     addressed copy in the bundle cache: same host, or a shared /tmp); on other nodes the task runs
//     tsrun in direct launch, which bundles there. --hostfile/--host are refused: Slurm decides placement.
// TSMPI_SLURM=0 in the environment makes tsrun ignore Slurm and run as it does elsewhere. The options refused
// under Slurm, and why, are in slurm-options.ts.
import { spawn, type StdioOptions } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { constants as osConstants } from "node:os";
import { bundleProgram, BundleError } from "./bundle.ts";
import { Env } from "../runtime/wire/bootstrap.ts";
import { tsrunScript } from "./package-root.ts";
import { refusedOption } from "./slurm-options.ts";

const TSRUN_BIN = tsrunScript;
/** What a tsrun parent gives its ranks: never passed on to a rank that has none (it would look for that parent). */
const LAUNCHER_VARIABLES = [
  Env.CONTROL,
  Env.RANK,
  Env.SIZE,
  Env.SECRET,
  Env.SECRET_FD,
  Env.JOB,
  Env.HOST_ID,
  Env.SOCKET_DIR,
  Env.TRANSPORT,
];

/** Which Slurm mode tsrun is in, from its environment. */
export function slurmMode(env: NodeJS.ProcessEnv = process.env): "task" | "allocation" | "step-without-pmi" | null {
  if (env.TSMPI_SLURM === "0") return null;
  if (env.SLURM_STEP_ID !== undefined && env.PMI_FD !== undefined && env.PMI_RANK !== undefined) return "task";
  if (env.SLURM_STEP_ID !== undefined && Number(env.SLURM_STEP_NUM_TASKS ?? 1) > 1) return "step-without-pmi";
  if (env.SLURM_JOB_ID !== undefined) return "allocation";
  return null;
}

/** Runs the job the Slurm way when tsrun is under Slurm; undefined (nothing done) otherwise. */
export async function runUnderSlurm(
  opts: Record<string, unknown>,
  program: string,
  programArgs: string[],
): Promise<number | undefined> {
  const mode = slurmMode();
  if (!mode) return undefined;
  if (mode === "step-without-pmi") {
    return fail(
      `this is task ${process.env.SLURM_PROCID ?? "?"} of a ${process.env.SLURM_STEP_NUM_TASKS}-task srun step without PMI-2; run it as 'srun --mpi=pmi2 … tsrun prog.ts' (or set SLURM_MPI_TYPE=pmi2)`,
    );
  }
  const refused = refusedOption(opts, mode);
  if (refused) return fail(refused, 2);
  const programPath = path.resolve(program);
  if (!fs.existsSync(programPath)) return fail(`program not found: ${program}`, 2);
  const wdir = path.resolve((opts.wdir as string | undefined) ?? process.cwd());
  if (!fs.existsSync(wdir)) return fail(`--wdir ${opts.wdir}: no such directory`, 2);
  return mode === "task"
    ? runAsTask(opts, programPath, programArgs, wdir)
    : runInAllocation(opts, programPath, programArgs, wdir);
}

/** Direct launch: this process is one task of the step; run the bundled program as that one rank. */
async function runAsTask(
  opts: Record<string, unknown>,
  programPath: string,
  programArgs: string[],
  wdir: string,
): Promise<number> {
  const pmiFd = Number(process.env.PMI_FD);
  if (!inheritedSocket(pmiFd)) {
    return fail(
      `the PMI-2 socket Slurm gave this task (PMI_FD=${pmiFd}) did not reach tsrun: a program between srun and tsrun closed it ` +
        `(npx and npm exec do, as does any launcher written for Node). Start tsrun itself: ` +
        `srun --mpi=pmi2 … node ${TSRUN_BIN} prog.ts (or ./node_modules/.bin/tsrun prog.ts); ` +
        `npx tsrun works inside salloc/sbatch, where tsrun calls srun`,
      1,
      process.env.PMI_RANK === "0",
    );
  }
  const size = Number(process.env.PMI_SIZE ?? process.env.SLURM_STEP_NUM_TASKS);
  if (opts.np !== undefined && opts.np !== size) {
    return fail(
      `-np ${String(opts.np)} does not match the srun step's ${size} tasks: in a step the number of ranks is srun's -n (drop -np)`,
      2,
    );
  }
  let bundle: string;
  try {
    bundle = await bundleProgram(programPath); // every task bundles; the cache's atomic rename keeps them apart
  } catch (err) {
    if (!(err instanceof BundleError)) throw err;
    return fail(err.message, 1, process.env.PMI_RANK === "0"); // one copy of the compiler's message, not N
  }
  const env = rankEnvironment(opts, programPath);
  // The PMI socket must be the same descriptor number in the rank (PMI_FD names it).
  const stdio: StdioOptions = ["inherit", "inherit", "inherit"];
  for (let fd = 3; fd <= pmiFd; fd++) stdio.push(fd === pmiFd ? pmiFd : "ignore");
  const nodeArgs = process.env.TSMPI_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, "--enable-source-maps", bundle, ...programArgs], {
    cwd: wdir,
    env,
    stdio,
  });
  return superviseChild(child);
}

/** Inside an allocation: start the ranks as one srun step of tasks in direct launch. */
async function runInAllocation(
  opts: Record<string, unknown>,
  programPath: string,
  programArgs: string[],
  wdir: string,
): Promise<number> {
  const allocated = allocatedTasks(process.env);
  const np = (opts.np as number | undefined) ?? allocated;
  if (np > allocated && !opts.oversubscribe) {
    return fail(
      `-np ${np} asks for more ranks than Slurm allocation ${process.env.SLURM_JOB_ID} has (${np} vs ${allocated} tasks). ` +
        `Ask salloc/sbatch for more (-n ${np}), run fewer ranks, or add --oversubscribe`,
    );
  }
  let bundle: string;
  try {
    bundle = contentAddressedCopy(await bundleProgram(programPath)); // compile errors once, here
  } catch (err) {
    if (!(err instanceof BundleError)) throw err;
    return fail(err.message);
  }
  const srunArgs = ["--mpi=pmi2", "--kill-on-bad-exit=1", `--ntasks=${np}`, `--chdir=${wdir}`];
  if (opts.mapBy === "node") srunArgs.push("--distribution=cyclic");
  if (opts.oversubscribe) srunArgs.push("--overcommit");
  if (opts.tagOutput) srunArgs.push("--label");
  if (process.env.SLURM_STEP_ID !== undefined) srunArgs.push("--overlap"); // a shell in a step (srun --pty bash)
  // The task: the bundle if this node has it, else tsrun in direct launch (it inherits the runtime variables).
  const task =
    'b=$1 n=$2 t=$3 w=$4 p=$5; shift 5; [ -r "$b" ] && exec "$n" --enable-source-maps "$b" "$@"; exec "$n" "$t" --wdir "$w" -- "$p" "$@"';
  const taskArgs = [
    "/bin/sh",
    "-c",
    task,
    "tsrun-task",
    bundle,
    process.execPath,
    TSRUN_BIN,
    wdir,
    programPath,
    ...programArgs,
  ];
  const env = rankEnvironment(opts, programPath);
  const child = spawn("srun", [...srunArgs, ...taskArgs], { stdio: "inherit", env });
  child.once("error", (err) => process.stderr.write(`tsrun: cannot start srun: ${err.message}\n`));
  return superviseChild(child);
}

/** How many tasks the allocation has: SLURM_NTASKS, else the CPUs of its nodes (e.g. "4(x2),2" → 10). */
export function allocatedTasks(env: NodeJS.ProcessEnv): number {
  const ntasks = Number(env.SLURM_NTASKS ?? env.SLURM_NPROCS);
  if (Number.isInteger(ntasks) && ntasks > 0) return ntasks;
  let total = 0;
  for (const part of (env.SLURM_JOB_CPUS_PER_NODE ?? "").split(",")) {
    const m = /^(\d+)(?:\(x(\d+)\))?$/.exec(part.trim());
    if (m) total += Number(m[1]) * Number(m[2] ?? 1);
  }
  return total || 1;
}

/**
 * True when Slurm's PMI socket can have reached this process: `fd` is an open socket, and no Node process
 * stands between slurmstepd and us (Node closes every descriptor but stdio in the processes it starts, so
 * under npx the number may even name another socket of ours).
 */
function inheritedSocket(fd: number): boolean {
  try {
    if (!fs.fstatSync(fd).isSocket()) return false;
  } catch {
    return false;
  }
  for (let pid = process.ppid, hops = 0; pid > 1 && hops < 32; hops++) {
    const stat = readProc(pid, "stat");
    const name = /\((.*)\)/.exec(stat)?.[1] ?? "";
    if (name.startsWith("slurmstepd")) return true;
    if (/^(node|npm|npx)/.test(name) || /(^|\/)node$/.test(readProc(pid, "cmdline").split("\0")[0])) return false;
    pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  }
  return true; // no slurmstepd among the ancestors that we can see: trust the descriptor
}

function readProc(pid: number, file: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
}

/**
 * A copy of `bundle` (and its source map) named by its content, so a task that finds the name on its node
 * knows it is this very program. Written beside the cache entry, atomically; kept like the cache.
 */
function contentAddressedCopy(bundle: string): string {
  const code = fs.readFileSync(bundle, "utf8");
  const name = `slurm-${createHash("sha256").update(code).digest("hex").slice(0, 24)}.mjs`;
  const target = path.join(path.dirname(bundle), name);
  if (fs.existsSync(target)) return target;
  const map = `${bundle}.map`;
  if (fs.existsSync(map)) writeAtomically(`${target}.map`, fs.readFileSync(map));
  writeAtomically(target, code.replace(/\/\/# sourceMappingURL=\S+\s*$/, `//# sourceMappingURL=${name}.map\n`));
  return target;
}

function writeAtomically(file: string, content: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** The environment of a rank (or of srun, which passes it on): ours, -x variables, bootstrap, no tsrun parent. */
function rankEnvironment(opts: Record<string, unknown>, programPath: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...exportedVariables(opts),
    ...runtimeEnvironment(opts, programPath),
  };
  for (const name of LAUNCHER_VARIABLES) delete env[name];
  return env;
}

/** -x VAR / -x VAR=VALUE as variables. */
function exportedVariables(opts: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const x of (opts.x as string[] | undefined) ?? []) {
    const eq = x.indexOf("=");
    if (eq > 0) env[x.slice(0, eq)] = x.slice(eq + 1);
    else if (eq < 0 && process.env[x] !== undefined) env[x] = process.env[x]!;
  }
  return env;
}

/**
 * The bootstrap variables of a rank with no launcher (runtime/wire/bootstrap.ts names them). A task started
 * by tsrun in an allocation inherits its parent's runtime options unless its own command line gives some.
 */
function runtimeEnvironment(opts: Record<string, unknown>, programPath: string): Record<string, string> {
  const given = Boolean(opts.strict || opts.noCheck);
  const inherited = process.env[Env.OPTIONS];
  return {
    [Env.PROGRAM]: programPath,
    [Env.OPTIONS]:
      !given && inherited ? inherited : JSON.stringify({ strict: Boolean(opts.strict), check: !opts.noCheck }),
    ...(opts.coll ? { [Env.COLL]: String(opts.coll) } : {}),
  };
}

/**
 * Waits for `child` (the rank, or srun), passing on SIGINT/SIGTERM/SIGHUP; resolves with its exit code.
 * A child killed by a signal is re-raised on this process, so srun reports the task as it really ended.
 * Ctrl-C means "stop the job", as with mpirun: srun only prints its status on a single SIGINT and stops
 * on a second one within a second, and two SIGINTs arriving together (the terminal's to the whole process
 * group, and ours) may merge into one; so a SIGINT is passed on once more shortly after.
 */
function superviseChild(child: ReturnType<typeof spawn>): Promise<number> {
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  const forward = (sig: NodeJS.Signals) => {
    child.kill(sig);
    if (sig === "SIGINT")
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill("SIGINT"), 250).unref();
  };
  for (const s of signals) process.on(s, forward);
  return new Promise((resolve) => {
    child.once("error", () => resolve(127));
    child.once("exit", (code, signal) => {
      for (const s of signals) process.off(s, forward);
      if (signal) {
        process.kill(process.pid, signal);
        resolve(128 + (osConstants.signals[signal] ?? 0));
      } else {
        resolve(code ?? 1);
      }
    });
  });
}

function fail(message: string, code = 1, print = true): number {
  if (print) process.stderr.write(`tsrun: ${message.replace(/\s*\n\s*/g, " ")}\n`);
  return code;
}
