// What the boot code (runtime/boot/) hands the world it starts (comm/world.ts): the transport and the peers'
// addresses, the launcher's control socket or, in a Slurm step started without tsrun, the step's PMI, and
// the runtime's options.
import type * as net from "node:net";
import type { BlockedCall, PeerAddress } from "../wire/bootstrap.ts";
import type { RankTransport } from "../transport/link.ts";

/** What a Slurm step started without tsrun does in the launcher's place (runtime/boot/pmi-boot.ts). */
export interface StepControl {
  /** This rank failed: one message, then the whole step ends with `code`. */
  failed(message: string, blocked: BlockedCall[], code: number): never;
  /** MPI_Abort on this rank: the whole step ends with `code`. */
  aborted(code: number, message: string): never;
  /** MPI_Finalize's barrier; resolves with how many frames were sent to this rank in all. */
  finalize(sentTo: Map<number, number>): Promise<number>;
  close(): Promise<void>;
}

/** How the boot code reaches this world: the transport it started and the peers' addresses. */
export interface WorldLinks {
  transport: RankTransport | null;
  peers: PeerAddress[];
  /** The launcher's control socket (under tsrun). */
  control?: net.Socket;
  /** The Slurm step's PMI (srun --mpi=pmi2 without tsrun). */
  step?: StepControl;
}

export interface RuntimeOptions {
  strict?: boolean;
  check?: boolean;
  trace?: string;
  faultTolerant?: boolean;
}
