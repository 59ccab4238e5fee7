// Joining a Slurm step with no tsrun parent (`srun --mpi=pmi2 -n N tsrun prog.ts`): each task is one rank,
// and what the launcher's control socket does otherwise is done through Slurm's PMI-2 (pmi-client.ts):
//   - init: rank 0 draws the job secret and puts it; fence; every rank reads it, listens (Unix sockets
//     within a node, TCP between nodes: host id = the Slurm node name, TCP bound to the node's NodeAddr),
//     puts its address; fence; reads every peer's address.
//   - abort: a rank that fails or calls abort prints one message naming its rank and node, sends an ABORT
//     CONTROL frame to every peer (each exits at once with the same code), then exits; srun -K /
//     KillOnBadExit stops ranks that do not get back to their event loop.
//   - finalize: a barrier over PMI fences that also tells each rank how many frames were sent to it, so
//     messages never received are reported exactly as under tsrun.
// A task is recognised by SLURM_STEP_ID together with PMI_FD and PMI_RANK, never by SLURM_PROCID alone
// (a batch script has SLURM_PROCID but is no task).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { decodeKvsValue, encodeKvsValue } from "../wire/pmi.ts";
import type { BlockedCall, PeerAddress } from "../wire/bootstrap.ts";
import type { Frame } from "../wire/frame.ts";
import { Transport } from "../transport/transport.ts";
import type { Engine } from "../comm/engine.ts";
import { PmiClient } from "./pmi-client.ts";
import { STEP_ABORT_CHANNEL } from "../protocol.ts";
import type { StepControl } from "../comm/world.ts";

const ABORT_WRITE_GRACE_MS = 1000;

/** What Slurm tells a task of an `srun --mpi=pmi2` step. */
export interface SlurmTask {
  fd: number;
  rank: number;
  size: number;
  pmiJobId: string; // "<job>.<step>"
  node: string; // SLURMD_NODENAME
  stepNodes: number; // SLURM_STEP_NUM_NODES
}

/** The PMI-2 task this process is, or null (not in a step, a batch script, or srun without --mpi=pmi2). */
export function slurmTaskFromEnv(env: NodeJS.ProcessEnv = process.env): SlurmTask | null {
  if (env.SLURM_STEP_ID === undefined || env.PMI_FD === undefined || env.PMI_RANK === undefined) return null;
  return {
    fd: Number(env.PMI_FD),
    rank: Number(env.PMI_RANK),
    size: Number(env.PMI_SIZE ?? env.SLURM_STEP_NUM_TASKS ?? 1),
    pmiJobId: env.PMI_JOBID ?? `${env.SLURM_JOB_ID}.${env.SLURM_STEP_ID}`,
    node: env.SLURMD_NODENAME ?? os.hostname(),
    stepNodes: Number(env.SLURM_STEP_NUM_NODES ?? 1),
  };
}

export interface StepHandlers {
  onFrame: (source: number, frame: Frame) => void;
  onPeerError: (peer: number, error: Error) => void;
  onPeerClosed?: (peer: number) => void;
}

export class SlurmStep implements StepControl {
  private socketDir = "";
  private transport: Transport | null = null;
  private failing = false;
  private engine: Engine | null = null;

  private constructor(
    readonly task: SlurmTask,
    private readonly pmi: PmiClient,
  ) {}

  /** Opens PMI-2 when this process is a task of an `srun --mpi=pmi2` step; null otherwise. */
  static async join(): Promise<SlurmStep | null> {
    const task = slurmTaskFromEnv();
    if (!task) return null;
    let pmi: PmiClient;
    try {
      pmi = await PmiClient.open(task.fd, task.pmiJobId, task.rank);
    } catch (err) {
      throw new Error(
        `init on rank ${task.rank}: cannot reach Slurm's PMI-2 server on PMI_FD=${task.fd} (${(err as Error).message}). ` +
          `A program between srun and this one closed it (npx and npm exec do): start the rank with exec, e.g. srun --mpi=pmi2 node …/tsrun.mjs prog.ts`,
        { cause: err },
      );
    }
    return new SlurmStep({ ...task, rank: pmi.rank, size: pmi.size }, pmi);
  }

  get rank(): number {
    return this.task.rank;
  }
  get size(): number {
    return this.task.size;
  }

  /** Agrees on the job secret, starts this rank's transport and exchanges every rank's address. */
  async connect(engine: Engine, handlers: StepHandlers): Promise<{ transport: Transport; peers: PeerAddress[] }> {
    const { rank, size, node } = this.task;
    if (rank === 0) await this.pmi.put("tsmpi-secret", randomBytes(32).toString("hex"));
    await this.pmi.fence();
    const secret = await this.pmi.get("tsmpi-secret");
    if (!secret) throw new Error("Slurm step: rank 0 published no job secret through PMI-2");
    const multiNode = this.task.stepNodes > 1;
    this.socketDir = privateSocketDir(this.task.pmiJobId);
    this.transport = new Transport({
      rank,
      secret: Buffer.from(secret, "hex"),
      hostId: node,
      kind: multiNode ? "mixed" : "unix",
      socketDir: this.socketDir,
      tcpBind: multiNode ? await nodeAddress(node) : "127.0.0.1",
      onFrame: handlers.onFrame,
      onPeerError: handlers.onPeerError,
      onPeerClosed: handlers.onPeerClosed,
      onStranger: (remote, why) =>
        process.stderr.write(`tsmpi: rank ${rank} refused a connection from ${remote}: ${why}\n`),
    });
    const listening = await this.transport.listen();
    const address: PeerAddress = { rank, hostId: node, hostname: node, pid: process.pid, ...listening };
    await this.pmi.put(`tsmpi-addr-${rank}`, encodeKvsValue(address));
    await this.pmi.fence();
    const peers: PeerAddress[] = [];
    for (let r = 0; r < size; r++) {
      const text = await this.pmi.get(`tsmpi-addr-${r}`);
      if (!text) throw new Error(`Slurm step: rank ${r} published no address through PMI-2`);
      peers.push(decodeKvsValue<PeerAddress>(text));
    }
    this.transport.setPeers(peers);
    engine.onControl(STEP_ABORT_CHANNEL, (_source, frame) => this.abortedByPeer(frame));
    this.engine = engine;
    return { transport: this.transport, peers };
  }

