// The tsrun command line (shared/DESIGN.md, "The launcher"), mpirun-compatible where it can be:
//   tsrun -np N [--hostfile F | --host h1,h2:2] [--map-by slot|node] [--oversubscribe] [--tag-output]
//         [--timeout S] [--trace DIR] [-x VAR[=VALUE]] [--wdir DIR] [--transport unix|tcp] program.ts [args…]
// Usage errors print one line and the usage hint and exit with code 2, as mpirun does.
import * as fs from "node:fs";
import * as path from "node:path";
import yargs from "yargs";
import { bundleProgram, BundleError } from "./bundle.ts";
import { Job } from "./job.ts";
import { splitLauncherArgs, LAUNCHER_OPTIONS, UsageError } from "./args.ts";
import { parseHostfile, parseHostList, HostfileError, type HostEntry } from "./hostfile.ts";
import { placeRanks, formatMap, PlacementError, type Placement } from "./placement.ts";
import { connectPlacement, closeHosts, shipBundle, type RemoteHosts } from "./remote.ts";
import { SshError, SshHostsError } from "./ssh/errors.ts";
import { parseKillSpecs } from "./fault.ts";
import { runTraceCommand, TRACE_COMMANDS } from "./view/command.ts";
import { runUnderSlurm } from "./slurm.ts";

const VERSION = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")).version as string;

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

export async function main(argv: string[]): Promise<number> {
  if (TRACE_COMMANDS.includes(argv[0])) return runTraceCommand(argv);
  let split;
  try {
    split = splitLauncherArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    throw err;
  }
  const parser = yargs(split.launcherArgs)
    .scriptName("tsrun")
    .usage("Usage: tsrun -np N [options] program.ts [args…]\n\nRuns N ranks of an MPI program written with tsmpi.")
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
  return runJob(opts, split.program, split.programArgs);
}

function usage(message: string): number {
  process.stderr.write(`tsrun: ${message.replace(/\s*\n\s*/g, " ")}. ${usageHint()}\n`);
  return 2;
}

async function runJob(opts: Record<string, unknown>, program: string | undefined, programArgs: string[]): Promise<number> {
  if (!program) return usage("no program given (e.g. tsrun -np 4 prog.ts)");
  const underSlurm = await runUnderSlurm(opts, program, programArgs); // a task of srun, or inside an allocation
  if (underSlurm !== undefined) return underSlurm;
  const np = opts.np as number | undefined;
  if (np === undefined) return usage("missing -np N (the number of ranks to start)");
  if (!Number.isInteger(np) || np < 1) return usage(`-np must be a positive integer, got ${String(opts.np)}`);
  const programPath = path.resolve(program);
  if (!fs.existsSync(programPath)) return usage(`program not found: ${program}`);
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
  if (placement && opts.displayMap) process.stdout.write(formatMap(placement) + "\n");
  let bundle: string;
  try {
    bundle = await bundleProgram(programPath);
  } catch (err) {
    if (err instanceof BundleError) {
      process.stderr.write(`tsrun: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  let hosts: RemoteHosts | undefined;
  if (placement) {
    try {
      hosts = await connectPlacement(placement, {
        keyFile: opts.sshKey as string | undefined,
        acceptNewHosts: Boolean(opts.acceptNewHosts),
      });
      await shipBundle(hosts, bundle);
    } catch (err) {
      if (hosts) await closeHosts(hosts);
      if (err instanceof SshHostsError || err instanceof SshError) {
        process.stderr.write(`tsrun: ${err.message}\n`);
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
    tagOutput: Boolean(opts.tagOutput),
    timeoutSeconds: opts.timeout as number | undefined,
    env,
    wdir,
    transport: (opts.transport as "unix" | "tcp") ?? "unix",
    secure: Boolean(opts.secure),
    coll: opts.coll as string | undefined,
    runtimeOptions: {
      strict: Boolean(opts.strict),
      check: !opts.noCheck,
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
    mapBy: opts.mapBy as "slot" | "node",
    oversubscribe: Boolean(opts.oversubscribe),
    sourceName: opts.hostfile ? "the hostfile" : "the host list",
  });
}
