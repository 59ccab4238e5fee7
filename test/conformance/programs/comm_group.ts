// Conformance: mpi4py test/test_comm.py (intracommunicators: size, rank, group, dup/free, compare,
// create, createGroup, split) on COMM_SELF, COMM_WORLD and a dup of each, and test/test_group.py on
// GROUP_EMPTY, COMM_SELF's group and COMM_WORLD's group.
import * as mpi from "tsmpi";
import { Suite, check, eq, standardComms, throwsCode } from "./lib/harness.ts";

const suite = new Suite();
await mpi.init();
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

for (const [cname, comm] of await standardComms()) {
  const c = (name: string, body: () => unknown) => suite.case(`comm.${name}[${cname}]`, body);
  const self = cname.startsWith("SELF");

  c("Size", () => (self ? eq(comm.size, 1, "size") : check(comm.size >= 1, `size ${comm.size} >= 1`)));
  c("Rank", () => (self ? eq(comm.rank, 0, "rank") : check(comm.rank >= 0 && comm.rank < comm.size, `rank ${comm.rank} in range`)));
  c("Group", () => {
    const g = comm.group;
    eq([g.size, g.rank], [comm.size, comm.rank], "group size and rank");
  });
  c("CloneFree", async () => {
    const d = await comm.dup();
    await d.free();
    await throwsCode("ERR_COMM", "a collective on a freed communicator", () => d.barrier());
  });
  c("Compare", async () => {
    check([mpi.IDENT, mpi.CONGRUENT, mpi.SIMILAR, mpi.UNEQUAL].includes(mpi.compare(comm, mpi.COMM_WORLD)), "compare with WORLD");
    eq(mpi.compare(comm, comm), mpi.IDENT, "compare with itself");
    const d = await comm.dup();
    eq(mpi.compare(comm, d), mpi.CONGRUENT, "compare with a dup");
    await d.free();
  });
  c("Create", async () => {
    const created = await comm.create(comm.group);
    check(created !== null, "create(own group) gives a communicator");
    if (created) {
      eq(mpi.compare(comm, created), mpi.CONGRUENT, "create(own group) is congruent");
      await created.free();
    }
  });
  c("CreateGroup", async () => {
    const created = await comm.createGroup(comm.group);
    check(created !== null, "createGroup(own group) gives a communicator");
    if (created) {
      eq(mpi.compare(comm, created), mpi.CONGRUENT, "createGroup(own group) is congruent");
      await created.free();
    }
  });
  c("Split", async () => {
    const same = await comm.split(42, 42);
    eq([same?.rank, same?.size], [comm.rank, comm.size], "split(42, 42)");
    await same?.free();
    const alone = await comm.split(comm.rank, 42);
    eq([alone?.rank, alone?.size], [0, 1], "split(rank, 42)");
    await alone?.free();
  });
  c("SplitUndefined", async () => {
    // test_comm.py's Split_type(UNDEFINED) → COMM_NULL, with the plain split tsmpi has
    eq(await comm.split(mpi.UNDEFINED), mpi.COMM_NULL, "split(UNDEFINED)");
    for (let root = 0; root < comm.size; root++) {
      const sub = await comm.split(comm.rank === root ? 0 : mpi.UNDEFINED);
      if (comm.rank === root) {
        eq([sub?.size, sub?.rank], [1, 0], `root ${root} alone`);
        await sub?.free();
      } else eq(sub, mpi.COMM_NULL, `rank off root ${root}`);
    }
  });
}

