// Splits tsrun's command line into the launcher's options, the program, and the program's own arguments
// (everything after the program file belongs to the program, as with mpirun), and declares the options.
import type { Options } from "yargs";

export class UsageError extends Error {}

export const LAUNCHER_OPTIONS: Record<string, Options> = {
  np: { alias: "n", type: "number", describe: "number of ranks to start" },
  hostfile: { type: "string", describe: "file listing the hosts (Open MPI or MPICH syntax; see hostfile.example)" },
  host: { type: "string", describe: "comma-separated hosts, host:slots allowed (e.g. h1,h2:2)" },
  "map-by": { choices: ["slot", "node"], default: "slot", describe: "fill each host's slots in order, or round robin over hosts" },
  oversubscribe: { type: "boolean", describe: "allow more ranks than slots" },
  "display-map": { type: "boolean", describe: "print where each rank runs" },
  "tag-output": { type: "boolean", describe: "prefix every output line with [rank]" },
  timeout: { type: "number", describe: "stop the job after S seconds and say what each rank was doing" },
  trace: { type: "string", describe: "record every message event into DIR (JSON lines per rank; see docs/trace.md)" },
  live: { type: "boolean", describe: "serve a live view of the ranks' states on localhost (the URL is printed)" },
  x: { type: "string", array: true, describe: "export VAR (or VAR=VALUE) to every rank; repeatable" },
  wdir: { type: "string", describe: "working directory of the ranks" },
  transport: { choices: ["unix", "tcp"], default: "unix", describe: "between ranks on one host: Unix sockets or TCP" },
  secure: { type: "boolean", describe: "encrypt and authenticate TCP traffic between ranks (AES-256-GCM; see docs/security.md)" },
  coll: { type: "string", describe: "force collective algorithms, e.g. bcast=binomial,allreduce=ring" },
  strict: { type: "boolean", describe: "make warnings (unreceived messages at finalize) errors" },
  "no-check": { type: "boolean", describe: "turn off the runtime's deadlock and mismatch checks" },
  "fault-tolerant": { type: "boolean", describe: "a rank that dies does not abort the job (ULFM-like)" },
  "kill-rank": { type: "string", array: true, describe: "inject a failure: kill rank R after T seconds (R@T); repeatable" },
  "ssh-key": { type: "string", describe: "private key for SSH to the hosts" },
  "accept-new-hosts": { type: "boolean", describe: "add unknown SSH host keys to known_hosts (never changed ones)" },
};

const BOOLEAN = new Set(
  Object.entries(LAUNCHER_OPTIONS)
    .filter(([, o]) => o.type === "boolean")
    .map(([k]) => k),
);
const ALIASES: Record<string, string> = { n: "np", h: "help" };

export interface SplitArgs {
  launcherArgs: string[];
  program?: string;
  programArgs: string[];
}

export function splitLauncherArgs(argv: string[]): SplitArgs {
  const launcherArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") return { launcherArgs, program: argv[i + 1], programArgs: argv.slice(i + 2) };
    if (!arg.startsWith("-") || arg === "-") return { launcherArgs, program: arg, programArgs: argv.slice(i + 1) };
    launcherArgs.push(arg);
    const name = arg.replace(/^--?/, "").split("=")[0];
    const canonical = ALIASES[name] ?? name;
    if (arg.includes("=") || BOOLEAN.has(canonical) || canonical === "help" || canonical === "version") continue;
    if (!(canonical in LAUNCHER_OPTIONS)) throw new UsageError(`unknown option ${arg}`);
    if (i + 1 >= argv.length) throw new UsageError(`option ${arg} needs a value`);
    launcherArgs.push(argv[++i]);
  }
  return { launcherArgs, programArgs: [] };
}
