// What the point-to-point engine (engine.ts) matches, queues and sends: the envelopes of arrived and
// outgoing messages, a posted receive or probe, and what the engine needs from the world below it (EngineIo).
import type { FrameHeader } from "../wire/frame.ts";

/** A message as matched by a receive: envelope plus payload. */
export interface Matched {
  source: number;
  tag: number;
  enc: number;
  sig: number;
  size: number;
  payload: Uint8Array;
  /** The payload is a buffer of its own: a value may keep it without copying. */
  owned?: boolean;
}

/** An arrived envelope (eager with its payload, or a rendezvous request without). */
export interface Incoming {
  source: number;
  context: number;
  tag: number;
  enc: number;
  sig: number;
  size: number;
  id: number;
  sync: boolean;
  payload: Uint8Array | null; // null for a rendezvous request
}

export interface PostedRecv {
  source: number; // world rank or ANY_SOURCE
  tag: number;
  context: number;
  deliver: (m: Matched) => void;
  fail: (err: Error) => void;
  /** Set once a message is matched (a matched receive can no longer be cancelled). */
  matched?: boolean;
  /** Where the receive was posted (set by the trace's observer). */
  site?: string;
  /** For ANY_SOURCE: the world ranks that could send it (fault tolerance fails it once all of them are dead). */
  candidates?: number[];
}

export interface PostedProbe {
  source: number;
  tag: number;
  context: number;
  resolve: (envelope: Omit<Matched, "payload">) => void;
}

export interface SendArgs {
  dest: number;
  context: number;
  tag: number;
  enc: number;
  sig: number;
  payload: Uint8Array;
  sync: boolean;
}

export interface OutgoingEnvelope {
  header: FrameHeader;
  payload: Uint8Array | null;
  cost: number;
  done: () => void;
  fail: (err: Error) => void;
  /** complete only once handed to the kernel (collective traffic: a rank that leaves a collective and dies has sent its part) */
  flushed?: boolean;
}

export interface EngineIo {
  rank: number;
  send(dest: number, parts: Buffer[], onWritten?: () => void): void;
  /** The transport's poll (RankTransport.poll): hands what already arrived to onFrame; true if anything did. */
  poll?(): boolean;
  /** The transport's spin budget in microseconds (RankTransport.spinMicros); 0 or absent: never spin. */
  spinMicros?(): number;
}
