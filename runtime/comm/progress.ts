// How a rank progresses a blocking call on its own thread instead of waiting for an event-loop wake-up
// (tens of microseconds each): it polls its transport, so frames already in memory are handled at once.
// When the spin finds nothing for a while, a transport that can (shared memory) blocks the thread until a
// sender wakes it, as Open MPI yields when idle. Spinning and blocking are bounded, so that the event loop
// (timers, the launcher's control socket) keeps turning and a rank blocked for long (or for ever: a
// deadlock) goes quiet in its event loop, as the launcher's detection expects.
import type { EngineIo } from "./envelopes.ts";

/** A spin that keeps finding frames still gives the event loop (control socket, timers) a turn this often. */
const MAX_SPIN_MS = 20;
/** The clock is read every 16 empty polls: reading it costs about as much as a poll. */
const CLOCK_EVERY_MASK = 15;

export class BlockingProgress {
  /** When spinning began without the event loop turning since (-1: it has turned). */
  private spinningSince = -1;
  /** What each blocking call now spinning waits for (nested ones too: a collective's call and its parts). */
  private readonly waits = new Set<() => boolean>();
  /** True while every call spinning still waits: only then may the thread block. */
  private readonly allStillWaiting = (): boolean => {
    for (const pending of this.waits) if (!pending()) return false;
    return true;
  };

  constructor(private readonly io: Pick<EngineIo, "poll" | "spinMicros" | "waitForNews">) {}

  /**
   * A blocking call that did not complete at once: while `pending()` holds, polls the transport so that
   * frames already in memory are handled now rather than after an event-loop wake-up, yielding one
   * microtask between polls so that whatever a frame completed (the awaiting code included) runs on.
   * After the transport's spin budget without a frame (at once when it is 0: more ranks than cores),
   * blocks the thread until a sender wakes it if the transport can (waitForNews), else gives up; the event
   * loop turns once before each block. Spinning, one call after another, lasts at most MAX_SPIN_MS before
   * the event loop (control socket, timers) gets a turn, and one call spins and blocks at most that long:
   * then the event loop delivers.
   */
  async whilePending(pending: () => boolean): Promise<void> {
    const budget = ((this.io.poll && this.io.spinMicros?.()) || 0) / 1000;
    const block = this.io.waitForNews?.() ?? null;
    if (budget <= 0 && !block) return;
    const start = performance.now();
    if (this.spinningSince < 0) {
      this.spinningSince = start;
      setImmediate(() => (this.spinningSince = -1)); // runs once the event loop turns
    }
    this.waits.add(pending);
    try {
      await this.spin(pending, budget, block, start);
    } finally {
      this.waits.delete(pending);
    }
  }

  private async spin(
    pending: () => boolean,
    budget: number,
    block: ((ms: number, stillWaiting: () => boolean) => void) | null,
    start: number,
  ): Promise<void> {
    let idleSince = start;
    let polls = 0;
    let settled = false;
    while (pending()) {
      if (this.io.poll!()) {
        idleSince = -1; // news: the idle time starts again at the next look at the clock
        settled = false;
      } else if (budget <= 0 || (++polls & CLOCK_EVERY_MASK) === 0) {
        const now = performance.now();
        const spunTooLong = this.spinningSince >= 0 && now - this.spinningSince > MAX_SPIN_MS;
        if (idleSince < 0) idleSince = now;
        else if (spunTooLong || now - start > MAX_SPIN_MS) return;
        else if (now - idleSince >= budget) {
          if (!block) return;
          if (!settled) {
            // Every pending promise reaction runs first (the event loop turns once, about a microsecond): a
            // call already completed, whose news is still on its way up through promises, must not block.
            settled = true;
            await new Promise((resolve) => setImmediate(resolve));
            continue;
          }
          block(MAX_SPIN_MS - (now - start), this.allStillWaiting);
          settled = false;
        }
      }
      await null;
    }
  }
}
