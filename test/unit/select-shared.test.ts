// The decision table's shared-memory rows (runtime/collectives/select.ts): ranks that share memory take
// the "shared" algorithms for large buffers, never for small ones, non-commutative ops, value-mode data
// or blocks larger than a slab; without shared memory a forced "shared" falls back to the usual choice.
import { afterEach, describe, expect, it } from "vitest";
import { chooseAllgather, chooseAllreduce, chooseBcast, SHARED_FROM_BYTES } from "../../runtime/collectives/select.ts";

const MiB = 1 << 20;

describe("decision table on shared memory", () => {
  afterEach(() => void delete process.env.TSMPI_COLL);

  it("picks the shared algorithms for large buffers when the ranks share memory", () => {
    expect(chooseBcast(4, MiB, true)).toBe("shared");
    expect(chooseAllreduce(4, 8 * MiB, true, true, MiB, true)).toBe("shared");
    expect(chooseAllgather(4, MiB / 4, 16 * MiB)).toBe("shared");
  });

  it("keeps message passing for small data, non-commutative ops, value mode and blocks beyond a slab", () => {
    expect(chooseBcast(4, SHARED_FROM_BYTES - 1, true)).toBe("binomial");
    expect(chooseBcast(4, null, true)).toBe("binomial");
    expect(chooseAllreduce(4, 8 * MiB, false, true, MiB, true)).toBe("recursiveDoubling");
    expect(chooseAllreduce(4, 8 * MiB, true, false, MiB, true)).toBe("recursiveDoubling");
    expect(chooseAllgather(4, 2 * MiB, MiB)).toBe("ring");
    expect(chooseBcast(16, MiB, false)).toBe("scatterAllgather");
  });

  it("runs the usual choice when shared is forced but the ranks do not share memory", () => {
    process.env.TSMPI_COLL = "bcast=shared,allreduce=shared,allgather=shared";
    expect(chooseBcast(4, MiB, false)).toBe("binomial");
    expect(chooseAllreduce(4, 8 * MiB, true, true, MiB, false)).toBe("rabenseifner");
    expect(chooseAllgather(4, 1024, 0)).toBe("recursiveDoubling");
    expect(chooseBcast(4, 100, true)).toBe("shared");
  });
});
