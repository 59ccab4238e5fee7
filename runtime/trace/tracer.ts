// `tsrun --trace DIR`: every message event of this rank, as JSON lines in DIR/rank-<r>.jsonl (schema in
// docs/trace.md): sends, matched receives, collective entry and exit, one-sided operations and epochs,
// user marks (mpi.mark), the end of start-up (ready: init connected every rank), and every blocking call
// that waited as a pair block (call, user's line) / unblock, so the view can draw the waits. Each event
// carries a vector clock (Fidge/Mattern: every recorded event ticks the rank's own entry by one; a
// receive first takes the element-wise max with the sender's clock) and the wall time. The sender's clock travels in a CONTROL frame sent just before the message's own frames on
// the same ordered connection, so it always arrives first; with the trace off nothing is sent.
import * as fs from "node:fs";
import * as path from "node:path";
import { siteHere } from "./sites.ts";
import {
  setCollectiveTracer,
  opName,
  type CollectiveArgs,
  type CollectiveComm,
  type CollectiveDone,
} from "./collective.ts";
import type { ObservedEngine, ObservedRecv } from "./observer.ts";
import { TRACE_CLOCK_CHANNEL } from "../protocol.ts";
import { onWorldStarted, setBlockTracer } from "./activity.ts";

const FLUSH_BYTES = 256 * 1024;
/** A blocking call shorter than this with nothing recorded inside is not written (see pendingBlocks). */
const SHORT_BLOCK_MS = 0.2;
const now = () => Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;
const FLUSH_MS = 200;

let active: Tracer | null = null;
const contextNames = new Map<number, string>([
  [0, "COMM_WORLD"],
  [1, "COMM_WORLD"],
  [2, "COMM_SELF"],
  [3, "COMM_SELF"],
]);

/** Names a communicator's contexts for trace events (called when a communicator is created). */
export function nameContext(context: number, name: string): void {
  contextNames.set(context, name);
  contextNames.set(context + 1, name);
}

/** A communicator's name from one of its contexts ("COMM_WORLD"), for trace events and reports. */
export function contextName(context: number): string {
  return contextNames.get(context) ?? `context ${context}`;
}

/** Starts tracing this rank into `dir` (the launcher created it and wrote meta.json). */
export function startTrace(dir: string, rank: number, size: number, engine: ObservedEngine): Tracer {
  active = new Tracer(dir, rank, size, engine);
  return active;
}

export function tracing(): boolean {
  return active !== null;
}

/** A user mark in the trace (mpi.mark("text")); nothing happens when the trace is off. */
export function mark(text: string): void {
  active?.record("mark", { text: String(text) }, siteHere());
}

/** A one-sided event for the trace (kind "rma": put/get/accumulate…, or "epoch": fence/lock/post…). */
export function traceEvent(kind: "rma" | "epoch", fields: Record<string, unknown>): void {
  active?.record(kind, fields, siteHere());
}

export class Tracer {
  private readonly clock: number[];
  private readonly pendingClocks = new Map<string, Uint32Array>();
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private readonly fd: number;
  private readonly timer: NodeJS.Timeout;
  private closed = false;

  constructor(
    dir: string,
    readonly rank: number,
    readonly size: number,
    private readonly engine: ObservedEngine,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.fd = fs.openSync(path.join(dir, `rank-${rank}.jsonl`), "w");
    this.clock = new Array(size).fill(0);
    this.timer = setInterval(() => this.flush(), FLUSH_MS).unref();
    engine.onControl(TRACE_CLOCK_CHANNEL, (source, frame) => this.clockArrived(source, frame.payload));
    engine.observer = {
      sent: (dest, context, tag, size, id, sync) => this.sent(dest, context, tag, size, id, sync),
      posting: (recv) => {
        recv.site = this.remember("recv", siteHere());
      },
      delivered: (recv, source, context, tag, size, id) => this.delivered(recv, source, context, tag, size, id),
    };
    setCollectiveTracer((comm, seq, name, args) => this.collective(comm, seq, name, args));
    setBlockTracer({
      began: (id, describe, waitsFor) => {
        const time = now();
        const call = describe();
        this.pendingBlocks.push({
          id,
          time,
          fields: { id, call, ...(waitsFor ? { waits: waitsFor } : {}) },
          site: this.sameCallSite(call) ?? siteHere(),
        });
      },
      ended: (id) => {
        const at = this.pendingBlocks.findIndex((b) => b.id === id);
        if (at >= 0 && now() - this.pendingBlocks[at].time < SHORT_BLOCK_MS) {
          this.pendingBlocks.splice(at, 1); // returned at once with nothing recorded inside: not a wait
          return;
        }
        this.record("unblock", { id });
      },
    });
    onWorldStarted(() => {
      onWorldStarted(null);
      this.record("ready", {});
    });
    process.on("exit", () => this.close());
    process.on("SIGTERM", () => {
      this.close();
      process.exit(143);
    });
    this.record("init", { size });
    // The first source-line lookup loads the bundle's source map (~200 ms): do it during start-up, not
    // at the program's first MPI call, where it would show as time the program spent.
    siteHere();
  }

