// The tsrun options that have no meaning under Slurm (docs/cluster.md), for launcher/slurm.ts: those that need
// tsrun to place and supervise the ranks itself (refused inside an allocation and in a task of a step), and
// those srun already did for a task of a step; each refusal names the option and what to use instead.

/** Options that only mean something when tsrun itself places and supervises ranks, with what to use instead. */
const NOT_UNDER_SLURM: [string, (o: Record<string, unknown>) => boolean, string][] = [
  [
    "--hostfile",
    (o) => o.hostfile !== undefined,
    "Slurm places the ranks on the allocation's nodes (Open MPI's mpirun would ignore the hostfile's hosts outside the allocation; tsrun refuses it). Outside an allocation, or with TSMPI_SLURM=0, --hostfile starts ranks over SSH",
  ],
  [
    "--host",
    (o) => o.host !== undefined,
    "Slurm places the ranks on the allocation's nodes; choose nodes with salloc/sbatch --nodelist",
  ],
  ["--timeout", (o) => o.timeout !== undefined, "use srun/sbatch --time"],
  ["--live", (o) => Boolean(o.live), "the live view needs ranks started by tsrun itself"],
  ["--trace", (o) => o.trace !== undefined, "traces need ranks started by tsrun itself"],
  [
    "--kill-rank",
    (o) => Array.isArray(o.killRank) && o.killRank.length > 0,
    "failure injection needs ranks started by tsrun itself",
  ],
  ["--fault-tolerant", (o) => Boolean(o.faultTolerant), "under Slurm one failing rank ends the step"],
  [
    "--transport tcp",
    (o) => o.transport === "tcp",
    "under Slurm ranks use Unix sockets within a node and TCP between nodes",
  ],
  [
    "--display-map",
    (o) => Boolean(o.displayMap),
    "Slurm places the ranks; see srun --label or SLURM_NODEID in each rank",
  ],
];
/** Options refused in a task of a step (srun already did their job), with srun's own option. */
const NOT_IN_A_TASK: [string, (o: Record<string, unknown>) => boolean, string][] = [
  ["--tag-output", (o) => Boolean(o.tagOutput), "use srun --label"],
  ["--map-by node", (o) => o.mapBy === "node", "use srun --distribution=cyclic"],
  ["--oversubscribe", (o) => Boolean(o.oversubscribe), "use srun --overcommit"],
];

/** Why an option given to tsrun cannot be used in this Slurm mode, or undefined when all can. */
export function refusedOption(opts: Record<string, unknown>, mode: "task" | "allocation"): string | undefined {
  const where = mode === "task" ? "in an srun step" : `inside Slurm allocation ${process.env.SLURM_JOB_ID}`;
  const rules = mode === "task" ? [...NOT_UNDER_SLURM, ...NOT_IN_A_TASK] : NOT_UNDER_SLURM;
  for (const [name, given, instead] of rules) if (given(opts)) return `${name} cannot be used ${where}: ${instead}`;
  if (opts.np !== undefined && (!Number.isInteger(opts.np) || (opts.np as number) < 1))
    return `-np must be a positive integer, got ${String(opts.np)}`;
  return undefined;
}
