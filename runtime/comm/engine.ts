// The point-to-point engine (MPI-4 §3): matching by (context, source, tag) with posted-receive and
// unexpected-message queues, the eager protocol for small messages with credit-based flow control,
// the rendezvous protocol (RTS → CTS → DATA) for large ones, and synchronous-mode acknowledgements.
// Ranks here are world ranks; communicators translate. Messages from one sender are matched in the
// order sent (non-overtaking), because every envelope, eager or RTS, leaves through one ordered queue.
import { encodeFrame, COALESCE_BYTES, type Frame, type FrameHeader } from "../wire/frame.ts";
import { BlockingProgress } from "./progress.ts";
import type { EngineIo, Incoming, Matched, OutgoingEnvelope, PostedProbe, PostedRecv, SendArgs } from "./envelopes.ts";
import { FrameKind, FrameFlag } from "../protocol.ts";
import { ANY_SOURCE, ANY_TAG } from "../constants.ts";
import { EAGER_LIMIT, ENVELOPE_COST } from "./limits.ts";
import { MatchQueue } from "./queue.ts";
import { FlowControl } from "./flow.ts";
import type { EngineObserver } from "../trace/observer.ts";

export type { EngineIo, Matched, PostedRecv, SendArgs } from "./envelopes.ts";

/**
 * Collective traffic (every communicator's collective context is odd: context + 1) never waits behind
 * point-to-point credit: unreceived user messages must not be able to block a barrier. It takes no credit
 * and returns none; collectives bound their own traffic.
 */
export const bypassesCredit = (context: number): boolean => (context & 1) === 1;

/**
 * What send() returns when the send completed before returning (an eager message with credit, written):
 * the caller need not treat it as a blocking call (no bookkeeping, no spin on an already settled promise).
 */
export const SENT: Promise<void> = Promise.resolve();

const matches = (wantSource: number, wantTag: number, source: number, tag: number) =>
  (wantSource === ANY_SOURCE || wantSource === source) && (wantTag === ANY_TAG || wantTag === tag);

export class Engine {
  private posted = new Map<number, MatchQueue<PostedRecv>>();
  private unexpected = new Map<number, MatchQueue<Incoming>>();
  private probes: PostedProbe[] = [];
  private nextId = 1;
  private rndvSends = new Map<
    number,
    { dest: number; payload: Uint8Array; done: () => void; fail: (err: Error) => void }
  >();
  private rndvRecvs = new Map<string, { recv: PostedRecv; envelope: Incoming }>();
  private syncAcks = new Map<number, { dest: number; done: () => void; fail: (err: Error) => void }>();
  /** World ranks known dead (fault-tolerant mode), with the error to give operations that need them. */
  private dead = new Map<number, (op: string) => Error>();
  private flow = new FlowControl<OutgoingEnvelope>(
    (dest, env) => this.write(dest, env),
    (source, bytes) => this.sendSignal(source, FrameKind.CREDIT, 0, bytes),
  );
  /** Messages sent and received, for diagnostics. */
  sentCount = 0;
  receivedCount = 0;
  /** The diagnostics' and trace's view of each message (runtime/trace/observer.ts); null when both are off. */
  observer: EngineObserver | null = null;
  /** Handlers of runtime-internal CONTROL frames, by channel (the frame's context field). */
  private controlHandlers = new Map<number, (source: number, frame: Frame) => void>();

  private readonly progress: BlockingProgress;

  constructor(private readonly io: EngineIo) {
    this.progress = new BlockingProgress(io);
  }

  // ---- sending ---------------------------------------------------------------------------------

