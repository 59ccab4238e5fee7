// Direct launch under a real Slurm cluster (issue 12): `srun --mpi=pmi2 -n N tsrun prog.ts`, each task one
// rank, addresses exchanged through PMI-2 with no tsrun parent. The ring, the point-to-point and the
// collective test programs; ranks on both fake nodes; a failing rank ends the step by itself (with Slurm's
// kill-on-bad-exit turned off for the step); srun without PMI-2 is refused with a clear message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ready, slurmRequirement } from "../harness/requires.ts";
import * as path from "node:path";
import { jsonLines, programs, projectRoot, ring, slurm, startCluster, tsrun, type Cluster } from "./lib.ts";

/** Skips the file with one line naming what is missing (fails instead under TSMPI_REQUIRE_ALL=1). */
const canRun = ready(slurmRequirement());

let cluster: Cluster;
beforeAll(() => {
  if (canRun) cluster = startCluster();
});
afterAll(() => cluster?.stop());

const runtimeProgram = (name: string) => path.join(projectRoot, "test/runtime/programs", `${name}.ts`);
const srunPmi2 = (...args: string[]) => ["--mpi=pmi2", ...args];

describe.skipIf(!canRun)("srun --mpi=pmi2 tsrun prog.ts (direct launch)", () => {
  it("runs the ring with 4 tasks, one rank each", async () => {
    const r = await slurm(cluster, "srun", srunPmi2("-n", "4", ...tsrun(ring)));
    expect(r.code, r.stderr).toBe(0);
    for (let k = 1; k < 4; k++) expect(r.stdout).toContain(`rank ${k} received token`);
    expect(r.stdout).toContain("rank 0: token back with 6 (expected 6)");
  }, 120_000);

  it("keeps the point-to-point value round trips exact", async () => {
    const r = await slurm(cluster, "srun", srunPmi2("-n", "4", ...tsrun(runtimeProgram("p2p-values"))));
    expect(r.code, r.stderr).toBe(0);
    const [summary] = jsonLines(r.stdout);
    expect(summary.failures).toEqual([]);
    expect(summary.count).toBe(22 * 3);
  }, 120_000);

  it("follows MPI's matching, completion and error rules (p2p-rules, 3 tasks)", async () => {
    const r = await slurm(cluster, "srun", srunPmi2("-n", "3", ...tsrun(runtimeProgram("p2p-rules"))));
    expect(r.code, r.stderr).toBe(0);
    const byRank = Object.fromEntries(jsonLines(r.stdout).map((o) => [o.rank, o.checks as Record<string, unknown>]));
    expect(byRank[0].ssendAfterMatch).toBe(true);
    expect(byRank[0].waitall).toEqual(["twenty", "twenty-one"]);
    expect(byRank[0].badRank).toMatch(/^ERR_RANK send\(dest=3, tag=0\) on rank 0: destination rank out of range/);
    expect(byRank[1].nonOvertaking).toBe(true);
    expect(byRank[1].truncate).toMatch(/^ERR_TRUNCATE recvInto\(source=0, tag=11\) on rank 1: message truncated/);
  }, 120_000);

  it("agrees with the sequential oracle on every collective, across both nodes", async () => {
    const r = await slurm(
      cluster,
      "srun",
      srunPmi2("-N", "2", "--ntasks-per-node=2", ...tsrun(runtimeProgram("coll-all"))),
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = jsonLines(r.stdout).at(-1)!;
    expect(summary.failures).toEqual([]);
    expect(summary.np).toBe(4);
    expect(summary.checks as number).toBeGreaterThanOrEqual(60 * 4);
  }, 120_000);

  it("ranks on both fake nodes (SLURM_NODEID 0 and 1) communicate over TCP", async () => {
    const r = await slurm(
      cluster,
      "srun",
      srunPmi2("-N", "2", "--ntasks-per-node=2", ...tsrun(path.join(programs, "nodes.ts"))),
    );
    expect(r.code, r.stderr).toBe(0);
    const [out] = jsonLines(r.stdout);
    const placements = out.placements as [number, string, number][];
    expect(placements.map(([, node]) => node).sort()).toEqual(["n1", "n1", "n2", "n2"]);
    expect(new Set(placements.map(([, , id]) => id))).toEqual(new Set([0, 1]));
    expect(out.ringOk).toBe(true);
    expect(out.sum).toBe(0 + 1 + 2 + 3);
  }, 120_000);

  it("finalize reports a message never received, across nodes, and --strict makes it an error", async () => {
    const program = path.join(programs, "leftover.ts");
    const plain = await slurm(cluster, "srun", srunPmi2("-N", "2", "-n", "2", ...tsrun(program)));
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain("rank 1 done");
    expect(plain.stderr).toMatch(
      /tsmpi warning: rank 1 finalize: 1 message sent to rank 1 was never received:\n {2}from rank 0, tag 5, 11 bytes/,
    );
    const strict = await slurm(cluster, "srun", srunPmi2("-n", "2", ...tsrun("--strict", program)));
    expect([1, 143]).toContain(strict.code);
    expect(strict.stderr).toContain("tsmpi error: rank 1 finalize: 1 message sent to rank 1 was never received");
  }, 120_000);

  it("a rank that throws ends the whole step by itself, naming the rank and its node", async () => {
    const r = await slurm(
      cluster,
      "srun",
      srunPmi2(
        "--kill-on-bad-exit=0",
        "-N",
        "2",
        "--ntasks-per-node=2",
        ...tsrun(path.join(programs, "fail.ts"), "throw"),
      ),
    );
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /tsmpi: rank 1 \(pid \d+ on node n1\) failed:\n {2}Error: rank 1 gives up on purpose\n\s+at .*fail\.ts:\d+/,
    );
    expect(r.stderr).toContain("tsmpi: stopping the other 3 ranks of Slurm step");
    expect(r.stderr.match(/failed:/g)).toHaveLength(1);
  }, 120_000);

  it("comm.abort(7) ends the step with code 7", async () => {
    const r = await slurm(
      cluster,
      "srun",
      srunPmi2("--kill-on-bad-exit=0", "-n", "3", ...tsrun(path.join(programs, "fail.ts"), "abort")),
    );
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/tsmpi: rank 1 \(pid \d+ on node n\d\) called abort with code 7/);
  }, 120_000);

  it("through npx (which closes the PMI socket) the tasks say how to start tsrun instead", async () => {
    const r = await slurm(cluster, "srun", srunPmi2("-n", "2", "npx", "tsrun", ring));
    expect([1, 143]).toContain(r.code);
    expect(r.stderr).toContain("tsrun: the PMI-2 socket Slurm gave this task (PMI_FD=");
    expect(r.stderr).toMatch(/Start tsrun itself: srun --mpi=pmi2 … node \S+\/launcher\/bin\/tsrun\.mjs prog\.ts/);
    expect(r.stdout).not.toContain("token");
  }, 120_000);

  it("runs when started as the executable tsrun.mjs (exec, no wrapper in between)", async () => {
    const r = await slurm(cluster, "srun", srunPmi2("-n", "2", tsrun()[1], ring));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("rank 0: token back with 1 (expected 1)");
  }, 120_000);

  it("without --mpi=pmi2 every task refuses to run, saying what to add", async () => {
    const r = await slurm(cluster, "srun", ["-n", "2", ...tsrun(ring)]);
    expect([1, 143]).toContain(r.code); // 143 when KillOnBadExit stopped the second task first
    expect(r.stderr).toContain("srun step without PMI-2; run it as 'srun --mpi=pmi2");
    expect(r.stdout).not.toContain("token");
  }, 120_000);
});
