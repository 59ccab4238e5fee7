// tsrun inside a Slurm allocation on a real cluster (issue 12): `salloc -n 4 tsrun ring.ts` starts
// SLURM_NTASKS ranks through srun, -np asks for fewer, more than the allocation fails at once, --hostfile
// is refused; an sbatch script running tsrun writes its output file; scancel and Ctrl-C, of tsrun inside an
// allocation and of a direct launch, leave no process behind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ready, slurmRequirement } from "../harness/requires.ts";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  Running,
  alive,
  childrenOf,
  commandLine,
  jsonLines,
  sessionMembers,
  programs,
  ring,
  slurm,
  startCluster,
  tsrun,
  waitFor,
  type Cluster,
} from "./lib.ts";

/** Skips the file with one line naming what is missing (fails instead under TSMPI_REQUIRE_ALL=1). */
const canRun = ready(slurmRequirement());

let cluster: Cluster;

/**
 * What Ctrl-C in a terminal does: SIGINT to the foreground process group. Under salloc that is the group of
 * the command salloc started (tsrun and its srun); a bare srun wants it twice within a second to abort.
 */
async function pressCtrlC(run: Running, cmd: string): Promise<void> {
  if (cmd === "salloc") {
    const command = childrenOf(run.child.pid!)[0];
    process.kill(-command, "SIGINT");
    return;
  }
  process.kill(-run.child.pid!, "SIGINT");
  await waitFor("srun's 'one more within 1 sec' answer", () => run.stderr.includes("one more within 1 sec"), 10_000);
  process.kill(-run.child.pid!, "SIGINT");
}
beforeAll(() => {
  if (canRun) cluster = startCluster();
});
afterAll(() => cluster?.stop());

describe.skipIf(!canRun)("tsrun inside an allocation", () => {
  it("salloc -n 4 tsrun ring.ts starts 4 ranks (SLURM_NTASKS)", async () => {
    const r = await slurm(cluster, "salloc", ["-n", "4", ...tsrun(ring)]);
    expect(r.code, r.stderr).toBe(0);
    for (let k = 1; k < 4; k++) expect(r.stdout).toContain(`rank ${k} received token`);
    expect(r.stdout).toContain("rank 0: token back with 6 (expected 6)");
  }, 120_000);

  it("-np 2 inside salloc -n 4 starts 2 ranks", async () => {
    const r = await slurm(cluster, "salloc", ["-n", "4", ...tsrun("-np", "2", ring)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("rank 0: token back with 1 (expected 1)");
    expect(r.stdout).not.toContain("rank 2 received");
  }, 120_000);

  it("more ranks than the allocation fail at once, before any rank starts", async () => {
    const r = await slurm(cluster, "salloc", ["-n", "2", ...tsrun("-np", "4", ring)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /tsrun: -np 4 asks for more ranks than Slurm allocation \d+ has \(4 vs 2 tasks\)\. Ask salloc\/sbatch for more \(-n 4\)/,
    );
    expect(r.stdout).not.toContain("token");
  }, 120_000);

  it("refuses --hostfile inside an allocation, saying why", async () => {
    const r = await slurm(cluster, "salloc", ["-n", "2", ...tsrun("--hostfile", "hostfile.example", ring)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tsrun: --hostfile cannot be used inside Slurm allocation \d+: Slurm places the ranks/);
  }, 120_000);

  it("an sbatch script running tsrun writes the ranks' output to its output file", async () => {
    const out = path.join(cluster.dir, "batch-%j.out");
    const script = path.join(cluster.dir, "ring.sbatch");
    fs.writeFileSync(
      script,
      ["#!/bin/bash", "#SBATCH -n 4", `#SBATCH -o ${out}`, `${tsrun(ring).join(" ")}`, 'echo "tsrun-exit=$?"', ""].join(
        "\n",
      ),
    );
    const submitted = await slurm(cluster, "sbatch", ["--parsable", script]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const job = submitted.stdout.trim().split(";")[0];
    const file = out.replace("%j", job);
    const content = () => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
    await waitFor(`the end of ${file}`, () => content().includes("tsrun-exit="), 60_000);
    expect(content()).toContain("rank 0: token back with 6 (expected 6)");
    expect(content()).toContain("tsrun-exit=0");
  }, 120_000);

  const waitProgram = path.join(programs, "wait.ts");
  const ways: [string, string, string[]][] = [
    ["salloc -n 4 tsrun (tsrun calls srun)", "salloc", ["-n", "4", ...tsrun(waitProgram)]],
    [
      "srun --mpi=pmi2 -n 4 tsrun (direct launch)",
      "srun",
      ["--mpi=pmi2", "-N", "2", "--ntasks-per-node=2", ...tsrun(waitProgram)],
    ],
  ];
  const stops = ["scancel", "Ctrl-C"] as const;
  it.each(stops.flatMap((stop) => ways.map(([name, cmd, args]) => [stop, name, cmd, args] as const)))(
    "%s during a run of %s leaves no rank, no tsrun and no srun behind",
    async (stop, _name, cmd, args) => {
      const run = new Running(cluster, cmd, [...args]);
      try {
        await waitFor("4 ranks up", () => jsonLines(run.stdout).length === 4, 60_000);
        const ranks = jsonLines(run.stdout) as { pid: number; ppid: number; job: string }[];
        // Each rank, and the tsrun task that started it when there is one (in direct launch there always is).
        const wrappers = ranks.map((r) => r.ppid).filter((pid) => commandLine(pid).includes("tsrun.mjs"));
        if (cmd === "srun") expect(wrappers).toHaveLength(4);
        const pids = [...ranks.map((r) => r.pid), ...wrappers];
        expect(pids.every(alive)).toBe(true);
        if (stop === "scancel") {
          const cancel = await slurm(cluster, "scancel", [ranks[0].job]);
          expect(cancel.code, cancel.stderr).toBe(0);
        } else {
          await pressCtrlC(run, cmd);
        }
        await waitFor(`${cmd} to end`, () => run.child.exitCode !== null || run.child.signalCode !== null, 30_000);
        await waitFor("every rank and task process to be gone", () => !pids.some(alive), 30_000);
        expect(pids.filter(alive)).toEqual([]);
        // The client's side too: salloc's tsrun and the srun it called, or srun itself.
        await waitFor("the client's processes to be gone", () => sessionMembers(run.child.pid!).length === 0, 30_000);
      } finally {
        run.kill();
      }
    },
    120_000,
  );
});
