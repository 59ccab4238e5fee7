// The window channel allocator (runtime/rma/channels.ts): a channel is never handed to two live windows of a
// process, freed channels come back only after the rest of the range was handed out, and a full range is a
// clear "nothing left" (undefined) rather than a reuse.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WindowChannels } from "../../runtime/rma/channels.ts";
import { WINDOW_CHANNELS } from "../../runtime/protocol.ts";

describe("WindowChannels", () => {
  it("hands out the range in order, then wraps around to channels freed since", () => {
    const channels = new WindowChannels({ first: 10, end: 14 });
    expect([channels.take(), channels.take(), channels.take()]).toEqual([10, 11, 12]);
    channels.release(11);
    expect(channels.take()).toBe(13); // the freed 11 is reused as late as possible
    expect(channels.take()).toBe(11);
    expect(channels.take()).toBeUndefined(); // 10, 11, 12, 13 all live
    expect(channels.inUse).toBe(4);
    channels.release(12);
    expect(channels.take()).toBe(12);
  });

  it("the process's range starts at its first channel", () => {
    expect(new WindowChannels(WINDOW_CHANNELS).take()).toBe(WINDOW_CHANNELS.first);
  });

  it("never gives a live channel twice, whatever the order of creations and frees (property)", () => {
    const step = fc.oneof(
      fc.constant({ take: true, index: 0 }),
      fc.record({ take: fc.constant(false), index: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const range = { first: 100, end: 108 };
        const channels = new WindowChannels(range);
        const live: number[] = [];
        for (const s of steps) {
          if (s.take) {
            const c = channels.take();
            if (live.length === range.end - range.first) expect(c).toBeUndefined();
            else {
              expect(c).toBeDefined();
              expect(live).not.toContain(c);
              expect(c! >= range.first && c! < range.end).toBe(true);
              live.push(c!);
            }
          } else if (live.length > 0) {
            channels.release(live.splice(s.index % live.length, 1)[0]);
          }
          expect(channels.inUse).toBe(live.length);
        }
      }),
      { seed: 18, numRuns: 300 },
    );
  });
});