  /** Starts a send; the promise resolves when MPI says the send is complete. */
  send(a: SendArgs): Promise<void> {
    let completedNow = false;
    const sending = new Promise<void>((resolve, reject) => {
      const dead = this.dead.get(a.dest);
      if (dead) return reject(dead("send"));
      const eager = a.payload.byteLength <= EAGER_LIMIT;
      const id = this.nextId++;
      this.observer?.sent(a.dest, a.context, a.tag, a.payload.byteLength, id, a.sync);
      const header: FrameHeader = {
        kind: eager ? FrameKind.EAGER : FrameKind.RTS,
        enc: a.enc,
        flags: a.sync ? FrameFlag.SYNC : 0,
        context: a.context,
        tag: a.tag,
        id,
        size: a.payload.byteLength,
        sig: a.sig,
      };
      let done = () => {
        completedNow = true;
        resolve();
      };
      if (!eager) {
        this.rndvSends.set(id, { dest: a.dest, payload: a.payload, done: resolve, fail: reject });
        done = () => {};
      } else if (a.sync) {
        this.syncAcks.set(id, { dest: a.dest, done: resolve, fail: reject });
        done = () => {};
      }
      const cost = (eager ? a.payload.byteLength : 0) + ENVELOPE_COST;
      this.sentCount++;
      const payload = eager ? a.payload : null;
      if (bypassesCredit(a.context))
        this.write(a.dest, { header, payload, cost: 0, done, fail: reject, flushed: true });
      else this.flow.enqueue(a.dest, { header, payload, cost, done, fail: reject });
    });
    return completedNow ? SENT : sending;
  }

  /** Writes an envelope that has its flow-control credit. */
  private write(dest: number, env: OutgoingEnvelope): void {
    const payload = env.payload;
    if ((payload && payload.byteLength > COALESCE_BYTES) || env.flushed) {
      // Large eager payloads are written from the caller's memory (and collective traffic must have left
      // the process when the collective completes): complete once handed to the kernel.
      this.io.send(dest, encodeFrame(env.header, payload ?? undefined), env.done);
    } else {
      this.io.send(dest, encodeFrame(env.header, payload ?? undefined));
      env.done();
    }
  }

  /**
   * Sends a runtime-internal CONTROL frame on `channel` (outside matching and flow control), for layers
   * above point-to-point (one-sided windows, diagnostics). `onWritten` runs once handed to the kernel.
   */
  sendControl(dest: number, channel: number, tag: number, payload: Uint8Array, onWritten?: () => void): void {
    this.io.send(
      dest,
      encodeFrame(
        { kind: FrameKind.CONTROL, enc: 0, flags: 0, context: channel, tag, id: 0, size: payload.byteLength, sig: 0 },
        payload,
      ),
      onWritten,
    );
  }

  /** Registers the handler of CONTROL frames on `channel` (frames on a channel with no handler are dropped). */
  onControl(channel: number, handler: ((source: number, frame: Frame) => void) | null): void {
    if (handler) this.controlHandlers.set(channel, handler);
    else this.controlHandlers.delete(channel);
  }

  private sendSignal(dest: number, kind: number, id: number, size = 0): void {
    this.io.send(dest, encodeFrame({ kind, enc: 0, flags: 0, context: 0, tag: 0, id, size, sig: 0 }));
  }

  // ---- receiving -------------------------------------------------------------------------------

  /** Posts a receive: matched against already-arrived messages first, in arrival order. */
  postRecv(recv: PostedRecv): void {
    this.observer?.posting?.(recv);
    const queue = this.unexpected.get(recv.context);
    const found = queue?.take((m) => matches(recv.source, recv.tag, m.source, m.tag));
    if (found) return this.complete(recv, found);
    const failure = this.failureFor(recv);
    if (failure) return recv.fail(failure);
    let posted = this.posted.get(recv.context);
    if (!posted) this.posted.set(recv.context, (posted = new MatchQueue()));
    posted.push(recv);
  }

  /** Cancels a receive not yet matched; returns false if it had already matched. */
  cancelRecv(recv: PostedRecv): boolean {
    if (recv.matched) return false;
    return this.posted.get(recv.context)?.remove(recv) ?? false;
  }