  /**
   * Appends one event: ticks the own clock entry, stamps clock and wall time. A site given as a function
   * is looked up after the time is taken (the first lookup loads the source map: not the program's time).
   */
  record(
    kind: string,
    fields: Record<string, unknown>,
    where?: string | (() => string | undefined),
    at?: number,
  ): void {
    if (this.closed) return;
    if (this.pendingBlocks.length) this.writePendingBlocks();
    const time = at ?? now();
    const site = typeof where === "function" ? where() : where;
    this.clock[this.rank]++;
    const event = { rank: this.rank, kind, clock: this.clock, time, ...fields, ...(site ? { site } : {}) };
    const line = JSON.stringify(event) + "\n";
    this.buffer.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes > FLUSH_BYTES) this.flush();
  }

  /**
   * Blocking calls not written yet: a call that returns within SHORT_BLOCK_MS with no event recorded
   * inside (an eager send, a message already there) leaves no trace; any other event, or the call
   * lasting longer, writes its block event first, with the time it began.
   */
  private pendingBlocks: { id: number; time: number; fields: Record<string, unknown>; site: string | undefined }[] = [];

  private writePendingBlocks(): void {
    const blocks = this.pendingBlocks;
    this.pendingBlocks = [];
    for (const b of blocks) this.record("block", b.fields, b.site, b.time);
  }

  /**
   * The site just captured for a send or a posted receive, kept until the end of the current synchronous
   * turn: the blocking call that follows at once (send → block send, recv → block recv) is the same call,
   * so its block event reuses the site instead of capturing the stack a second time.
   */
  private recent: { kind: "send" | "recv"; site: string | undefined } | null = null;

  private remember(kind: "send" | "recv", site: string | undefined): string | undefined {
    if (!this.recent) queueMicrotask(() => (this.recent = null));
    this.recent = { kind, site };
    return site;
  }

  private sameCallSite(call: string): string | undefined {
    const r = this.recent;
    if (!r || !r.site) return undefined;
    const same = r.kind === "recv" ? /^recv(Into)?\(/.test(call) : /^[bsr]?send(Into)?\(/.test(call);
    return same ? r.site : undefined;
  }

  private sent(dest: number, context: number, tag: number, size: number, id: number, sync: boolean): void {
    this.record(
      "send",
      {
        peer: dest,
        tag,
        size,
        comm: contextNames.get(context) ?? `context ${context}`,
        ctx: context,
        msg: `${this.rank}:${id}`,
        sync,
      },
      () => this.remember("send", siteHere()),
    );
    const payload = new Uint32Array(1 + this.size);
    payload[0] = id;
    payload.set(this.clock, 1);
    this.engine.sendControl(dest, TRACE_CLOCK_CHANNEL, 0, new Uint8Array(payload.buffer));
  }

  private clockArrived(source: number, bytes: Uint8Array): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = bytes.byteLength / 4;
    const clock = new Uint32Array(n - 1);
    for (let i = 1; i < n; i++) clock[i - 1] = view.getUint32(i * 4, true);
    this.pendingClocks.set(`${source}:${view.getUint32(0, true)}`, clock);
  }

  private delivered(recv: ObservedRecv, source: number, context: number, tag: number, size: number, id: number): void {
    const key = `${source}:${id}`;
    const theirs = this.pendingClocks.get(key);
    this.pendingClocks.delete(key);
    if (theirs) for (let i = 0; i < this.size; i++) if (theirs[i] > this.clock[i]) this.clock[i] = theirs[i];
    this.record(
      "recv",
      { peer: source, tag, size, comm: contextNames.get(context) ?? `context ${context}`, ctx: context, msg: key },
      recv.site,
    );
  }

  private collective(comm: CollectiveComm, seq: number, name: string, args: CollectiveArgs): CollectiveDone {
    const common = { comm: comm.name, ctx: comm.collContext, seq, name };
    const extra = {
      ...(args.root !== undefined ? { root: args.root } : {}),
      ...(args.op !== undefined ? { op: opName(args.op) } : {}),
      ...(args.signature !== undefined ? { signature: String(args.signature) } : {}),
    };
    this.record("coll-enter", { ...common, ...extra, members: comm.members }, siteHere);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.record("coll-exit", common);
    };
  }

  flush(): void {
    if (!this.buffer.length) return;
    const text = this.buffer.join("");
    this.buffer = [];
    this.bufferedBytes = 0;
    try {
      fs.writeSync(this.fd, text);
    } catch {
      /* the trace directory went away: keep the program running */
    }
  }

  /** Writes the last events (at finalize, at exit, or when the launcher stops the rank). */
  close(): void {
    if (this.closed) return;
    this.record("end", {}); // after the calls still blocked (their block events are written first)
    this.flush();
    this.closed = true;
    setBlockTracer(null);
    clearInterval(this.timer);
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already closed */
    }
  }
}
