// Splits tsrun's command line into the launcher's options, the program, and the program's own arguments
// (everything after the program file belongs to the program, as with mpirun), and declares the options.
// A misspelt option or command gets the nearest known name as a suggestion ("did you mean --tag-output?").
import type { Options } from "yargs";
import { createRequire } from "node:module";
import type * as Levenshtein from "fastest-levenshtein";

export class UsageError extends Error {}

export const LAUNCHER_OPTIONS: Record<string, Options> = {
  np: { alias: "n", type: "string", describe: "number of ranks to start (a whole number)" },
  hostfile: { type: "string", describe: "file listing the hosts (Open MPI or MPICH syntax; see hostfile.example)" },
  host: { type: "string", describe: "comma-separated hosts, host:slots allowed (e.g. h1,h2:2)" },
  "map-by": {
    choices: ["slot", "core", "node"],
    default: "slot",
    describe: "fill each host's slots (core: one rank per core) in order, or round robin over hosts",
  },
  oversubscribe: { type: "boolean", describe: "allow more ranks than slots" },
  "display-map": { type: "boolean", describe: "print where each rank runs" },
  "tag-output": { type: "boolean", describe: "prefix every output line with [rank]" },
  timeout: { type: "string", describe: "stop the job after S seconds and say what each rank was doing" },
  trace: { type: "string", describe: "record every message event into DIR (JSON lines per rank; see docs/trace.md)" },
  live: { type: "boolean", describe: "serve a live view of the ranks' states on localhost (the URL is printed)" },
  x: { type: "string", array: true, describe: "export VAR (or VAR=VALUE) to every rank; repeatable" },
  wdir: { type: "string", describe: "working directory of the ranks" },
  transport: {
    choices: ["unix", "tcp", "shm"],
    default: process.env.TSMPI_TRANSPORT || "unix",
    describe:
      "between ranks on one host: Unix sockets, TCP, or shm (threads of one process sharing memory; env TSMPI_TRANSPORT)",
  },
  secure: {
    type: "boolean",
    describe: "encrypt and authenticate TCP traffic between ranks (AES-256-GCM; see docs/security.md)",
  },
  coll: { type: "string", describe: "force collective algorithms, e.g. bcast=binomial,allreduce=ring" },
  strict: { type: "boolean", describe: "make warnings (unreceived messages at finalize) errors" },
  check: {
    type: "boolean",
    describe:
      "type-check the program (tsc, strict) first; print errors as file:line and do not run it if any. Without -np, only type-check",
  },
  "no-check": { type: "boolean", describe: "turn off the runtime's deadlock and mismatch checks" },
  "fault-tolerant": { type: "boolean", describe: "a rank that dies does not abort the job (ULFM-like)" },
  "kill-rank": {
    type: "string",
    array: true,
    describe: "inject a failure: kill rank R after T seconds (R@T); repeatable",
  },
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
    if (!(canonical in LAUNCHER_OPTIONS)) throw new UsageError(`unknown option ${arg}${suggestOption(name)}`);
    if (i + 1 >= argv.length) throw new UsageError(`option ${arg} needs a value`);
    launcherArgs.push(argv[++i]);
  }
  return { launcherArgs, programArgs: [] };
}

/** The nearest of `names` to `word` when it is close enough to be a typo (2 edits, 1 per 3 letters in long words, ≤ 3). */
export function nearest(word: string, names: readonly string[]): string | undefined {
  // loaded here, not at start: only a mistyped word needs it
  const { distance } = createRequire(import.meta.url)("fastest-levenshtein") as typeof Levenshtein;
  let best: string | undefined;
  let bestDistance = Math.min(3, Math.max(2, Math.floor(word.length / 3)));
  for (const name of names) {
    const d = distance(word, name);
    if (d <= bestDistance && (best === undefined || d < bestDistance)) [best, bestDistance] = [name, d];
  }
  return best;
}

/** " (did you mean --tag-output?)" for a misspelt option name, or "". */
export function suggestOption(name: string): string {
  const names = [...Object.keys(LAUNCHER_OPTIONS), "help", "version"];
  const match = nearest(name, names);
  return match ? `: did you mean --${match}?` : "";
}

/** Parses a whole number option ("-np 4"); a UsageError says what was expected otherwise. */
export function wholeNumber(option: string, raw: unknown, what: string, min = 1): number {
  if (Array.isArray(raw)) throw new UsageError(`give ${option} once (got ${raw.join(", ")})`);
  const text = String(raw).trim();
  if (!/^\d+$/.test(text)) throw new UsageError(`${option} needs a whole number (${what}), got '${String(raw)}'`);
  const value = Number(text);
  if (value < min) throw new UsageError(`${option} needs a whole number of at least ${min} (${what}), got ${value}`);
  return value;
}

/** Parses a number of seconds ("--timeout 2.5"). */
export function seconds(option: string, raw: unknown): number {
  const text = String(raw).trim();
  const value = Number(text);
  if (Array.isArray(raw) || text === "" || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${option} needs a number of seconds greater than 0, got '${String(raw)}'`);
  }
  return value;
}
