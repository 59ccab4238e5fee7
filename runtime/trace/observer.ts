// What the point-to-point engine tells the diagnostics and the trace about each message (runtime/comm/
// engine.ts calls these when an observer is installed; with checks and trace off there is none, and
// each hook point costs one null test). Ranks are world ranks; `id` is the sender's message id, unique
// per sender, so (source, id) names a message on both sides.

/** The engine's posted receive, as the observer sees it (it may note where the receive was posted). */
export interface ObservedRecv {
  site?: string;
}

export interface EngineObserver {
  /** A message (eager or rendezvous) is about to be sent; its frames follow any CONTROL frame sent here. */
  sent(dest: number, context: number, tag: number, size: number, id: number, sync: boolean): void;
  /** A receive is being posted, in the caller's stack. */
  posting?(recv: ObservedRecv): void;
  /** A receive matched and its data is delivered. */
  delivered?(recv: ObservedRecv, source: number, context: number, tag: number, size: number, id: number): void;
}

/** The engine as the diagnostics use it (structural, so runtime/trace never imports runtime/comm). */
export interface ObservedEngine {
  observer: EngineObserver | null;
  sendControl(dest: number, channel: number, tag: number, payload: Uint8Array, onWritten?: () => void): void;
  onControl(
    channel: number,
    handler: ((source: number, frame: { payload: Uint8Array; tag: number }) => void) | null,
  ): void;
  /** Messages that arrived and match no posted receive yet (the deadlock report names them). */
  unreceived?(): { source: number; context: number; tag: number; size: number; id: number }[];
}
