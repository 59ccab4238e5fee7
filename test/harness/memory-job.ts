// A job of N ranks in the test's own thread, over the in-memory transport (runtime/transport/memory.ts):
// one point-to-point engine per rank, wired exactly as a World wires its engine to a transport, and, for
// the collectives, one COMM_WORLD Intracomm per rank built over a minimal world (rank, engine, fault state:
// all a communicator's point-to-point and collective paths use). No process, socket or launcher: for fast
// unit tests of the engine and the collective algorithms; the process tests cover the rest.
import { Engine } from "../../runtime/comm/engine.ts";
import { FaultState } from "../../runtime/comm/fault.ts";
import type { World } from "../../runtime/comm/world.ts";
import { intracommOver } from "../../runtime/internal.ts";
import type { Intracomm } from "../../runtime/index.ts";
import { MemoryNetwork, type MemoryNetworkOptions, type MemoryTransport } from "../../runtime/transport/memory.ts";
import type { Frame } from "../../runtime/wire/frame.ts";

export interface EngineJob {
  network: MemoryNetwork;
  engines: Engine[];
  transports: MemoryTransport[];
  /** Every frame each rank received, in arrival order (source and kind), for protocol assertions. */
  arrivals: { source: number; kind: number; id: number }[][];
}

/** `size` engines connected by one in-memory network. */
export function engineJob(size: number, options: MemoryNetworkOptions = {}): EngineJob {
  const network = new MemoryNetwork(size, options);
  const engines: Engine[] = [];
  const transports: MemoryTransport[] = [];
  const arrivals: EngineJob["arrivals"] = Array.from({ length: size }, () => []);
  for (let rank = 0; rank < size; rank++) {
    const onFrame = (source: number, frame: Frame) => {
      arrivals[rank].push({ source, kind: frame.kind, id: frame.id });
      engines[rank].onFrame(source, frame);
    };
    const transport = network.attach(rank, { onFrame });
    transports.push(transport);
    engines.push(new Engine({ rank, send: (dest, parts, onWritten) => transport.send(dest, parts, onWritten) }));
  }
  return { network, engines, transports, arrivals };
}

/** The world a communicator needs, without a launcher: its rank and size, the engine, the fault state. */
function memoryWorld(rank: number, size: number, engine: Engine, extra: Partial<World> = {}): World {
  const fault = new FaultState(engine);
  const unsupported = (what: string) => () => {
    throw new Error(`${what} needs a launcher; use a process test`);
  };
  return {
    rank,
    size,
    engine,
    fault,
    options: {},
    finalized: false,
    enableFaultTolerance: () => {
      fault.enabled = true;
    },
    shrink: unsupported("shrink"),
    abort: unsupported("abort"),
    fatal: unsupported("fatal"),
    sharedSlab: null,
    ...extra,
  } as unknown as World;
}

/**
 * `size` ranks' COMM_WORLD over one in-memory network. `worldOf(rank)` adds to a rank's world (for instance
 * `sharedSlab`, the slabs of ranks that share memory).
 */
export function commJob(
  size: number,
  options: MemoryNetworkOptions = {},
  worldOf: (rank: number) => Partial<World> = () => ({}),
): EngineJob & { comms: Intracomm[] } {
  const job = engineJob(size, options);
  const members = Array.from({ length: size }, (_, i) => i);
  const comms = job.engines.map((engine, rank) =>
    intracommOver(memoryWorld(rank, size, engine, worldOf(rank)), members, 0, "COMM_WORLD"),
  );
  return { ...job, comms };
}

/** Runs `body` on every rank at once (as N processes would), resolving to each rank's result. */
export function onEveryRank<T>(comms: Intracomm[], body: (comm: Intracomm, rank: number) => Promise<T>): Promise<T[]> {
  return Promise.all(comms.map((comm, rank) => body(comm, rank)));
}
