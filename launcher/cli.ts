// The tsrun command line (README.md, "The launcher"), mpirun-compatible where it can be:
//   tsrun -np N [--hostfile F | --host h1,h2:2] [--map-by slot|node] [--oversubscribe] [--tag-output]
//         [--timeout S] [--trace DIR] [-x VAR[=VALUE]] [--wdir DIR] [--transport unix|tcp|shm] program.ts [args…]
// Usage errors print one line and the usage hint and exit with code 2, as mpirun does.
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import type yargsType from "yargs";
import { bundleProgram, BundleError } from "./bundle.ts";
import { Job } from "./job.ts";
import { splitLauncherArgs, LAUNCHER_OPTIONS, UsageError, nearest, wholeNumber, seconds } from "./args.ts";
import { parseHostfile, parseHostList, HostfileError, type HostEntry } from "./hostfile.ts";
import { placeRanks, formatMap, PlacementError, type Placement } from "./placement.ts";
import type { RemoteHosts } from "./remote.ts";
import { SshError, SshHostsError } from "./ssh/errors.ts";
import { parseKillSpecs } from "./fault.ts";
import { runTraceCommand, TRACE_COMMANDS } from "./view/command.ts";
import { runUnderSlurm, slurmMode } from "./slurm.ts";
import { packageVersion as VERSION } from "./package-root.ts";
import { runInit } from "./init.ts";
import { typeCheck } from "./check.ts";
import { isThisMachine } from "./this-machine.ts";
import { classifyProgram, checkCoresForLocalJob } from "./executable.ts";
import { shmRefusal } from "./threads.ts";

const EXAMPLES = `Examples:
  tsrun -np 8 exercises/mpi/ring.ts              8 ranks on this machine
  tsrun -n 4 --tag-output my-prog.ts --size 10   prefix every line with [rank]; program arguments after the file
  tsrun -np 6 --hostfile hosts ring.ts           ranks on the machines listed in 'hosts' (over SSH)
  tsrun -np 2 --timeout 10 pingpong.ts           stop the job after 10 s and say where each rank was
  tsrun -np 4 --trace tr ring.ts; tsrun view tr  record a trace, then write its space-time view (tr/trace.html)
  tsrun export-shiviz tr > run.log               the trace for ShiViz`;

function usageHint(): string {
  return "Run 'tsrun --help' for usage.";
}

// yargs' CommonJS build: its help wraps at word boundaries (the ES module build cuts words at the width).
const yargs = createRequire(import.meta.url)("yargs") as typeof yargsType;
const COMMANDS = ["init", ...TRACE_COMMANDS];

/** Help lines fit the terminal (or $COLUMNS when output is not a terminal), between 40 and 120 columns. */
function helpWidth(): number {
  const columns = process.stdout.columns || Number(process.env.COLUMNS) || 80;
  return Math.max(40, Math.min(120, columns));
}

/** "unknown command 'veiw': did you mean 'tsrun view'?" for a first word that is no file but close to a command. */
function misspeltCommand(program: string | undefined, isFirstWord: boolean): string | undefined {
  if (!program || !isFirstWord || fs.existsSync(program) || /[./\\]/.test(program)) return undefined;
  const command = nearest(program, COMMANDS);
  return command ? `unknown command '${program}': did you mean 'tsrun ${command}'?` : undefined;
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === "init") return runInit(argv);
  if (TRACE_COMMANDS.includes(argv[0])) return runTraceCommand(argv);
  let split;
  try {
    split = splitLauncherArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    throw err;
  }
  const typo = misspeltCommand(split.program, split.launcherArgs.length === 0);
  if (typo) return usage(typo);
  const parser = yargs(split.launcherArgs)
    .scriptName("tsrun")
    .usage(
      "Usage: tsrun -np N [options] program.ts [args…]\n       tsrun init [DIR] | tsrun view DIR | tsrun export-shiviz DIR\n\n" +
        "Runs N ranks of an MPI program written with tsmpi. 'tsrun init' writes a ready folder (hello.ts, tsconfig.json).",
    )
    .wrap(helpWidth())
    .parserConfiguration({ "short-option-groups": false, "camel-case-expansion": true, "boolean-negation": false })
    .options(LAUNCHER_OPTIONS)
    .epilogue(EXAMPLES)
    .version(VERSION)
    .help()
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw new UsageError(msg ?? err?.message ?? "invalid arguments");
    });
  let opts: Record<string, unknown>;
  try {
    opts = parser.parseSync() as Record<string, unknown>;
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    throw err;
  }
  if (opts.help || opts.version) return 0;
  try {
    if (opts.np !== undefined) opts.np = wholeNumber("-np", opts.np, "how many ranks to start");
    if (opts.timeout !== undefined) opts.timeout = seconds("--timeout", opts.timeout);
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    throw err;
  }
  return runJob(opts, split.program, split.programArgs, split.launcherArgs);
}

