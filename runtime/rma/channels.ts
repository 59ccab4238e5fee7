// The CONTROL channels of one-sided windows (MPI-4 §12.2). A channel names where a rank receives a window's
// frames, so it only has to be unique among the windows alive on that rank's process: each member takes a free
// channel of its own before the window's creation exchange, registers the window's handler on it, and sends it
// to the others in the exchange (window.ts); a member then addresses the window's frames to each peer's own
// channel. No channel is derived from a communicator's context, so windows on communicators of any context
// never collide; the only failure left is a process with every channel of the range taken by a live window.
// Channels are handed out round-robin, so a freed window's channel is reused as late as possible.

/** A range of channels, [first, end). */
export interface ChannelRange {
  readonly first: number;
  readonly end: number;
}

export class WindowChannels {
  private readonly live = new Set<number>();
  private next: number;

  constructor(private readonly range: ChannelRange) {
    this.next = range.first;
  }

  /** A channel no live window of this process uses, now taken; undefined when every channel is taken. */
  take(): number | undefined {
    if (this.live.size >= this.range.end - this.range.first) return undefined;
    for (;;) {
      const channel = this.next;
      this.next = channel + 1 === this.range.end ? this.range.first : channel + 1;
      if (!this.live.has(channel)) {
        this.live.add(channel);
        return channel;
      }
    }
  }

  /** The window on `channel` is freed (or its creation failed): the channel may be taken again. */
  release(channel: number): void {
    this.live.delete(channel);
  }

  /** How many channels live windows hold. */
  get inUse(): number {
    return this.live.size;
  }
}
