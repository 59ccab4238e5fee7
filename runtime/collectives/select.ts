// Which algorithm each collective uses: a decision table by communicator size and message bytes (in the
// spirit of Open MPI's coll/tuned fixed rules, with thresholds measured on Node), and forced choices read
// from the environment variable TSMPI_COLL ("bcast=binomial,allreduce=ring", set by `tsrun --coll`), so
// tests can run every algorithm at every size. Every rank of a call must pick the same algorithm, so the
// table only reads what all ranks know: the size, the op, and byte counts that MPI requires to agree.
// A forced algorithm that cannot apply keeps results exact instead: allreduce=ring or rabenseifner with a
// non-commutative op, or on value-mode data that cannot be cut into elements, runs recursive doubling;
// the v-variants (gatherv, scatterv, allgatherv) default to linear/ring since only the root knows counts.
// "shared" (shared.ts: through the slabs of ranks that are threads of one process) applies only when
// `shared` says every rank of the call can use the slabs (the same answer on every rank); forced without
// them, the size's usual choice runs instead.
import { ErrorCode, mpiError } from "../errors.ts";

export const ALGORITHMS = {
  barrier: ["dissemination", "shared"],
  bcast: ["linear", "binomial", "scatterAllgather", "pipeline", "shared"],
  reduce: ["linear", "binomial", "pipeline"],
  allreduce: ["recursiveDoubling", "ring", "rabenseifner", "reduceBcast", "shared"],
  gather: ["linear", "binomial"],
  scatter: ["linear", "binomial"],
  allgather: ["ring", "recursiveDoubling", "shared"],
  alltoall: ["linear", "pairwise"],
  scan: ["linear", "recursiveDoubling"],
  exscan: ["linear", "recursiveDoubling"],
  reduceScatter: ["pairwise", "reduceThenScatter"],
} as const;

export type Collective = keyof typeof ALGORITHMS;
export type Algorithm<C extends Collective> = (typeof ALGORITHMS)[C][number];

/** From this many bytes (the whole message), ranks sharing memory use their slabs (measured: bench/collectives.ts). */
export const SHARED_FROM_BYTES = 16 * 1024;

let forcedCache: { spec: string; table: Map<string, string> } | null = null;

/** Parses TSMPI_COLL; an unknown collective or algorithm is ERR_ARG naming the valid ones. */
export function forcedAlgorithms(spec = process.env.TSMPI_COLL ?? ""): Map<string, string> {
  if (forcedCache && forcedCache.spec === spec) return forcedCache.table;
  const table = new Map<string, string>();
  for (const item of spec
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, algo] = item.split("=").map((s) => s.trim());
    const known = (ALGORITHMS as Record<string, readonly string[]>)[name];
    if (!known) {
      throw mpiError(ErrorCode.ERR_ARG, `TSMPI_COLL="${spec}"`, `unknown collective "${name}"`, {
        hint: `use collective=algorithm pairs; collectives: ${Object.keys(ALGORITHMS).join(", ")}`,
      });
    }
    if (!algo || !known.includes(algo)) {
      throw mpiError(ErrorCode.ERR_ARG, `TSMPI_COLL="${spec}"`, `unknown algorithm "${algo ?? ""}" for ${name}`, {
        hint: `${name} algorithms: ${known.join(", ")}`,
      });
    }
    table.set(name, algo);
  }
  forcedCache = { spec, table };
  return table;
}

function forced<C extends Collective>(c: C): Algorithm<C> | undefined {
  return forcedAlgorithms().get(c) as Algorithm<C> | undefined;
}

/**
 * bytes: the message size every rank knows, or null when only the root knows it (value mode).
 * Measured on 2 cores at np ≤ 8 (ranks sharing cores), the binomial tree beat scatter-allgather at 1 MiB
 * by 2.5–3× (fewer messages, fewer bytes copied in all); scatter-allgather pays off when the ranks have
 * cores (and links) of their own, so it is kept for large jobs.
 */
