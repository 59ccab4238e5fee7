// Point-to-point semantics through the real tsrun, over Unix sockets and TCP (issue: foundation).
import { describe, expect, it } from "vitest";
import { runTsrun } from "../harness/run.ts";

const program = (name: string) => `test/runtime/programs/${name}.ts`;
const lastJson = (stdout: string, filter: (o: Record<string, unknown>) => boolean = () => true) =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter(filter);

for (const transport of ["unix", "tcp"]) {
  describe(`point-to-point over ${transport}`, () => {
    for (const np of [2, 3, 4, 7]) {
      it(`values round-trip exactly at np=${np}`, async () => {
        const r = await runTsrun(np, program("p2p-values"), { tsrunArgs: ["--transport", transport] });
        expect(r.code, r.stderr).toBe(0);
        const [summary] = lastJson(r.stdout);
        expect(summary.failures).toEqual([]);
        expect(summary.count).toBe(22 * (np - 1));
        expect(summary.refused).toMatch(/^ERR_ARG: send\(dest=1, tag=3\) on rank 0: value\.callback is a function/);
      });
    }

    it("follows MPI's matching, completion and error rules", async () => {
      const r = await runTsrun(3, program("p2p-rules"), { tsrunArgs: ["--transport", transport] });
      expect(r.code, r.stderr).toBe(0);
      const byRank = Object.fromEntries(lastJson(r.stdout).map((o) => [o.rank, o.checks as Record<string, unknown>]));
      const r0 = byRank[0];
      const r1 = byRank[1];
      expect(r0.ssendAfterMatch).toBe(true);
      expect(r0.cancelled).toBe(true);
      expect(r0.procNullSend).toBe("no error");
      expect(r0.procNullRecv).toEqual([null, -2]);
      expect(r0.badRank).toMatch(
        /^ERR_RANK send\(dest=3, tag=0\) on rank 0: destination rank out of range \(3 vs expected 0\.\.2 or PROC_NULL\)/,
      );
      expect(r0.badTag).toMatch(/^ERR_TAG send\(dest=1, tag=-4\) on rank 0: invalid tag/);
      expect(r0.badRecvTag).toMatch(/^ERR_TAG recv\(source=0, tag=2147483648\)/);
      expect(r0.testallBefore).toBe(false);
      expect(r0.waitany).toEqual([1, "twenty-one"]);
      expect(r0.waitall).toEqual(["twenty", "twenty-one"]);
      expect(r0.sendrecv).toBe("from 1");
      expect(r1.iprobe).toBe(true);
      expect(r1.nonOvertaking).toBe(true);
      expect(r1.status).toEqual([0, 9, 32, 4, 8, true]);
      expect(r1.recvInto).toEqual([0, 5, 6, 7, 0]);
      expect(r1.truncate).toMatch(
        /^ERR_TRUNCATE recvInto\(source=0, tag=11\) on rank 1: message truncated \(64 bytes vs expected at most 32 bytes\)/,
      );
      expect(r1.typeMismatch).toMatch(/^ERR_TYPE .*FLOAT64.*INT32/);
      // A bare TypedArray is refused before anything is posted (it crashed once the message arrived).
      for (const bare of [r1.bareArray, r1.bareArrayNonblocking])
        expect(bare).toMatch(
          /^ERR_ARG i?recvInto\(source=0, tag=12\) on rank 1: the receive buffer is not a buffer spec \(Uint8Array vs expected mpi\.buf/,
        );
      expect(r1.bigIntact).toBe(true);
      expect(r1.sendrecv).toBe("from 0");
    });
  });
}

describe("the runtime loads no compiled addon", () => {
  // msgpackr's default entry loads its native string extractor when the package is installed (npm installs it as
  // an optional dependency): a rank must run on plain JavaScript alone.
  for (const transport of ["unix", "shm"]) {
    it(`no .node file in a rank after value-mode traffic (${transport})`, async () => {
      const r = await runTsrun(2, program("no-addons"), { tsrunArgs: ["--transport", transport] });
      expect(r.code, r.stderr).toBe(0);
      const ranks = lastJson(r.stdout);
      expect(ranks).toHaveLength(2);
      for (const rank of ranks) expect(rank).toMatchObject({ addons: [], intact: true });
    });
  }
});

describe("flow control and ordering at volume", () => {
  it("1 000 000 small messages arrive complete and in order; a sender far ahead is held back", async () => {
    const r = await runTsrun(2, program("p2p-flood"), { timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(0);
    const [s] = lastJson(r.stdout);
    expect(s.received).toBe(1_000_000);
    expect(s.inOrder).toBe(true);
    // 100 000 × 1 KiB (100 MB) were offered while the receiver idled: at most the credit window (8 MiB) may land.
    expect(s.grownWhileIdle as number).toBeLessThan(48 * 1024 * 1024);
    // A 64 MiB rendezvous message nobody has asked for yet costs the receiver nothing.
    expect(s.grownBeforeBigRecv as number).toBeLessThan(32 * 1024 * 1024);
    expect(s.big).toBe(64 * 1024 * 1024);
  }, 240_000);
});

describe("buffered, ready, persistent and matched-probe modes", () => {
  it("bsend/ibsend with an attached buffer, rsend, sendInit/recvInit + startall, mprobe/improbe, sendrecvReplace", async () => {
    const r = await runTsrun(3, program("p2p-modes"));
    expect(r.code, r.stderr).toBe(0);
    const by = Object.fromEntries(lastJson(r.stdout).map((o) => [o.rank, o.checks as Record<string, unknown>]));
    for (const rank of [0, 1]) {
      const other = 1 - rank;
      const c = by[rank];
      expect(c.bsendTooBig).toBe("ERR_BUFFER");
      expect(c.buffered).toEqual([{ from: other }, [other, 2]]);
      expect(c.detached).toBe(1 << 20);
      expect(c.persistent).toEqual([other, 10 + other, 20 + other]);
      expect(c.mprobe).toEqual([other, 4, `mprobe ${other}`]);
      expect(c.improbeNone).toBe(true);
      expect(c.replace).toEqual([[other, other, other], 3, 3]);
    }
  });
});

describe("finalize", () => {
  it("a program that never calls finalize() still ends cleanly once its messages are delivered", async () => {
    const r = await runTsrun(3, program("implicit-finalize"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("rank 1 got 50000 values summing to 75000");
    expect(r.stderr).toBe("");
  });
});
