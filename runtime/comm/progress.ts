// How a rank progresses a blocking call on its own thread instead of waiting for an event-loop wake-up
// (tens of microseconds each): it polls its transport (frames already in memory are handled at once), and
// once a spin budget is spent it parks on the transport's futex until a peer's frame wakes it. Both are
// bounded, so that the event loop (timers, the launcher's control socket) keeps turning and a rank blocked
// for long (or for ever: a deadlock) goes quiet in its event loop, as the launcher's detection expects.
import type { EngineIo } from "./envelopes.ts";

/** A spin that keeps finding frames still gives the event loop (control socket, timers) a turn this often. */
const MAX_SPIN_MS = 20;
/** The longest a parked rank sleeps before its event loop turns again (timers, the launcher's control socket). */
const PARK_SLICE_MS = 5;
/**
 * How long one blocking call may park, slice after slice; a longer wait goes back to the event loop (a wake-up
 * there costs tens of microseconds, nothing next to such a wait) and leaves the rank quiescent, as the
 * launcher's deadlock detection needs (a parking rank has an immediate queued: it looks busy).
 */
const PARK_FOR_MS = 50;

/** Something this rank queued for the next event-loop turn (a window's frame to itself, a program's setImmediate). */
const immediateQueued = (): boolean => process.getActiveResourcesInfo().includes("Immediate");

/** One driver per rank: every blocking call joins the loop already running rather than starting its own. */
export class BlockingProgress {
  /** When spinning began without the event loop turning since (-1: it has turned). */
  private spinningSince = -1;
  /** The blocking calls the running loop progresses (each one's "still pending?"). */
  private readonly calls = new Set<() => boolean>();
  private running = false;

  constructor(private readonly io: Pick<EngineIo, "poll" | "spinMicros" | "park">) {}

  /** Progresses a blocking call that did not complete at once, with every other one (see run()). */
  async whilePending(pending: () => boolean): Promise<void> {
    this.calls.add(pending);
    if (this.running) return;
    this.running = true;
    try {
      await this.run();
    } finally {
      this.running = false;
      this.calls.clear(); // what is still pending completes through the event loop
    }
  }

  private anyPending(): boolean {
    for (const pending of this.calls) {
      if (pending()) return true;
      this.calls.delete(pending);
    }
    return false;
  }

  /**
   * While a blocking call is pending, polls the transport so that frames already in memory are handled now
   * rather than after an event-loop wake-up, yielding one microtask between polls so that whatever a frame
   * completed (the awaiting code included) runs on. Once the transport's spin budget passes without a frame
   * (at once when it allows none), a transport that can park does: the event loop turns first, until
   * nothing this rank queued for it is left (every continuation runs and every frame it sends itself is
   * delivered, so nothing it owes waits behind the sleep or is overtaken by a peer's later frame), then the
   * thread sleeps on its futex at most PARK_SLICE_MS, a peer's frame waking it, for PARK_FOR_MS in all.
   * Without park, spinning keeps the event loop waiting at most MAX_SPIN_MS. Then the event loop delivers.
   */
  private async run(): Promise<void> {
    const budget = (this.io.poll && this.io.spinMicros?.()) || 0;
    const park = this.io.poll ? this.io.park : undefined;
    if (budget <= 0 && !park) return;
    const start = performance.now();
    if (this.spinningSince < 0) {
      this.spinningSince = start;
      setImmediate(() => (this.spinningSince = -1)); // runs once the event loop turns
    }
    let idleSince = start;
    while (this.anyPending()) {
      const now = performance.now();
      if (this.io.poll!()) idleSince = now;
      else if (park && now - idleSince > budget / 1000) {
        if (now - start > PARK_FOR_MS) return;
        await new Promise<void>((turned) => setImmediate(turned));
        if (this.anyPending() && !immediateQueued() && !this.io.poll!()) park(PARK_SLICE_MS * 1000);
        idleSince = performance.now() - budget / 1000; // the spin budget is spent: park again at once if idle
        continue;
      } else if (now - idleSince > budget / 1000 || now - this.spinningSince > MAX_SPIN_MS) return;
      await null;
    }
  }
}
