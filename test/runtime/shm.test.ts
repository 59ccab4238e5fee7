// Ranks as threads of one process (--transport shm): everything a rank does as a process it does as a
// thread — messages larger than a ring, per-rank output, stdin to rank 0, an exception or process.exit in
// one rank, crash(), deadlock and --timeout reports, finalize's report — and what it cannot, tsrun refuses.
import { describe, expect, it } from "vitest";
import { runTsrun } from "../harness/run.ts";
import { runRanks } from "./lib/ranks.ts";

type Extra = { tsrunArgs?: string[]; input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number };
const shm = (np: number, name: string, extra: Extra = {}) =>
  runTsrun(np, `test/runtime/programs/shm/${name}.ts`, {
    ...extra,
    tsrunArgs: ["--transport", "shm", ...(extra.tsrunArgs ?? [])],
  });

describe("--transport shm", () => {
  for (const np of [1, 2, 5]) {
    it(`runs a ring, a 3 MiB message around it and an allreduce at np=${np}, one tagged line per rank`, async () => {
      const r = await shm(np, "ring", { tsrunArgs: ["--tag-output"] });
      expect(r.code, r.stderr).toBe(0);
      const sum = (np * (np - 1)) / 2;
      for (let rank = 0; rank < np; rank++) {
        expect(r.stdout).toContain(`[${rank}] rank ${rank} of ${np} sum ${sum} big intact\n`);
      }
      expect(r.stdout).toContain(`[0] token ${sum}\n`);
    });
  }

  it("window locks stay fair between threads: a rank's own lock request queues first", async () => {
    // Rank 0 asks for the lock on its own window, then tells rank 2, which asks for a shared lock: rank 2
    // must queue behind rank 0 however soon its frame arrives (it read 0 whenever a poll handed rank 0 that
    // frame before its own request, which waited for the next event-loop turn, joined the queue).
    for (let run = 0; run < 3; run++) {
      const ranks = await runRanks(3, "rma-locks.ts", [], ["--transport", "shm", "--timeout", "50"]);
      expect(ranks[2].lateReaderSaw, "a shared request overtook a waiting exclusive one").toBe(1);
    }
  });

  it("runs 64 ranks", async () => {
    const r = await shm(64, "ring", { timeoutMs: 280_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/big intact/g)?.length).toBe(64);
  }, 300_000);

  it("gives stdin to rank 0", async () => {
    const r = await shm(3, "stdin", { input: "hello threads\n" });
    expect(r.code, r.stderr).toBe(0);
    for (const rank of [0, 1, 2]) expect(r.stdout).toContain(`rank ${rank} got hello threads`);
  });

  it("an exception in one rank ends the job with that error and its source line", async () => {
    const r = await shm(3, "throw");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rank 1 \(pid \d+ on .*\) failed:\n\s+Error: boom on rank one\n\s+at .*throw\.ts:\d+/);
  });

  it("process.exit(3) in one rank ends that rank only, and the job with code 3", async () => {
    const r = await shm(3, "exit3");
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/rank 2 \(pid \d+ on .*\) exited with code 3/);
  });

  it("a rank that exhausts its heap ends alone, and the job says so", async () => {
    const r = await shm(2, "oom", { env: { TSMPI_NODE_ARGS: "--max-old-space-size=64" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rank 1 ran out of memory/);
    expect(r.stderr).toMatch(/rank 1 \(pid \d+ on .*\) exited with code 1/);
  }, 180_000);

  it("crash() kills one rank as SIGKILL would", async () => {
    const r = await shm(3, "crash");
    expect(r.code).toBe(137);
    expect(r.stderr).toMatch(/rank 1 .* was killed by SIGKILL/);
  });

  it("reports a deadlock with the cycle and every rank's source line", async () => {
    const r = await shm(3, "dead");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("a cycle 0 → 1 → 2 → 0");
    for (const rank of [0, 1, 2])
      expect(r.stderr).toMatch(new RegExp(`rank ${rank}: recv\\(source=\\d, tag=0\\) at .*dead\\.ts:\\d+`));
  });

  it("--timeout ends a job whose rank computes forever, saying what the others were blocked in", async () => {
    const r = await shm(2, "busy", { tsrunArgs: ["--timeout", "3"] });
    expect(r.code).toBe(124);
    expect(r.stderr).toMatch(/exceeded --timeout 3 s/);
    expect(r.stderr).toMatch(/rank 0: blocked in recv\(source=1, tag=0\)/);
  });

  it("finalize reports a message that was never received", async () => {
    const r = await shm(2, "unrecv");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /1 message sent to rank 1 was never received:\n\s+from rank 0, tag 5, 5 bytes, sent at .*unrecv\.ts:\d+/,
    );
  });

  it("runs a --host job naming only this machine as threads of one process (other hosts: test/launcher/shm-hosts.test.ts)", async () => {
    const r = await runTsrun(2, "test/launcher/programs/slots.ts", {
      tsrunArgs: ["--transport", "shm", "--host", "localhost:2"],
      input: "hello\n",
    });
    expect(r.code, r.stderr).toBe(0);
    const pids = new Set([...r.stdout.matchAll(/^AT \d+ \S+ (\d+) /gm)].map((m) => m[1]));
    expect(pids.size).toBe(1);
    expect(r.stdout).toMatch(/^bcast-host 1 ok$/m);
  });

  it("refuses --fault-tolerant, but TSMPI_TRANSPORT=shm alone leaves such a job on processes", async () => {
    const refused = await runTsrun(2, "test/runtime/programs/shm/ring.ts", {
      tsrunArgs: ["--transport", "shm", "--fault-tolerant"],
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--fault-tolerant needs ranks that are processes/);
    const r = await runTsrun(2, "test/runtime/programs/shm/ring.ts", {
      tsrunArgs: ["--fault-tolerant"],
      env: { TSMPI_TRANSPORT: "shm" },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/big intact/g)?.length).toBe(2);
  });

  it("refuses --transport shm under Slurm, where srun starts every rank as a process", async () => {
    const r = await runTsrun(2, "test/runtime/programs/shm/ring.ts", {
      tsrunArgs: ["--transport", "shm"],
      env: { SLURM_JOB_ID: "4242", TSMPI_SLURM: "" },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--transport shm cannot be used under Slurm: .*TSMPI_SLURM=0/);
  });
});
