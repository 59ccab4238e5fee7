// class Cartcomm (a communicator with a cartesian topology, MPI-4 §8.5): made by comm.createCart, its
// ranks laid on a grid in row-major order (the last dimension varies fastest). Everything of an Intracomm,
// plus the topology: dims, periods, coords, rankOf (periodic dimensions wrap), shift (PROC_NULL off a
// non-periodic edge) and sub; the arithmetic is in collectives/cartcomm.ts.
import type { CartTopology, CommCore } from "../comm/communicator.ts";
import { cartCoords, cartRank, cartShift, cartSub } from "../collectives/cartcomm.ts";
import { Intracomm } from "./intracomm.ts";

let make: (core: CommCore) => Cartcomm;

export class Cartcomm extends Intracomm {
  readonly #core: CommCore;
  readonly #topo: CartTopology;

  protected constructor(core: CommCore) {
    super(core);
    this.#core = core;
    this.#topo = core.topology!;
  }

  static {
    make = (core) => new Cartcomm(core);
  }

  /** The number of processes along each dimension. */
  get dims(): readonly number[] {
    return this.#topo.dims;
  }

  /** Whether each dimension wraps around. */
  get periods(): readonly boolean[] {
    return this.#topo.periods;
  }

  /** MPI_Cartdim_get: the number of dimensions. */
  get ndim(): number {
    return this.#topo.dims.length;
  }

  /** MPI_Cart_get: dims, periods and this rank's coordinates. */
  get topo(): { dims: number[]; periods: boolean[]; coords: number[] } {
    return { dims: [...this.dims], periods: [...this.periods], coords: this.coords(this.rank) };
  }

  /** MPI_Cart_coords: the grid coordinates of a rank (this one's by default). */
  coords(rank = this.rank): number[] {
    return cartCoords(this.#topo, this.size, rank);
  }

  /** MPI_Cart_rank: the rank at grid coordinates (wrapped in periodic dimensions; ERR_RANK off a non-periodic edge). */
  rankOf(coords: readonly number[]): number {
    return cartRank(this.#topo, coords);
  }

  /** MPI_Cart_shift: [source, dest] for a move of `disp` along `direction`; PROC_NULL off a non-periodic edge. */
  shift(direction: number, disp = 1): [number, number] {
    return cartShift(this.#topo, this.size, this.rank, direction, disp);
  }

  /** MPI_Cart_sub (collective): the sub-grids that keep the dimensions marked true. */
  async sub(remainDims: readonly boolean[]): Promise<Cartcomm> {
    return make(await cartSub(this.#core, remainDims));
  }
}

/** The Cartcomm over a communicator's engine side that has a topology (createCart). */
export function newCartcomm(core: CommCore): Cartcomm {
  return make(core);
}
