// The hook every collective calls when it starts (MPI-4 §6.1: all members of a communicator must call
// the same collectives in the same order, with the same root and op, and matching type signatures):
//
//   const done = collectiveCall(comm, "bcast", { root });   // before the collective sends anything
//   … the collective …; done();                             // when it completes (or its request does)
//
// With checks on, each call's descriptor ("bcast(root=0)") is logged per communicator, run-length
// encoded, and sent to the launcher with the rank's state; the launcher compares ranks call by call and
// stops the job on the first mismatch (launcher/diagnostics/collectives.ts). With the trace on, the call
// and its completion are trace events (the bands of the space-time view). With both off it costs a call.
import type { CollectiveLog } from "../wire/bootstrap.ts";

/** What the hook needs of a communicator (runtime/comm/communicator.ts Comm has all of it). */
export interface CollectiveComm {
  readonly collContext: number;
  readonly name: string;
  readonly members: readonly number[];
}

export interface CollectiveArgs {
  root?: number;
  /** the reduction op (mpi.SUM, an Op.create op) or its name */
  op?: string | { name: string };
  /** buffer mode: the per-rank type signature every member must match, e.g. "INT32×1000" */
  signature?: string | number;
}

/** Called when the collective completes (for the trace); calling it twice is harmless. */
export type CollectiveDone = () => void;

/** A trace recorder of collectives (installed by tracer.ts when --trace is on). */
export type CollectiveTracer = (comm: CollectiveComm, seq: number, name: string, args: CollectiveArgs) => CollectiveDone;

interface PendingLog {
  comm: string;
  members: number[];
  membersSent: boolean;
  from: number;
  runs: [string, number][];
}

const NOOP: CollectiveDone = () => {};
const sequence = new Map<number, number>();
const logs = new Map<number, PendingLog>();
let checking = false;
let tracer: CollectiveTracer | null = null;

export function setCollectiveChecks(on: boolean): void {
  checking = on;
}

export function setCollectiveTracer(t: CollectiveTracer | null): void {
  tracer = t;
}

/** Records the start of a collective on `comm` (see the header); returns the completion callback. */
export function collectiveCall(comm: CollectiveComm, name: string, args: CollectiveArgs = {}): CollectiveDone {
  if (!checking && !tracer) return NOOP;
  const ctx = comm.collContext;
  const seq = (sequence.get(ctx) ?? 0) + 1;
  sequence.set(ctx, seq);
  if (checking) logCall(comm, seq, describeCollective(name, args));
  return tracer ? tracer(comm, seq, name, args) : NOOP;
}

/** "bcast(root=0)", "allreduce(op=SUM)", "reduceInto(root=1, op=MAX, signature=FLOAT64×4)". */
export function describeCollective(name: string, args: CollectiveArgs): string {
  const parts: string[] = [];
  if (args.root !== undefined) parts.push(`root=${args.root}`);
  if (args.op !== undefined) parts.push(`op=${opName(args.op)}`);
  if (args.signature !== undefined) parts.push(`signature=${args.signature}`);
  return `${name}(${parts.join(", ")})`;
}

export function opName(op: string | { name: string }): string {
  return typeof op === "string" ? op : op.name;
}

function logCall(comm: CollectiveComm, seq: number, descriptor: string): void {
  let log = logs.get(comm.collContext);
  if (!log) {
    log = { comm: comm.name, members: [...comm.members], membersSent: false, from: seq, runs: [] };
    logs.set(comm.collContext, log);
  }
  if (!log.runs.length) log.from = seq;
  const last = log.runs[log.runs.length - 1];
  if (last && last[0] === descriptor) last[1]++;
  else log.runs.push([descriptor, 1]);
}

/** The calls logged since the previous take, per communicator (sent with the rank's state). */
export function takeCollectiveLogs(): CollectiveLog[] {
  const out: CollectiveLog[] = [];
  for (const [ctx, log] of logs) {
    if (!log.runs.length) continue;
    out.push({ ctx, comm: log.comm, ...(log.membersSent ? {} : { members: log.members }), from: log.from, runs: log.runs });
    log.membersSent = true;
    log.runs = [];
  }
  return out;
}