export function chooseBcast(size: number, bytes: number | null, shared = false): Algorithm<"bcast"> {
  const f = forced("bcast");
  if (f === "pipeline" && bytes === null) return "binomial"; // segments need the size on every rank
  if (f && (f !== "shared" || (shared && bytes !== null))) return f;
  if (shared && bytes !== null && bytes >= SHARED_FROM_BYTES) return "shared";
  if (size <= 8 || bytes === null || bytes < 512 * 1024) return "binomial";
  return "scatterAllgather";
}

/**
 * bytes: the buffer-mode message size (every rank knows it), or null for value mode (not segmentable).
 * The segmented chains of pipeline.ts ("pipeline", for bcast too) are not picked by default: they pay off
 * when every rank has a core (and a link) of its own, which the table cannot know alike on every rank of
 * a multi-host job; at np = 4 on 2 cores they measured 1.1-2x slower than the binomial tree (16 to 128
 * segments x 3 hops against 3 whole messages). Force them with --coll bcast=pipeline,reduce=pipeline.
 */
export function chooseReduce(size: number, bytes: number | null = null): Algorithm<"reduce"> {
  const f = forced("reduce");
  if (f === "pipeline" && bytes === null) return "binomial";
  return f ?? (size <= 2 ? "linear" : "binomial");
}

/**
 * Large vectors of a commutative predefined (or buffer-mode) op go around the ring or through
 * Rabenseifner's halving and doubling; everything else by recursive doubling, which keeps rank order.
 * `segmentable`: the data can be cut into element blocks (false for most value-mode data).
 */
export function chooseAllreduce(
  size: number,
  bytes: number,
  commutative: boolean,
  segmentable: boolean,
  elements: number,
  shared = false,
): Algorithm<"allreduce"> {
  const f = forced("allreduce");
  const sharable = shared && commutative && segmentable;
  if (f && (f !== "shared" || sharable)) return f;
  if (sharable && bytes >= SHARED_FROM_BYTES) return "shared";
  if (!commutative || !segmentable || size <= 1 || elements < size || bytes < 64 * 1024) return "recursiveDoubling";
  return "rabenseifner";
}

/** bytes: per-rank block bytes when every rank knows them (buffer mode), else null. */
export function chooseGather(size: number, bytes: number | null): Algorithm<"gather"> {
  return forced("gather") ?? (size >= 8 && bytes !== null && bytes <= 4096 ? "binomial" : "linear");
}

export function chooseScatter(size: number, bytes: number | null): Algorithm<"scatter"> {
  return forced("scatter") ?? (size >= 8 && bytes !== null && bytes <= 4096 ? "binomial" : "linear");
}

/** bytes: per-rank block bytes when every rank knows them, else null. */
/** sharedCapacity: the bytes a shared slab holds when the ranks share memory, else 0. */
export function chooseAllgather(size: number, bytes: number | null, sharedCapacity = 0): Algorithm<"allgather"> {
  const f = forced("allgather");
  const sharable = bytes !== null && bytes <= sharedCapacity;
  if (f && (f !== "shared" || sharable)) return f;
  if (sharable && bytes * size >= SHARED_FROM_BYTES) return "shared";
  return bytes !== null && bytes * size <= 64 * 1024 ? "recursiveDoubling" : "ring";
}

/** Linear and pairwise exchange send one message per pair, so ranks may choose differently. */
export function chooseAlltoall(size: number, blockBytes: number): Algorithm<"alltoall"> {
  return forced("alltoall") ?? (blockBytes * size <= 256 * 1024 ? "linear" : "pairwise");
}

export function chooseScan(size: number): Algorithm<"scan"> {
  return forced("scan") ?? (size <= 2 ? "linear" : "recursiveDoubling");
}

export function chooseExscan(size: number): Algorithm<"exscan"> {
  return forced("exscan") ?? (size <= 2 ? "linear" : "recursiveDoubling");
}

export function chooseReduceScatter(): Algorithm<"reduceScatter"> {
  return forced("reduceScatter") ?? "pairwise";
}

/** Fails early (at init) on a bad TSMPI_COLL, with the message forcedAlgorithms gives. */
export function validateForcedAlgorithms(): void {
  forcedAlgorithms();
}