  /** The envelope of the first message matching (source, tag), without receiving it (MPI_Iprobe). */
  iprobe(source: number, tag: number, context: number): Omit<Matched, "payload"> | null {
    const m = this.unexpected.get(context)?.find((x) => matches(source, tag, x.source, x.tag));
    return m ? envelopeOf(m) : null;
  }

  /** Waits for a matching message to arrive, without receiving it (MPI_Probe). */
  probe(source: number, tag: number, context: number): Promise<Omit<Matched, "payload">> {
    const now = this.iprobe(source, tag, context);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => this.probes.push({ source, tag, context, resolve }));
  }

  /** Takes the first matching unexpected message out of the queue for a matched probe (MPI_Mprobe). */
  takeUnexpected(source: number, tag: number, context: number, recv: PostedRecv): boolean {
    const m = this.unexpected.get(context)?.take((x) => matches(source, tag, x.source, x.tag));
    if (!m) return false;
    this.complete(recv, m);
    return true;
  }

  /** Handles one frame from the transport. */
  onFrame(source: number, f: Frame): void {
    switch (f.kind) {
      case FrameKind.EAGER:
      case FrameKind.RTS:
        return this.arrive({
          source,
          context: f.context,
          tag: f.tag,
          enc: f.enc,
          sig: f.sig,
          size: f.size,
          id: f.id,
          sync: (f.flags & FrameFlag.SYNC) !== 0,
          payload: f.kind === FrameKind.EAGER ? f.payload : null,
        });
      case FrameKind.CTS: {
        const s = this.rndvSends.get(f.id);
        if (!s) return;
        this.rndvSends.delete(f.id);
        this.io.send(
          source,
          encodeFrame(
            {
              kind: FrameKind.DATA,
              enc: 0,
              flags: 0,
              context: 0,
              tag: 0,
              id: f.id,
              size: s.payload.byteLength,
              sig: 0,
            },
            s.payload,
          ),
          s.done,
        );
        return;
      }
      case FrameKind.DATA: {
        const key = `${source}:${f.id}`;
        const r = this.rndvRecvs.get(key);
        if (!r) return;
        this.rndvRecvs.delete(key);
        return this.deliver(r.recv, r.envelope, f.payload, f.owned);
      }
      case FrameKind.ACK: {
        const waiting = this.syncAcks.get(f.id);
        this.syncAcks.delete(f.id);
        return waiting?.done();
      }
      case FrameKind.CREDIT:
        return this.flow.received(source, f.size);
      case FrameKind.CONTROL:
        return this.controlHandlers.get(f.context)?.(source, f);
    }
  }

  private arrive(m: Incoming): void {
    const posted = this.posted.get(m.context);
    const recv = posted?.length ? posted.take((r) => matches(r.source, r.tag, m.source, m.tag)) : undefined;
    if (recv) return this.complete(recv, m);
    if (m.payload && m.payload.buffer.byteLength > 2 * m.payload.byteLength + 64) {
      m.payload = new Uint8Array(m.payload); // do not pin a whole socket chunk for a small message
    }
    let queue = this.unexpected.get(m.context);
    if (!queue) this.unexpected.set(m.context, (queue = new MatchQueue()));
    queue.push(m);
    if (this.probes.length) this.wakeProbes(m);
  }

  private wakeProbes(m: Incoming): void {
    this.probes = this.probes.filter((p) => {
      if (p.context !== m.context || !matches(p.source, p.tag, m.source, m.tag)) return true;
      p.resolve(envelopeOf(m));
      return false;
    });
  }

  /** A receive matched an envelope: finish eager delivery, or start the rendezvous. */
  private complete(recv: PostedRecv, m: Incoming): void {
    recv.matched = true;
    if (!bypassesCredit(m.context)) this.flow.consumed(m.source, (m.payload ? m.size : 0) + ENVELOPE_COST);
    if (m.payload) {
      if (m.sync) this.sendSignal(m.source, FrameKind.ACK, m.id);
      return this.deliver(recv, m, m.payload);
    }
    this.rndvRecvs.set(`${m.source}:${m.id}`, { recv, envelope: m });
    this.sendSignal(m.source, FrameKind.CTS, m.id);
  }

  private deliver(recv: PostedRecv, m: Incoming, payload: Uint8Array, owned = false): void {
    this.receivedCount++;
    this.observer?.delivered?.(recv, m.source, m.context, m.tag, m.size, m.id);
    recv.deliver({ source: m.source, tag: m.tag, enc: m.enc, sig: m.sig, size: m.size, payload, owned });
  }

  /** A blocking call that did not complete at once: progress it on this thread (progress.ts) while it is pending. */
  spinWhile(pending: () => boolean): Promise<void> {
    return this.progress.whilePending(pending);
  }

  // ---- failures and diagnostics -----------------------------------------------------------------

  /**
   * Fault-tolerant mode: `peer` died. Every operation that can only complete through it fails with the
   * error `errorFor(op)` builds (ERR_PROC_FAILED naming the rank); messages it sent before dying stay receivable.
   */
  failPeer(peer: number, errorFor: (op: string) => Error): void {
    this.dead.set(peer, errorFor);
    for (const queue of this.posted.values()) {
      for (const r of [...queue]) {
        const failure = this.failureFor(r);
        if (failure) {
          queue.remove(r);
          r.fail(failure);
        }
      }
    }
    for (const [key, r] of this.rndvRecvs)
      if (r.envelope.source === peer) {
        this.rndvRecvs.delete(key);
        r.recv.fail(errorFor("recv"));
      }
    for (const [id, s] of this.rndvSends)
      if (s.dest === peer) {
        this.rndvSends.delete(id);
        s.fail(errorFor("send"));
      }
    for (const [id, s] of this.syncAcks)
      if (s.dest === peer) {
        this.syncAcks.delete(id);
        s.fail(errorFor("ssend"));
      }
    this.flow.failDestination(peer, errorFor);
  }

  /** The error a receive gets because its only possible senders are dead, or null. */
  private failureFor(recv: PostedRecv): Error | null {
    if (!this.dead.size) return null;
    if (recv.source !== ANY_SOURCE) return this.dead.get(recv.source)?.("recv") ?? null;
    const others = (recv.candidates ?? []).filter((r) => r !== this.io.rank);
    if (!others.length || !others.every((r) => this.dead.has(r))) return null;
    return this.dead.get(others[0])!("recv(source=ANY_SOURCE)");
  }

  /** Fails the receives posted on `contexts` (a revoked communicator). */
  failContexts(contexts: number[], err: Error): void {
    for (const c of contexts) {
      const queue = this.posted.get(c);
      if (!queue) continue;
      for (const r of [...queue]) {
        queue.remove(r);
        r.fail(err);
      }
    }
  }

  /** Messages that arrived and were never received, for the finalize report. */
  unreceived(): { source: number; context: number; tag: number; size: number; id: number }[] {
    const out: { source: number; context: number; tag: number; size: number; id: number }[] = [];
    for (const q of this.unexpected.values())
      for (const m of q) out.push({ source: m.source, context: m.context, tag: m.tag, size: m.size, id: m.id });
    return out;
  }

  /** Sends to `dest` held back by flow control (the receiver has not matched enough earlier messages). */
  waitingForCredit(dest: number): number {
    return this.flow.waitingFor(dest);
  }

  /** Sends still waiting for their receiver (rendezvous, synchronous, or flow-controlled). */
  pendingSends(): number {
    let n = this.rndvSends.size + this.syncAcks.size;
    n += this.flow.waitingCount();
    return n;
  }
}

function envelopeOf(m: Incoming): Omit<Matched, "payload"> {
  return { source: m.source, tag: m.tag, enc: m.enc, sig: m.sig, size: m.size };
}
