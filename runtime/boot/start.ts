// Process start-up (MPI_Init's first half), apart from messaging: reads the bootstrap environment tsrun gave
// this rank, starts its transport (sockets, shared memory for threads, or both for threads of one host in a
// job across hosts), connects to the launcher's control socket, proves the job secret, publishes this rank's
// address and receives the address table; then hands the transport and the control socket to the World
// (comm/world.ts), which owns them from then on.
// A task of `srun --mpi=pmi2` with no tsrun parent starts through PMI-2 (pmi-boot.ts); a program started
// with plain node/tsx is a world of one.
import * as net from "node:net";
import * as os from "node:os";
import { Env, controlProof, parseControlAddress, takeJobSecret, type PeerAddress } from "../wire/bootstrap.ts";
import { Transport } from "../transport/transport.ts";
import { ShmTransport, shmOfThisThread, type ShmTransportOptions } from "../transport/shm.ts";
import { HybridTransport } from "../transport/hybrid.ts";
import { sharedBarrierTable } from "../wire/shared-memory.ts";
import type { RankTransport } from "../transport/link.ts";
import { startKeepAlive } from "../trace/activity.ts";
import { World, type RuntimeOptions } from "../comm/world.ts";
import { SlurmStep } from "./pmi-boot.ts";

/** MPI_Init's start-up: the World of this process, connected to its peers. */
export async function startWorld(): Promise<World> {
  const options = JSON.parse(process.env[Env.OPTIONS] || "{}") as RuntimeOptions;
  const controlPath = process.env[Env.CONTROL];
  if (!controlPath) {
    const step = await SlurmStep.join();
    return step ? joinSlurmStep(step, options) : alone(options);
  }
  const world = new World(Number(process.env[Env.RANK]), Number(process.env[Env.SIZE]), options, true);
  await joinLauncher(world, controlPath);
  return world;
}

async function joinSlurmStep(step: SlurmStep, options: RuntimeOptions): Promise<World> {
  const world = new World(step.rank, step.size, options);
  const joined = await step.connect(world.engine, world.transportHandlers);
  world.attach({ transport: joined.transport, peers: joined.peers, step });
  startKeepAlive();
  return world;
}

function alone(options: RuntimeOptions): World {
  const world = new World(0, 1, options);
  world.attach({ transport: null, peers: [{ rank: 0, hostId: "local", hostname: os.hostname(), pid: process.pid }] });
  startKeepAlive();
  return world;
}

/** Under tsrun: listen, say hello on the control socket (proving the secret), wait for the address table. */
async function joinLauncher(world: World, controlPath: string): Promise<void> {
  const secret = takeJobSecret(); // from its descriptor (or variable), then out of children's reach
  const transport = rankTransport(world, secret);
  const listening = await transport.listen();
  const hostId = process.env[Env.HOST_ID] ?? "local";
  const address: PeerAddress = { rank: world.rank, hostId, hostname: os.hostname(), pid: process.pid, ...listening };
  const target = parseControlAddress(controlPath);
  const socket = "path" in target ? net.connect(target.path) : net.connect(target.port, target.host);
  world.attach({ transport, peers: [], control: socket });
  const table = new Promise<PeerAddress[]>((resolve) => world.onceControl("table", (m) => resolve(m.peers)));
  world.onceControl("nonce", (m) =>
    world.report({ t: "hello", rank: world.rank, proof: controlProof(secret, m.nonce), address }),
  );
  world.peers = await table;
  transport.setPeers(world.peers);
  socket.unref();
  startKeepAlive();
}

/** The transport tsrun chose for this rank (TSMPI_TRANSPORT): shared memory between threads, or sockets. */
function rankTransport(world: World, secret: string): RankTransport {
  const shm = process.env[Env.TRANSPORT] === "shm" ? shmOfThisThread() : null;
  if (!shm) return socketTransport(world, secret, process.env[Env.TRANSPORT] ?? "");
  const ranks = shm.ranks ?? Array.from({ length: world.size }, (_, r) => r);
  world.sharedBarriers = sharedBarrierTable(shm.buffer, ranks.length);
  if (ranks.length === world.size) {
    const shared = sharedMemory(shm.buffer, world.rank, ranks.length, world.transportHandlers);
    world.sharedSlab = (worldRank) => shared.slab(worldRank);
    return shared;
  }
  // Threads of one host in a job across hosts: this host's segment within it, TCP to the others.
  const local = sharedMemory(
    shm.buffer,
    ranks.indexOf(world.rank),
    ranks.length,
    HybridTransport.translating(ranks, world.transportHandlers),
  );
  const hybrid = new HybridTransport(world.size, ranks, local, socketTransport(world, secret, "mixed"));
  world.sharedSlab = (worldRank) => {
    const index = hybrid.localIndex(worldRank);
    return index >= 0 ? local.slab(index) : null;
  };
  return hybrid;
}

/** The rings of a segment shared by `size` ranks, this rank being the `index`-th of them. */
function sharedMemory(
  buffer: SharedArrayBuffer,
  index: number,
  size: number,
  handlers: Pick<ShmTransportOptions, "onFrame" | "onPeerError">,
): ShmTransport {
  return new ShmTransport({
    rank: index,
    segment: { buffer, size },
    ...handlers,
    spinMicros: defaultSpinMicros(size),
    yieldWhenLoaded: !process.env.TSMPI_SHM_SPIN_US,
  });
}

/** Sockets: Unix within this host, TCP to other hosts ("mixed") or to every peer ("tcp"). */
function socketTransport(world: World, secret: string, kind: string): Transport {
  return new Transport({
    rank: world.rank,
    size: world.size,
    secret: Buffer.from(secret, "hex"),
    hostId: process.env[Env.HOST_ID] ?? "local",
    kind: (["tcp", "mixed"].includes(kind) ? kind : "unix") as "unix" | "tcp" | "mixed",
    socketDir: process.env[Env.SOCKET_DIR] ?? os.tmpdir(),
    tcpBind: process.env[Env.TCP_BIND] ?? "127.0.0.1",
    ...world.transportHandlers,
    onStranger: (remote, why) =>
      process.stderr.write(`tsmpi: rank ${world.rank} refused a connection from ${remote}: ${why}\n`),
  });
}

/** How long a rank polls shared memory before it sleeps: not at all when ranks outnumber cores. */
function defaultSpinMicros(size: number): number {
  const configured = process.env.TSMPI_SHM_SPIN_US;
  if (configured !== undefined && configured !== "") return Number(configured);
  return size <= os.availableParallelism() ? 200 : 0;
}
