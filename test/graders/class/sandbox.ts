// The sandbox each student's processes run in when a class is graded: bubblewrap with every namespace
// unshared (no network: ranks talk over Unix sockets inside; its own PID namespace, so nothing survives
// the run) but, for the socket and salad exercises, the network one: their programs share the grader's,
// which is the job's own (jobs.ts) with only a loopback. Only what tsrun needs of the project (never
// exercises/, test/ or .git) and what a program imports (moduleMounts), Node and the system read-only,
// the student's own folder read-only, a private writable job directory and /tmp. Limits: wall time
// (timeout), CPU time, writable memory, file size and process count (prlimit inside the namespaces).
// Run as root, the sandbox also drops to an unprivileged uid per parallel slot, so that the kernel applies
// the process limit (it never limits root) and one student's fork bomb cannot starve another's slot.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { hasCommand } from "../../harness/requires.ts";
import type { RunResult } from "../lib/run.ts";

export const BWRAP_INSTALL = "apt-get install -y bubblewrap";

export interface SandboxLimits {
  /** Wall time of one command (one tsrun job), in seconds. */
  wallSeconds: number;
  /** CPU time of each process, in seconds. */
  cpuSeconds: number;
  /** Writable memory of each process (RLIMIT_DATA), in MiB. */
  memoryMiB: number;
  /** Processes and threads the run may have at once (a Node process has about 11 threads). */
  processes: number;
  /** Largest file a process may write, in MiB. */
  fileMiB: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  wallSeconds: 120,
  cpuSeconds: 60,
  memoryMiB: 2048,
  processes: 1024,
  fileMiB: 64,
};

export interface SandboxSpec {
  projectRoot: string;
  /** The student's folder, visible read-only at its own path. */
  studentDir: string;
  /** The job's private writable directory (TMPDIR inside), visible at its own path. */
  jobDir: string;
  limits: SandboxLimits;
  /** The unprivileged uid/gid to run as (when the grader runs as root). */
  uid?: number;
  /**
   * Keep the grader's network namespace (socket and salad exercises: the grader talks to the student's
   * servers over 127.0.0.1). Only safe when the grader itself runs in a namespace of its own (jobs.ts).
   */
  shareNetwork?: boolean;
  /** The host name inside (default: this machine's; graders compare processorName() with it). */
  hostname?: string;
  /** Files laid read-only over system files inside (`to` an existing file, e.g. /etc/hosts). */
  binds?: { from: string; to: string }[];
  /** Programs the command will run besides its arguments (a daemon an sshd starts): exposed as in its args. */
  alsoRuns?: string[];
}

/** The bubblewrap command (TSMPI_BWRAP names another, e.g. to test what happens without it). */
export const bwrapCommand = (): string => process.env.TSMPI_BWRAP ?? "bwrap";

/** Whether bubblewrap is installed. */
export function hasBubblewrap(): boolean {
  return hasCommand(bwrapCommand());
}

/** prlimit by its full path: inside, PATH may be one the grader gave the program (even an empty one). */
function prlimitPath(): string {
  return ["/usr/bin/prlimit", "/bin/prlimit"].find((p) => fs.existsSync(p)) ?? "prlimit";
}

/** What tsrun needs of the project: its runtime, launcher and dependencies; no solution, grader or history. */
const PROJECT_PARTS = ["package.json", "tsconfig.json", "node_modules", "runtime", "launcher"];

function systemMounts(): string[] {
  const args = [
    "--ro-bind",
    "/usr",
    "/usr",
    "--ro-bind",
    "/etc",
    "/etc",
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--tmpfs",
    "/tmp",
  ];
  for (const dir of ["bin", "sbin", "lib", "lib32", "lib64"]) {
    const at = `/${dir}`;
    if (!fs.existsSync(at)) continue;
    const link = fs.lstatSync(at).isSymbolicLink() ? fs.readlinkSync(at) : null;
    args.push(...(link ? ["--symlink", link, at] : ["--ro-bind", at, at]));
  }
  // Node installed outside /usr (nvm, a tarball): its prefix, read-only
  const nodePrefix = path.dirname(path.dirname(fs.realpathSync(process.execPath)));
  if (!nodePrefix.startsWith("/usr/") && nodePrefix !== "/usr") args.push("--ro-bind", nodePrefix, nodePrefix);
  return args;
}

