// Which algorithm each collective uses: a decision table by communicator size and message bytes (in the
// spirit of Open MPI's coll/tuned fixed rules, with thresholds measured on Node), and forced choices read
// from the environment variable TSMPI_COLL ("bcast=binomial,allreduce=ring", set by `tsrun --coll`), so
// tests can run every algorithm at every size. Every rank of a call must pick the same algorithm, so the
// table only reads what all ranks know: the size, the op, and byte counts that MPI requires to agree.
// A forced algorithm that cannot apply keeps results exact instead: allreduce=ring or rabenseifner with a
// non-commutative op, or on value-mode data that cannot be cut into elements, runs recursive doubling;
// the v-variants (gatherv, scatterv, allgatherv) default to linear/ring since only the root knows counts.
import { ErrorCode, mpiError } from "../errors.ts";

export const ALGORITHMS = {
  barrier: ["dissemination"],
  bcast: ["linear", "binomial", "scatterAllgather"],
  reduce: ["linear", "binomial"],
  allreduce: ["recursiveDoubling", "ring", "rabenseifner", "reduceBcast"],
  gather: ["linear", "binomial"],
  scatter: ["linear", "binomial"],
  allgather: ["ring", "recursiveDoubling"],
  alltoall: ["linear", "pairwise"],
  scan: ["linear", "recursiveDoubling"],
  exscan: ["linear", "recursiveDoubling"],
  reduceScatter: ["pairwise", "reduceThenScatter"],
} as const;

export type Collective = keyof typeof ALGORITHMS;
export type Algorithm<C extends Collective> = (typeof ALGORITHMS)[C][number];

let forcedCache: { spec: string; table: Map<string, string> } | null = null;

/** Parses TSMPI_COLL; an unknown collective or algorithm is ERR_ARG naming the valid ones. */
export function forcedAlgorithms(spec = process.env.TSMPI_COLL ?? ""): Map<string, string> {
  if (forcedCache && forcedCache.spec === spec) return forcedCache.table;
  const table = new Map<string, string>();
  for (const item of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
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
export function chooseBcast(size: number, bytes: number | null): Algorithm<"bcast"> {
  const f = forced("bcast");
  if (f) return f;
  if (size <= 8 || bytes === null || bytes < 512 * 1024) return "binomial";
  return "scatterAllgather";
}

export function chooseReduce(size: number): Algorithm<"reduce"> {
  return forced("reduce") ?? (size <= 2 ? "linear" : "binomial");
}

/**
 * Large vectors of a commutative predefined (or buffer-mode) op go around the ring or through
 * Rabenseifner's halving and doubling; everything else by recursive doubling, which keeps rank order.
 * `segmentable`: the data can be cut into element blocks (false for most value-mode data).
 */
export function chooseAllreduce(size: number, bytes: number, commutative: boolean, segmentable: boolean, elements: number): Algorithm<"allreduce"> {
  const f = forced("allreduce");
  if (f) return f;
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
export function chooseAllgather(size: number, bytes: number | null): Algorithm<"allgather"> {
  return forced("allgather") ?? (bytes !== null && bytes * size <= 64 * 1024 ? "recursiveDoubling" : "ring");
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
