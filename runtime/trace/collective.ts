// The hook every collective calls when it starts (MPI-4 §6.1: all members of a communicator must call
// the same collectives in the same order, with the same root and op, and matching type signatures):
//
//   return collective(comm, "bcast(root=0)", () => body());  // wraps the call: entry now, exit when settled
// or, by hand:
//   const done = collectiveCall(comm, "bcast", { root });    // before the collective sends anything
//   … the collective …; done();                              // when it completes (or its request does)
//
// With checks on, each call's descriptor ("bcast(root=0)") is logged per communicator, run-length
// encoded, and sent to the launcher with the rank's state; the launcher compares ranks call by call and
// stops the job on the first mismatch (launcher/diagnostics/collectives.ts). With the trace on, the call
// and its completion are trace events (the bands of the space-time view). With both off it costs a call.
//
// Where each call was made, for the mismatch report: a stack capture costs microseconds, so only the first
// call of each descriptor on each communicator captures one (raw bundle positions, mapped to the user's
// file:line only when the launcher asks, in a detailed state answer: see takeCollectiveSites). A loop
// calling the same collective pays once; the report says whether the site is that of the mismatched call
// itself or of the first identical call.
import type { CollectiveLog } from "../wire/bootstrap.ts";
import { rawStackHere, userSiteOfRaw, type RawFrame } from "./sites.ts";

/** What the hook needs of a communicator (runtime/comm/communicator.ts CommCore has all of it). */
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
export type CollectiveTracer = (
  comm: CollectiveComm,
  seq: number,
  name: string,
  args: CollectiveArgs,
) => CollectiveDone;

interface PendingLog {
  comm: string;
  members: number[];
  membersSent: boolean;
  from: number;
  runs: [string, number][];
}

interface FirstCall {
  ctx: number;
  desc: string;
  seq: number;
  frames: RawFrame[];
  sent: boolean;
}

const NOOP: CollectiveDone = () => {};
/** "ctx descriptor" → the first call of that descriptor on that communicator (bounded: see MAX_FIRST_CALLS). */
const firstCalls = new Map<string, FirstCall>();
const MAX_FIRST_CALLS = 2048;
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

/**
 * Records the start of a collective on `comm` (see the header); returns the completion callback.
 * `call` is a name ("bcast", with `args`) or the call as the user wrote it ("reduce(op=SUM, root=0)"),
 * whose root= and op= are then read from the text.
 */
export function collectiveCall(comm: CollectiveComm, call: string, args: CollectiveArgs = {}): CollectiveDone {
  if (!checking && !tracer) return NOOP;
  const ctx = comm.collContext;
  const seq = (sequence.get(ctx) ?? 0) + 1;
  sequence.set(ctx, seq);
  const open = call.indexOf("(");
  const name = open < 0 ? call : call.slice(0, open);
  if (checking) logCall(comm, seq, open < 0 ? describeCollective(name, args) : withSignature(call, args));
  return tracer ? tracer(comm, seq, name, open < 0 ? args : { ...argsOf(call), ...args }) : NOOP;
}

/** Runs one collective call (entry recorded now, exit when `start`'s promise settles). */
export function collective<T>(
  comm: CollectiveComm,
  call: string,
  start: () => Promise<T>,
  args?: CollectiveArgs,
): Promise<T> {
  if (!checking && !tracer) return start();
  const done = collectiveCall(comm, call, args);
  const running = start();
  running.then(done, done);
  return running;
}

function withSignature(call: string, args: CollectiveArgs): string {
  return args.signature === undefined
    ? call
    : `${call.slice(0, -1)}${call.endsWith("()") ? "" : ", "}signature=${args.signature})`;
}

/** root= and op= of "reduce(op=SUM, root=0)". */
function argsOf(call: string): CollectiveArgs {
  const out: CollectiveArgs = {};
  const root = /\broot=(-?\d+)/.exec(call);
  const op = /\bop=([^,)]+)/.exec(call);
  if (root) out.root = Number(root[1]);
  if (op) out.op = op[1];
  return out;
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
  const key = `${comm.collContext} ${descriptor}`;
  if (!firstCalls.has(key) && firstCalls.size < MAX_FIRST_CALLS)
    firstCalls.set(key, { ctx: comm.collContext, desc: descriptor, seq, frames: rawStackHere(), sent: false });
  const last = log.runs[log.runs.length - 1];
  if (last && last[0] === descriptor) last[1]++;
  else log.runs.push([descriptor, 1]);
}

/** The calls logged since the previous take, per communicator (sent with the rank's state). */
export function takeCollectiveLogs(): CollectiveLog[] {
  const out: CollectiveLog[] = [];
  for (const [ctx, log] of logs) {
    if (!log.runs.length) continue;
    out.push({
      ctx,
      comm: log.comm,
      ...(log.membersSent ? {} : { members: log.members }),
      from: log.from,
      runs: log.runs,
    });
    log.membersSent = true;
    log.runs = [];
  }
  return out;
}

/**
 * The user's file:line of the first call of each descriptor per communicator, not yet sent: [ctx,
 * descriptor, call number of that first call, site]. Maps positions through the source map, so it is
 * called only for detailed answers (a deadlock being confirmed, a mismatch being reported, the live view).
 */
export function takeCollectiveSites(): [ctx: number, desc: string, seq: number, site: string][] {
  const out: [number, string, number, string][] = [];
  for (const call of firstCalls.values()) {
    if (call.sent) continue;
    call.sent = true;
    const site = userSiteOfRaw(call.frames);
    call.frames = [];
    if (site) out.push([call.ctx, call.desc, call.seq, site]);
  }
  return out;
}