function projectMounts(root: string): string[] {
  return PROJECT_PARTS.filter((p) => fs.existsSync(path.join(root, p))).flatMap((p) => {
    const at = path.join(root, p);
    return ["--ro-bind", fs.realpathSync(at), at];
  });
}

const here = path.dirname(new URL(import.meta.url).pathname);

/**
 * What a student's program imports, as the pack's folder has it after `npm install`: the project's
 * packages in node_modules beside the student's folder, tsmpi (its package.json and dist/, with its own
 * packages) one level above, and an ES-module package.json beside the folder for a student who did not
 * hand one in. tsrun resolves these itself; a socket or salad program run with Node needs them.
 */
function moduleMounts(root: string, studentDir: string): string[] {
  const parent = path.dirname(studentDir);
  const above = path.dirname(parent);
  const modules = path.join(root, "node_modules");
  if (!fs.existsSync(modules) || parent === studentDir) return [];
  const args = [
    "--ro-bind",
    fs.realpathSync(modules),
    path.join(parent, "node_modules"),
    "--ro-bind",
    path.join(here, "student-root", "package.json"),
    path.join(parent, "package.json"),
  ];
  const dist = path.join(root, "dist");
  if (above === parent || !fs.existsSync(dist)) return args;
  const tsmpi = path.join(above, "node_modules", "tsmpi");
  return [
    ...args,
    "--ro-bind",
    path.join(root, "package.json"),
    path.join(tsmpi, "package.json"),
    "--ro-bind",
    fs.realpathSync(dist),
    path.join(tsmpi, "dist"),
    "--ro-bind",
    fs.realpathSync(modules),
    path.join(tsmpi, "node_modules"),
  ];
}

/**
 * The environment inside: only what a run needs (no SSH agent, no tokens, no teacher's HOME), plus what
 * the grader set on purpose for this program (`given`: a PATH with a fake command, an option).
 */
function sandboxEnv(env: NodeJS.ProcessEnv, jobDir: string, given: NodeJS.ProcessEnv): string[] {
  const keep = Object.entries(env).filter(
    ([k, v]) =>
      v !== undefined && (/^TSMPI_/.test(k) || ["LANG", "LC_ALL", "TZ", "NO_COLOR", "FORCE_COLOR"].includes(k)),
  );
  const chosen = Object.entries(given).filter(([, v]) => v !== undefined);
  const vars: [string, string][] = [
    ["PATH", "/usr/local/bin:/usr/bin:/bin"],
    ["HOME", jobDir],
    ["TMPDIR", jobDir],
    ...(keep as [string, string][]),
    ...(chosen as [string, string][]),
  ];
  return ["--clearenv", ...vars.flatMap(([k, v]) => ["--setenv", k, v])];
}

