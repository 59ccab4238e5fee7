// How a rank progresses a blocking call on its own thread instead of waiting for an event-loop wake-up
// (tens of microseconds each): it polls its transport, so frames already in memory are handled at once.
// The spin is bounded, so that the event loop (timers, the launcher's control socket) keeps turning and a
// rank blocked for long (or for ever: a deadlock) goes quiet in its event loop, as the launcher's
// detection expects.
import type { EngineIo } from "./envelopes.ts";

/** A spin that keeps finding frames still gives the event loop (control socket, timers) a turn this often. */
const MAX_SPIN_MS = 20;
/** The clock is read every 16 empty polls: reading it costs about as much as an empty poll of shared memory. */
const CLOCK_EVERY_MASK = 15;

export class BlockingProgress {
  /** When spinning began without the event loop turning since (-1: it has turned). */
  private spinningSince = -1;

  constructor(private readonly io: Pick<EngineIo, "poll" | "spinMicros">) {}

  /**
   * A blocking call that did not complete at once: while `pending()` holds, polls the transport so that
   * frames already in memory are handled now rather than after an event-loop wake-up, yielding one
   * microtask between polls so that whatever a frame completed (the awaiting code included) runs on. Gives
   * up after the transport's spin budget without a frame; and spins, one call after another, at most
   * MAX_SPIN_MS before the event loop (control socket, timers) gets a turn. The event loop then delivers.
   */
  async whilePending(pending: () => boolean): Promise<void> {
    const budget = (this.io.poll && this.io.spinMicros?.()) || 0;
    if (budget <= 0) return;
    const start = performance.now();
    if (this.spinningSince < 0) {
      this.spinningSince = start;
      setImmediate(() => (this.spinningSince = -1)); // runs once the event loop turns
    }
    let idleSince = start;
    let polls = 0;
    while (pending()) {
      if (this.io.poll!())
        idleSince = -1; // news: the idle time starts again at the next look at the clock
      else if ((++polls & CLOCK_EVERY_MASK) === 0) {
        const now = performance.now();
        if (idleSince < 0) idleSince = now;
        else if (now - idleSince > budget / 1000 || now - this.spinningSince > MAX_SPIN_MS) return;
      }
      await null;
    }
  }
}