function usage(message: string): number {
  const text = message.replace(/\s*\n\s*/g, " ");
  process.stderr.write(`tsrun: ${text}${/[.?!]$/.test(text) ? "" : "."} ${usageHint()}\n`);
  return 2;
}

async function runJob(
  opts: Record<string, unknown>,
  program: string | undefined,
  programArgs: string[],
  launcherArgs: string[],
): Promise<number> {
  if (!program) return usage("no program given (e.g. tsrun -np 4 prog.ts)");
  const programKind = classifyProgram(program, { remote: Boolean(opts.hostfile || opts.host) });
  if (programKind.kind === "missing")
    return usage(`program not found: ${program} (neither a .ts/.js file nor an executable on PATH)`);
  const programPath = programKind.kind === "source" ? programKind.path : program;
  if (opts.check && programKind.kind === "source") {
    const checked = await checkTypes(programPath);
    if (checked !== 0 || opts.np === undefined) return checked; // --check without -np only type-checks
  }
  const transportGiven = launcherArgs.some((a) => a === "--transport" || a.startsWith("--transport="));
  if (opts.transport === "shm" && transportGiven && slurmMode())
    return usage(
      "--transport shm cannot be used under Slurm: srun starts every rank as a process of its own (ranks there talk over sockets); set TSMPI_SLURM=0 to run threads on this machine instead",
    );
  const underSlurm = await runUnderSlurm(opts, program, programArgs); // a task of srun, or inside an allocation
  if (underSlurm !== undefined) return underSlurm;
  const np = opts.np as number | undefined;
  if (np === undefined) return usage("missing -np N (the number of ranks to start)");
  const wdir = path.resolve((opts.wdir as string | undefined) ?? process.cwd());
  if (!fs.existsSync(wdir)) return usage(`--wdir ${opts.wdir}: no such directory`);
  const env: Record<string, string> = {};
  for (const x of (opts.x as string[] | undefined) ?? []) {
    const eq = x.indexOf("=");
    if (eq === 0) return usage(`-x ${x}: expected VAR or VAR=VALUE`);
    if (eq > 0) env[x.slice(0, eq)] = x.slice(eq + 1);
    else if (process.env[x] !== undefined) env[x] = process.env[x]!;
  }
  let kills;
  try {
    kills = parseKillSpecs((opts.killRank as string[] | undefined) ?? [], np);
  } catch (err) {
    return usage((err as Error).message);
  }
  let placement: Placement | undefined;
  try {
    placement = placementOf(opts, np);
  } catch (err) {
    if (err instanceof HostfileError || err instanceof PlacementError) {
      process.stderr.write(`tsrun: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const tooFewCores =
    !placement && opts.mapBy === "core" ? checkCoresForLocalJob(np, Boolean(opts.oversubscribe)) : undefined;
  if (tooFewCores) return usage(tooFewCores);
  if (placement && opts.displayMap) process.stdout.write(formatMap(placement) + "\n");
  const refusal =
    opts.transport === "shm"
      ? shmRefusal({
          executable: programKind.kind === "executable",
          faultTolerant: Boolean(opts.faultTolerant),
        })
      : null;
  if (refusal && transportGiven) return usage(refusal);
  if (refusal) opts.transport = "unix"; // only TSMPI_TRANSPORT asked for shm: the job runs as processes
  let bundle: string;
  try {
    bundle = programKind.kind === "source" ? await bundleProgram(programPath) : ""; // an executable runs as is
  } catch (err) {
    if (err instanceof BundleError) {
      process.stderr.write(`tsrun: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  let hosts: RemoteHosts | undefined;
  if (placement && placement.hosts.every(isThisMachine)) placement = undefined; // localhost only: no SSH, as mpirun
  // The SSH code (ssh2) is loaded only for a job on other hosts: a local job starts without it.
  const remote = placement ? await import("./remote.ts") : null;
  const closeHosts = (h: RemoteHosts) => remote!.closeHosts(h);
  if (placement) {
    try {
      hosts = await remote!.connectPlacement(placement, {
        keyFile: opts.sshKey as string | undefined,
        acceptNewHosts: Boolean(opts.acceptNewHosts),
      });
      await remote!.shipBundle(hosts, bundle, opts.transport === "shm");
    } catch (err) {
      if (hosts) await closeHosts(hosts);
      if (err instanceof SshHostsError || err instanceof SshError) {
        process.stderr.write(`${describeHostFailures(err, placement.hosts.length)}\n`);
        return 1;
      }
      throw err;
    }
  }
  const job = new Job({
    np,
    bundle,
    program: programPath,
    programArgs,
    command: programKind.kind === "executable" ? programKind.command : undefined,
    tagOutput: Boolean(opts.tagOutput),
    timeoutSeconds: opts.timeout as number | undefined,
    env,
    wdir,
    transport: (opts.transport as "unix" | "tcp" | "shm") ?? "unix",
    secure: Boolean(opts.secure),
    coll: opts.coll as string | undefined,
    runtimeOptions: {
      strict: Boolean(opts.strict),
      check: !opts.noCheck && programKind.kind === "source",
      trace: opts.trace ? path.resolve(opts.trace as string) : undefined,
      faultTolerant: Boolean(opts.faultTolerant),
    },
    exported: Object.keys(env),
    hosts,
    kills,
    live: Boolean(opts.live),
  });
  try {
    return await job.run();
  } finally {
    if (hosts) await closeHosts(hosts);
  }
}

/** Where ranks run: from --hostfile or --host (placed by slots like mpirun), or undefined for this machine. */
function placementOf(opts: Record<string, unknown>, np: number): Placement | undefined {
  let hosts: HostEntry[] = [];
  if (opts.hostfile) {
    const file = opts.hostfile as string;
    if (!fs.existsSync(file)) throw new PlacementError(`--hostfile ${file}: no such file`);
    hosts = parseHostfile(fs.readFileSync(file, "utf8"), file);
  }
  if (opts.host) hosts = [...hosts, ...parseHostList(opts.host as string)];
  if (!hosts.length) return undefined;
  return placeRanks(np, hosts, {
    mapBy: opts.mapBy as "slot" | "node" | "core",
    oversubscribe: Boolean(opts.oversubscribe),
    sourceName: opts.hostfile ? "the hostfile" : "the host list",
  });
}

/** `--check`: prints the program's type errors (file:line:col) and returns 1 if there are any. */
async function checkTypes(programPath: string): Promise<number> {
  const { errors } = await typeCheck(programPath);
  if (errors.length === 0) return 0;
  const n = errors.length;
  process.stderr.write(
    `${errors.join("\n")}\ntsrun: --check found ${n} type error${n === 1 ? "" : "s"}; the program was not run\n`,
  );
  return 1;
}

/**
 * One line per failing host under a count of failed hosts; hosts that failed for the same cause (no SSH key
 * at all, say) share one line naming them all, instead of the same sentence once per host.
 */
function describeHostFailures(err: SshHostsError | SshError, total: number): string {
  if (err instanceof SshError || err.errors.length === 1) return `tsrun: ${err.message}`;
  const byCause = new Map<string, string[]>();
  for (const e of err.errors) {
    const [, who, cause] = /^ssh to (.+?): ([\s\S]*)$/.exec(e.message) ?? [undefined, e.host, e.message];
    const hosts = byCause.get(cause) ?? [];
    if (!hosts.includes(who)) hosts.push(who);
    byCause.set(cause, hosts);
  }
  const failed = new Set(err.errors.map((e) => e.host)).size;
  const lines = [...byCause].map(([cause, hosts]) => `  ssh to ${hosts.join(", ")}: ${cause}`);
  return [`tsrun: ${failed} of ${total} host${total === 1 ? "" : "s"} failed:`, ...lines].join("\n");
}
