// Cartesian topologies (MPI-4 §8.5), for Cartcomm (runtime/mpi/cartcomm.ts): createCart lays the first
// prod(dims) ranks of a communicator on a grid in row-major order (the last dimension varies fastest);
// coordinates, the rank at coordinates (periodic dimensions wrap), shift (PROC_NULL off a non-periodic
// edge), the colour and key of MPI_Cart_sub, and computeDims (MPI_Dims_create: dimensions as close to
// each other as possible, in non-increasing order, zeros filled in).
import { ErrorCode, mpiError } from "../errors.ts";
import { PROC_NULL } from "../constants.ts";
import type { CartTopology, CommCore } from "../comm/communicator.ts";
import { agreeOnContext, splitComm } from "./intracomm.ts";

/** MPI_Cart_create: a communicator over the first prod(dims) ranks with the topology; the others get null. */
export async function createCartComm(
  parent: CommCore,
  dims: number[],
  periods: (boolean | number)[],
  reorder: boolean,
): Promise<CommCore | null> {
  const op = `createCart([${dims}], [${periods}], reorder=${reorder})`;
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw mpiError(ErrorCode.ERR_ARG, op, "dims must be positive integers", {
      measured: `[${dims}]`,
      hint: "mpi.computeDims(size, ndims) gives a balanced grid",
    });
  }
  const cells = dims.reduce((a, b) => a * b, 1);
  if (cells > parent.size) {
    throw mpiError(ErrorCode.ERR_ARG, op, `the grid has more cells than ${parent.name} has ranks`, {
      measured: cells,
      expected: `at most ${parent.size}`,
    });
  }
  const context = await agreeOnContext(parent, op);
  if (parent.rank >= cells) return null;
  const topology = { dims: [...dims], periods: dims.map((_, d) => !!periods[d]) };
  return parent.derive(parent.members.slice(0, cells), context, `${parent.name}.cart`, topology);
}

/** MPI_Cart_coords: the grid coordinates of a rank. */
export function cartCoords(topo: CartTopology, size: number, rank: number): number[] {
  if (!Number.isInteger(rank) || rank < 0 || rank >= size) {
    throw mpiError(ErrorCode.ERR_RANK, `coords(${rank})`, "rank out of range", {
      measured: rank,
      expected: `0..${size - 1}`,
    });
  }
  const ndim = topo.dims.length;
  const out = new Array<number>(ndim);
  let rest = rank;
  for (let d = ndim - 1; d >= 0; d--) {
    out[d] = rest % topo.dims[d];
    rest = Math.floor(rest / topo.dims[d]);
  }
  return out;
}

/** MPI_Cart_rank: the rank at grid coordinates (wrapped in periodic dimensions; ERR_RANK off a non-periodic edge). */
export function cartRank(topo: CartTopology, coords: readonly number[]): number {
  const op = `rankOf([${coords.join(", ")}])`;
  const { dims, periods } = topo;
  if (coords.length !== dims.length)
    throw mpiError(ErrorCode.ERR_ARG, op, "wrong number of coordinates", {
      measured: coords.length,
      expected: dims.length,
    });
  let rank = 0;
  for (let d = 0; d < dims.length; d++) {
    let x = coords[d];
    if (periods[d]) x = ((x % dims[d]) + dims[d]) % dims[d];
    else if (!Number.isInteger(x) || x < 0 || x >= dims[d]) {
      throw mpiError(ErrorCode.ERR_RANK, op, `coordinate ${d} is off the grid`, {
        measured: x,
        expected: `0..${dims[d] - 1}`,
        hint: "Only periodic dimensions wrap around",
      });
    }
    rank = rank * dims[d] + x;
  }
  return rank;
}

/** MPI_Cart_shift: [source, dest] for a move of `disp` along `direction` from `rank`; PROC_NULL off a non-periodic edge. */
export function cartShift(
  topo: CartTopology,
  size: number,
  rank: number,
  direction: number,
  disp: number,
): [number, number] {
  const { dims, periods } = topo;
  if (!Number.isInteger(direction) || direction < 0 || direction >= dims.length) {
    throw mpiError(ErrorCode.ERR_ARG, `shift(${direction}, ${disp})`, "direction out of range", {
      measured: direction,
      expected: `0..${dims.length - 1}`,
    });
  }
  const here = cartCoords(topo, size, rank);
  const at = (delta: number): number => {
    const c = [...here];
    c[direction] += delta;
    if (!periods[direction] && (c[direction] < 0 || c[direction] >= dims[direction])) return PROC_NULL;
    return cartRank(topo, c);
  };
  return [at(-disp), at(disp)];
}

/** MPI_Cart_sub (collective): the sub-grid of this rank that keeps the dimensions marked true. */
export async function cartSub(comm: CommCore, remainDims: readonly boolean[]): Promise<CommCore> {
  const topo = comm.topology!;
  const here = cartCoords(topo, comm.size, comm.rank);
  let color = 0;
  let key = 0;
  for (let d = 0; d < topo.dims.length; d++) {
    if (remainDims[d]) key = key * topo.dims[d] + here[d];
    else color = color * topo.dims[d] + here[d];
  }
  const part = (await splitComm(comm, color, key))!;
  const keep = (_: unknown, d: number) => !!remainDims[d];
  const sub = { dims: topo.dims.filter(keep), periods: topo.periods.filter(keep) };
  return comm.derive(part.members, part.context, `${comm.name}.sub`, sub);
}

function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (let f = 2; f * f <= n; f++) {
    while (n % f === 0) {
      out.push(f);
      n /= f;
    }
  }
  if (n > 1) out.push(n);
  return out;
}

/** MPI_Dims_create: fills the zeros of `dims` (default all zero) so the product is nnodes, balanced, non-increasing. */
export function computeDims(nnodes: number, ndims: number | number[], dims?: number[]): number[] {
  const given = Array.isArray(ndims) ? [...ndims] : dims ? [...dims] : new Array<number>(ndims).fill(0);
  const n = Array.isArray(ndims) ? ndims.length : ndims;
  const op = `computeDims(${nnodes}, ${Array.isArray(ndims) ? `[${ndims}]` : ndims})`;
  if (
    !Number.isInteger(nnodes) ||
    nnodes < 1 ||
    given.length !== n ||
    given.some((d) => !Number.isInteger(d) || d < 0)
  ) {
    throw mpiError(
      ErrorCode.ERR_ARG,
      op,
      "nnodes must be a positive integer and dims non-negative integers, ndims of them",
      { measured: `[${given}]` },
    );
  }
  const fixed = given.filter((d) => d > 0).reduce((a, b) => a * b, 1);
  if (nnodes % fixed !== 0)
    throw mpiError(ErrorCode.ERR_ARG, op, "the fixed dimensions do not divide nnodes", {
      measured: fixed,
      expected: `a divisor of ${nnodes}`,
    });
  const free = given.map((d, i) => (d === 0 ? i : -1)).filter((i) => i >= 0);
  if (!free.length) {
    if (fixed !== nnodes)
      throw mpiError(ErrorCode.ERR_ARG, op, "the dimensions' product is not nnodes", {
        measured: fixed,
        expected: nnodes,
      });
    return given;
  }
  const sizes = new Array<number>(free.length).fill(1);
  for (const f of primeFactors(nnodes / fixed).sort((a, b) => b - a)) {
    let smallest = 0;
    for (let i = 1; i < sizes.length; i++) if (sizes[i] < sizes[smallest]) smallest = i;
    sizes[smallest] *= f;
  }
  sizes.sort((a, b) => b - a);
  free.forEach((i, k) => (given[i] = sizes[k]));
  return given;
}
