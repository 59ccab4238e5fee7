// tsrun runs any executable, as mpiexec does: `tsrun -np 4 hostname`, `tsrun -np 2 --hostfile h node x.js`.
// A program that is not a TypeScript/JavaScript file is not bundled: each rank's host starts it as is, with
// its arguments, and with the rank in its environment under tsmpi's names (TSMPI_RANK, TSMPI_SIZE) and Open
// MPI's (OMPI_COMM_WORLD_RANK/SIZE/LOCAL_RANK/LOCAL_SIZE) for tools that read those. Pure helpers, plus a
// PATH lookup so a command missing on this machine is one clear error rather than a spawn failure per rank.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Files tsrun bundles as tsmpi programs; anything else is an executable started as is. */
const SOURCE_EXTENSION = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;

export type ProgramKind =
  { kind: "source"; path: string } | { kind: "executable"; command: string } | { kind: "missing" };

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first PATH entry holding an executable `name`, or undefined. */
export function findOnPath(name: string, searchPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * What `program` is: a source file to bundle (an existing .ts/.js file), an executable (a path to an
 * executable file, or a bare name found on PATH; remote hosts resolve the name on their own PATH), or missing.
 * With remote hosts, a bare name is accepted even if this machine lacks it.
 */
export function classifyProgram(program: string, options: { remote?: boolean } = {}): ProgramKind {
  const resolved = path.resolve(program);
  if (SOURCE_EXTENSION.test(program) && fs.existsSync(resolved)) return { kind: "source", path: resolved };
  if (program.includes("/"))
    return isExecutableFile(resolved) ? { kind: "executable", command: resolved } : { kind: "missing" };
  if (findOnPath(program)) return { kind: "executable", command: program };
  return options.remote ? { kind: "executable", command: program } : { kind: "missing" };
}

/** Open MPI's names for a rank's place in the job, for tools written for mpirun. */
export const OPEN_MPI_VARIABLES = [
  "OMPI_COMM_WORLD_RANK",
  "OMPI_COMM_WORLD_SIZE",
  "OMPI_COMM_WORLD_LOCAL_RANK",
  "OMPI_COMM_WORLD_LOCAL_SIZE",
];

export function openMpiEnvironment(
  rank: number,
  size: number,
  localRank: number,
  localSize: number,
): Record<string, string> {
  return {
    OMPI_COMM_WORLD_RANK: String(rank),
    OMPI_COMM_WORLD_SIZE: String(size),
    OMPI_COMM_WORLD_LOCAL_RANK: String(localRank),
    OMPI_COMM_WORLD_LOCAL_SIZE: String(localSize),
  };
}

/** --map-by core on this machine alone: one rank per core, as mpirun; more only with --oversubscribe. */
export function checkCoresForLocalJob(
  np: number,
  oversubscribe: boolean,
  cores = os.availableParallelism(),
): string | undefined {
  if (np <= cores || oversubscribe) return undefined;
  return `--map-by core places one rank per core, but ${np} ranks were requested and this machine has ${cores} cores; lower -np or pass --oversubscribe`;
}