const groups: [string, () => mpi.Group][] = [
  ["EMPTY", () => mpi.GROUP_EMPTY],
  ["SELF", () => mpi.COMM_SELF.group],
  ["WORLD", () => mpi.COMM_WORLD.group],
];
const worldSize = mpi.COMM_WORLD.size;
for (const [gname, make] of groups) {
  const c = (name: string, body: () => unknown) => suite.case(`group.${name}[${gname}]`, body);
  const G = make();
  const empty = gname === "EMPTY";
  c("SizeRank", () => {
    if (empty) eq([G.size, G.rank], [0, mpi.UNDEFINED], "GROUP_EMPTY size and rank");
    else if (gname === "SELF") eq([G.size, G.rank], [1, 0], "SELF group");
    else eq([G.size, G.rank], [worldSize, mpi.COMM_WORLD.rank], "WORLD group");
  });
  c("Compare", () => {
    check([mpi.IDENT, mpi.SIMILAR, mpi.UNEQUAL].includes(G.compare(mpi.COMM_WORLD.group)), "compare with WORLD's group");
    eq(G.compare(G), mpi.IDENT, "compare with itself");
    eq(G.compare(make()), mpi.IDENT, "compare with a copy");
  });
  c("Union", () => {
    eq(mpi.GROUP_EMPTY.union(G).compare(G), mpi.IDENT, "EMPTY ∪ G");
    eq(G.union(mpi.GROUP_EMPTY).compare(G), mpi.IDENT, "G ∪ EMPTY");
    eq(G.union(G).compare(G), mpi.IDENT, "G ∪ G");
  });
  c("Difference", () => {
    eq(mpi.GROUP_EMPTY.difference(G).compare(mpi.GROUP_EMPTY), mpi.IDENT, "EMPTY − G");
    eq(G.difference(mpi.GROUP_EMPTY).compare(G), mpi.IDENT, "G − EMPTY");
    eq(G.difference(G).compare(mpi.GROUP_EMPTY), mpi.IDENT, "G − G");
  });
  c("Intersection", () => {
    eq(mpi.GROUP_EMPTY.intersection(G).compare(mpi.GROUP_EMPTY), mpi.IDENT, "EMPTY ∩ G");
    eq(G.intersection(mpi.GROUP_EMPTY).compare(mpi.GROUP_EMPTY), mpi.IDENT, "G ∩ EMPTY");
    eq(G.intersection(G).compare(G), mpi.IDENT, "G ∩ G");
  });
  c("Incl", () => eq(G.incl([]).compare(mpi.GROUP_EMPTY), mpi.IDENT, "incl([])"));
  c("Excl", () => eq(G.excl([]).compare(G), mpi.IDENT, "excl([])"));
  c("RangeIncl", () => {
    if (empty) return;
    eq(G.rangeIncl([]).compare(mpi.GROUP_EMPTY), mpi.IDENT, "rangeIncl([])");
    eq(G.rangeIncl([[0, G.size - 1, 1]]).compare(G), mpi.IDENT, "rangeIncl(all)");
  });
  c("RangeExcl", () => {
    if (empty) return;
    eq(G.rangeExcl([]).compare(G), mpi.IDENT, "rangeExcl([])");
    eq(G.rangeExcl([[0, G.size - 1, 1]]).compare(mpi.GROUP_EMPTY), mpi.IDENT, "rangeExcl(all)");
  });
  c("TranslRanks", () => {
    const ranks = [...range(G.size), ...range(G.size), ...range(G.size)];
    eq(G.translateRanks(ranks, G), ranks, "into itself");
    eq(G.translateRanks(range(G.size), make()), range(G.size), "into a copy");
  });
  c("TranslRanksWorld", () => {
    const out = G.translateRanks([...range(G.size), ...range(G.size), ...range(G.size)], mpi.COMM_WORLD.group);
    eq(out.length, 3 * G.size, "one rank out per rank in");
    check(out.every((r) => r >= 0 && r < worldSize), `world ranks in range: ${out}`);
  });
  c("TranslRanksProcNull", () => {
    if (empty) return;
    eq(G.translateRanks(Array(10).fill(mpi.PROC_NULL), G), Array(10).fill(mpi.PROC_NULL), "PROC_NULL stays PROC_NULL");
  });
  c("TranslRanksGroupEmpty", () => {
    if (empty) return;
    eq(G.translateRanks([...range(G.size), ...range(G.size)], mpi.GROUP_EMPTY), Array(2 * G.size).fill(mpi.UNDEFINED), "into GROUP_EMPTY");
  });
}
await suite.run();