  /** This rank failed (an uncaught error, a fatal MPI error): one message, then the whole step ends with `code`. */
  failed(message: string, blocked: BlockedCall[], code: number): never {
    const where = blocked.length ? `\n  it was in: ${blocked.map((b) => b.call).join(", ")}` : "";
    return this.endStep(`tsmpi: ${this.who()} failed:\n${indent(message)}${where}`, code);
  }

  /** MPI_Abort on this rank: the whole step ends with `code`. */
  aborted(code: number, message: string): never {
    return this.endStep(`tsmpi: ${this.who()} called abort with code ${code}: ${message}`, code);
  }

  /** Prints `text`, tells every other rank (they exit with `code` too), then exits; throws to stop the caller. */
  private endStep(text: string, code: number): never {
    if (!this.failing) {
      this.failing = true;
      const others = this.size - 1;
      process.stderr.write(`${text}\n`);
      if (others > 0)
        process.stderr.write(
          `tsmpi: stopping the other ${others} rank${others > 1 ? "s" : ""} of Slurm step ${this.task.pmiJobId}\n`,
        );
      this.broadcastAbort(code, () => process.exit(code));
    }
    throw new Error("tsmpi: rank is stopping");
  }

  /** `rank R (pid P on node N)`, for messages. */
  private who(): string {
    return `rank ${this.rank} (pid ${process.pid} on node ${this.task.node})`;
  }

  private broadcastAbort(code: number, then: () => void): void {
    const payload = Buffer.from(JSON.stringify({ rank: this.rank, node: this.task.node, code }));
    let pending = 0;
    const done = () => {
      if (--pending <= 0) then();
    };
    setTimeout(then, ABORT_WRITE_GRACE_MS); // a peer that cannot be reached must not keep us here
    if (this.engine) {
      for (let r = 0; r < this.size; r++) {
        if (r === this.rank) continue;
        pending++;
        this.engine.sendControl(r, STEP_ABORT_CHANNEL, 0, payload, done);
      }
    }
    if (pending === 0) then();
  }

  private abortedByPeer(frame: Frame): void {
    const { code } = JSON.parse(Buffer.from(frame.payload).toString("utf8")) as {
      rank: number;
      node: string;
      code: number;
    };
    this.failing = true;
    process.exit(Number.isInteger(code) && code > 0 ? code : 1);
  }

  /**
   * MPI_Finalize's barrier: each rank publishes how many frames it sent to each peer, fences, and
   * returns how many frames were sent to it in all (so it can wait for those still in flight).
   */
  async finalize(sentTo: Map<number, number>): Promise<number> {
    for (const [dest, count] of sentTo)
      if (count > 0 && dest !== this.rank) await this.pmi.put(`tsmpi-sent-${this.rank}-${dest}`, String(count));
    await this.pmi.fence();
    let expected = sentTo.get(this.rank) ?? 0;
    for (let r = 0; r < this.size; r++) {
      if (r === this.rank) continue;
      expected += Number((await this.pmi.get(`tsmpi-sent-${r}-${this.rank}`)) ?? 0);
    }
    return expected;
  }

  /** Leaves PMI and removes this rank's socket directory. */
  async close(): Promise<void> {
    await this.pmi.finalize();
    fs.rmSync(this.socketDir, { recursive: true, force: true });
  }
}

/**
 * A fresh 0700 directory for this rank's Unix socket (peers connect to the full path they read from PMI),
 * removed when the process exits, however it exits short of SIGKILL. Job ids restart with a new cluster
 * and two clusters can share a host, so the name is random, not the step's id.
 */
function privateSocketDir(pmiJobId: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsmpi-slurm-${pmiJobId}-`));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once("exit", remove);
  // scancel and srun's kill-on-bad-exit send SIGTERM: remove the directory, then end as the signal would.
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    const onSignal = () => {
      remove();
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
  return dir;
}

/**
 * The address other nodes reach this one at: TSMPI_TCP_BIND if set, else the node's NodeAddr as Slurm
 * knows it (`scontrol show node`), else this host name's address.
 */
async function nodeAddress(node: string): Promise<string> {
  if (process.env.TSMPI_TCP_BIND) return process.env.TSMPI_TCP_BIND;
  try {
    const { stdout } = await promisify(execFile)("scontrol", ["show", "node", "-o", node], { timeout: 5000 });
    const addr = /(?:^|\s)NodeAddr=(\S+)/.exec(stdout)?.[1];
    if (addr) return addr;
  } catch {
    /* no scontrol on this node: fall back to the host name */
  }
  const { lookup } = await import("node:dns/promises");
  return (await lookup(os.hostname(), { family: 4 })).address;
}

/** Indents an error's text under the headline, stack frames a little more (as tsrun prints them). */
function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l.trimStart().startsWith("at ") ? "  " + l.trim() : l}`)
    .join("\n");
}
