// Cartesian topologies (MPI-4 §8.5): createCart lays the first prod(dims) ranks of a communicator on a
// grid in row-major order (the last dimension varies fastest); coords, rankOf (periodic dimensions wrap),
// shift (PROC_NULL off a non-periodic edge), sub (MPI_Cart_sub), and computeDims (MPI_Dims_create:
// dimensions as close to each other as possible, in non-increasing order, zeros filled in).
import { ErrorCode, mpiError } from "../errors.ts";
import { PROC_NULL } from "../constants.ts";
import type { World } from "../comm/world.ts";
import { Intracomm, topologyMakers } from "./intracomm.ts";

export class Cartcomm extends Intracomm {
  readonly dims: readonly number[];
  readonly periods: readonly boolean[];

  constructor(world: World, members: number[], context: number, name: string, dims: readonly number[], periods: readonly boolean[]) {
    super(world, members, context, name);
    this.dims = [...dims];
    this.periods = [...periods];
  }

  get ndim(): number {
    return this.dims.length;
  }

  /** MPI_Cart_get: dims, periods and this rank's coordinates. */
  get topo(): { dims: number[]; periods: boolean[]; coords: number[] } {
    return { dims: [...this.dims], periods: [...this.periods], coords: this.coords(this.rank) };
  }

  protected override derive(members: number[], context: number, name: string): Intracomm {
    return new Cartcomm(this.world, members, context, name, this.dims, this.periods);
  }

  /** MPI_Cart_coords: the grid coordinates of a rank. */
  coords(rank = this.rank): number[] {
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.size) {
      throw mpiError(ErrorCode.ERR_RANK, `coords(${rank})`, "rank out of range", { measured: rank, expected: `0..${this.size - 1}` });
    }
    const out = new Array<number>(this.ndim);
    let rest = rank;
    for (let d = this.ndim - 1; d >= 0; d--) {
      out[d] = rest % this.dims[d];
      rest = Math.floor(rest / this.dims[d]);
    }
    return out;
  }

  /** MPI_Cart_rank: the rank at grid coordinates (wrapped in periodic dimensions; ERR_RANK off a non-periodic edge). */
  rankOf(coords: readonly number[]): number {
    const op = `rankOf([${coords.join(", ")}])`;
    if (coords.length !== this.ndim) throw mpiError(ErrorCode.ERR_ARG, op, "wrong number of coordinates", { measured: coords.length, expected: this.ndim });
    let rank = 0;
    for (let d = 0; d < this.ndim; d++) {
      let x = coords[d];
      if (this.periods[d]) x = ((x % this.dims[d]) + this.dims[d]) % this.dims[d];
      else if (!Number.isInteger(x) || x < 0 || x >= this.dims[d]) {
        throw mpiError(ErrorCode.ERR_RANK, op, `coordinate ${d} is off the grid`, { measured: x, expected: `0..${this.dims[d] - 1}`, hint: "Only periodic dimensions wrap around" });
      }
      rank = rank * this.dims[d] + x;
    }
    return rank;
  }

  /** MPI_Cart_shift: [source, dest] for a move of `disp` along `direction`; PROC_NULL off a non-periodic edge. */
  shift(direction: number, disp = 1): [number, number] {
    if (!Number.isInteger(direction) || direction < 0 || direction >= this.ndim) {
      throw mpiError(ErrorCode.ERR_ARG, `shift(${direction}, ${disp})`, "direction out of range", { measured: direction, expected: `0..${this.ndim - 1}` });
    }
    const here = this.coords(this.rank);
    const at = (delta: number): number => {
      const c = [...here];
      c[direction] += delta;
      if (!this.periods[direction] && (c[direction] < 0 || c[direction] >= this.dims[direction])) return PROC_NULL;
      return this.rankOf(c);
    };
    return [at(-disp), at(disp)];
  }

  /** MPI_Cart_sub: the sub-grids that keep the dimensions marked true (collective). */
  async sub(remainDims: readonly boolean[]): Promise<Cartcomm> {
    const here = this.coords(this.rank);
    let color = 0;
    let key = 0;
    for (let d = 0; d < this.ndim; d++) {
      if (remainDims[d]) key = key * this.dims[d] + here[d];
      else color = color * this.dims[d] + here[d];
    }
    const part = (await this.split(color, key))!;
    const keep = (_: unknown, d: number) => !!remainDims[d];
    return new Cartcomm(this.world, [...part.members], part.context, `${this.name}.sub`, this.dims.filter(keep), this.periods.filter(keep));
  }
}

async function createCart(parent: Intracomm, dims: number[], periods: (boolean | number)[], reorder: boolean): Promise<Cartcomm | null> {
  const op = `createCart([${dims}], [${periods}], reorder=${reorder})`;
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw mpiError(ErrorCode.ERR_ARG, op, "dims must be positive integers", { measured: `[${dims}]`, hint: "mpi.computeDims(size, ndims) gives a balanced grid" });
  }
  const cells = dims.reduce((a, b) => a * b, 1);
  if (cells > parent.size) {
    throw mpiError(ErrorCode.ERR_ARG, op, `the grid has more cells than ${parent.name} has ranks`, { measured: cells, expected: `at most ${parent.size}` });
  }
  const context = await parent.agreeOnContext(op);
  if (parent.rank >= cells) return null;
  const flags = dims.map((_, d) => !!periods[d]);
  return new Cartcomm(parent.world, parent.members.slice(0, cells), context, `${parent.name}.cart`, dims, flags);
}
topologyMakers.cart = createCart;

function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (let f = 2; f * f <= n; f++) while (n % f === 0) (out.push(f), (n /= f));
  if (n > 1) out.push(n);
  return out;
}

/** MPI_Dims_create: fills the zeros of `dims` (default all zero) so the product is nnodes, balanced, non-increasing. */
export function computeDims(nnodes: number, ndims: number | number[], dims?: number[]): number[] {
  const given = Array.isArray(ndims) ? [...ndims] : dims ? [...dims] : new Array<number>(ndims).fill(0);
  const n = Array.isArray(ndims) ? ndims.length : ndims;
  const op = `computeDims(${nnodes}, ${Array.isArray(ndims) ? `[${ndims}]` : ndims})`;
  if (!Number.isInteger(nnodes) || nnodes < 1 || given.length !== n || given.some((d) => !Number.isInteger(d) || d < 0)) {
    throw mpiError(ErrorCode.ERR_ARG, op, "nnodes must be a positive integer and dims non-negative integers, ndims of them", { measured: `[${given}]` });
  }
  const fixed = given.filter((d) => d > 0).reduce((a, b) => a * b, 1);
  if (nnodes % fixed !== 0) throw mpiError(ErrorCode.ERR_ARG, op, "the fixed dimensions do not divide nnodes", { measured: fixed, expected: `a divisor of ${nnodes}` });
  const free = given.map((d, i) => (d === 0 ? i : -1)).filter((i) => i >= 0);
  if (!free.length) {
    if (fixed !== nnodes) throw mpiError(ErrorCode.ERR_ARG, op, "the dimensions' product is not nnodes", { measured: fixed, expected: nnodes });
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