/** The command line that runs `cmd args` in the sandbox, in `cwd` (which must lie in the job directory). */
export function sandboxCommand(
  spec: SandboxSpec,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  given: NodeJS.ProcessEnv = {},
): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  const { limits } = spec;
  // sharing the grader's network: no new session either, so that a signal to the process group (SIGSTOP
  // of a process a failure detector must suspect) reaches the program (callers start it detached anyway)
  const namespaces = spec.shareNetwork
    ? ["--unshare-user-try", "--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"]
    : ["--unshare-all", "--new-session"];
  const mib = (n: number) => String(n * 1024 * 1024);
  const prlimit = [
    prlimitPath(),
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 5}`,
    `--data=${mib(limits.memoryMiB)}`,
    `--nproc=${limits.processes}`,
    `--fsize=${mib(limits.fileMiB)}`,
    "--core=0",
    "--",
  ];
  const bwrap = [
    bwrapCommand(),
    ...namespaces,
    "--die-with-parent",
    "--hostname",
    spec.hostname ?? os.hostname(), // the machine's name: graders compare processorName() with it
    ...systemMounts(),
    ...(spec.binds ?? []).flatMap((b) => ["--ro-bind", b.from, b.to]),
    ...projectMounts(spec.projectRoot),
    "--ro-bind",
    spec.studentDir,
    spec.studentDir,
    ...moduleMounts(spec.projectRoot, spec.studentDir),
    "--bind",
    spec.jobDir,
    spec.jobDir,
    ...exerciseFilesIn(spec.projectRoot, [...args, ...(spec.alsoRuns ?? [])], spec.studentDir),
    ...sandboxEnv(env, spec.jobDir, given),
    "--chdir",
    cwd,
    "--",
  ];
  const drop =
    spec.uid !== undefined
      ? ["setpriv", `--reuid=${spec.uid}`, `--regid=${spec.uid}`, "--clear-groups", "--inh-caps=-all", "--"]
      : [];
  const all = ["timeout", "--kill-after=3", String(limits.wallSeconds), ...drop, ...bwrap, ...prlimit, cmd, ...args];
  // the sandbox's tools run with the grader's own environment (a PATH the grader gave the program, even
  // an empty one, applies inside only: --setenv above)
  return { cmd: all[0], args: all.slice(1), env: process.env };
}

/**
 * A project program the grader itself runs (9.5 runs the buggy reference before the student's fix; S1
 * runs the reference seq.ts as its oracle; a socket grader runs the reference client when the student
 * handed in only the server) is exposed read-only. Alone, with no file of the student in the command, its
 * family's folder is exposed (the helpers it imports: fruits.ts, common/); with one, only the named
 * files: the student's own runs never see the other solutions.
 */
function exerciseFilesIn(root: string, args: string[], studentDir: string): string[] {
  const exercises = path.join(root, "exercises") + path.sep;
  const files = args.filter((a) => a.startsWith(exercises) && fs.existsSync(a) && fs.statSync(a).isFile());
  const studentsOwn = args.some((a) => a.startsWith(studentDir + path.sep));
  if (!files.length || studentsOwn) return files.flatMap((a) => ["--ro-bind", a, a]);
  const folders = new Set(files.map((f) => path.join(exercises, f.slice(exercises.length).split(path.sep)[0])));
  if (fs.existsSync(path.join(exercises, "common"))) folders.add(path.join(exercises, "common"));
  return [...folders].flatMap((d) => ["--ro-bind", d, d]);
}

/** Why a sandboxed run ended, when a limit stopped it (appended to the failed check's message). */
export function limitReason(limits: SandboxLimits, result: RunResult, sharedNetwork = false): string | null {
  const text = result.stderr;
  if (result.ms >= limits.wallSeconds * 1000 - 500 && (result.code === 124 || result.code === 137 || result.signal)) {
    return `stopped at the sandbox's wall-time limit (${limits.wallSeconds} s): the program ran too long or never ended`;
  }
  if (/SIGXCPU|CPU time limit/i.test(text) || result.signal === "SIGXCPU")
    return `stopped at the sandbox's CPU-time limit (${limits.cpuSeconds} s per process): a loop that never ends?`;
  if (/allocation failed|out of memory|Cannot allocate|ENOMEM|SIGSEGV/i.test(text))
    return `ran out of the sandbox's memory (${limits.memoryMiB} MiB per process)`;
  if (/EAGAIN|Resource temporarily unavailable|fork: retry|Cannot fork/i.test(text))
    return `reached the sandbox's process limit (${limits.processes} processes)`;
  if (/EROFS|read-only file system/i.test(text))
    return "tried to write outside its scratch directory (the project and the submission are read-only)";
  if (sharedNetwork) {
    if (/ENETUNREACH|EAI_AGAIN|network is unreachable/i.test(text))
      return "tried to reach another machine (the job's network holds only its own 127.0.0.1)";
  } else if (/ENETUNREACH|ECONNREFUSED 127\.0\.0\.1|network is unreachable/i.test(text))
    return "tried to use the network (the sandbox has none; ranks talk over Unix sockets)";
  return null;
}

/** The job directory's owner: the sandbox uid when dropping root, so that the run can write there. */
export function prepareJobDir(dir: string, uid?: number): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (uid !== undefined) fs.chownSync(dir, uid, uid);
}

/**
 * Hands the grader's own folders in the job directory to the sandbox's uid, so that the student's program
 * can write where the grader tells it to (a mailbox folder, a pid file, a database): the entries directly
 * in `jobDir` that `mentioned` paths lie in, when they are directories this process created. Only direct
 * entries, with lchown: a link the student left there is never followed.
 */
export function lendToSandbox(jobDir: string, mentioned: string[], uid: number): void {
  const me = process.getuid?.();
  const entries = new Set(
    mentioned
      .flatMap((p) => p.split(":"))
      .filter((p) => p.startsWith(jobDir + path.sep))
      .map((p) => path.join(jobDir, p.slice(jobDir.length + 1).split(path.sep)[0])),
  );
  for (const entry of entries) {
    const stat = fs.lstatSync(entry, { throwIfNoEntry: false });
    if (stat?.isDirectory() && stat.uid === me) fs.lchownSync(entry, uid, uid);
  }
}
