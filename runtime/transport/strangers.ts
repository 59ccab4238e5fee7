// Connections that have not proved the job secret yet: at most MAX_UNPROVEN at once (a new one closes the
// oldest, so a flood of idle connections can neither exhaust a rank's descriptors nor lock out a real rank,
// whose proof follows its connection within a round trip), and one line per refusal for the first few
// only: after that, one summary line per SUMMARY_MS says how many more were refused.
import type { Socket } from "node:net";
export const MAX_UNPROVEN = 64;
const DETAILED_REFUSALS = 3;
const SUMMARY_MS = 5_000;

export class StrangerLog {
  private unproven = new Map<Socket, string>(); // in arrival order
  private told = 0;
  private untold = 0;
  private lastWhy = "";
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly say: (remote: string, why: string) => void) {}

  /** A new connection from `remote`; when too many are unproven, the oldest is closed and refused. */
  admit(socket: Socket, remote: string): void {
    if (this.unproven.size >= MAX_UNPROVEN) {
      const [oldest, where] = this.unproven.entries().next().value as [Socket, string];
      this.unproven.delete(oldest);
      oldest.destroy();
      this.refused(
        where,
        `too many connections had not proved the job secret (${MAX_UNPROVEN}); the oldest was closed`,
      );
    }
    this.unproven.set(socket, remote);
  }

  /** An admitted connection proved the secret, or is gone. */
  settled(socket: Socket): void {
    this.unproven.delete(socket);
  }

  refused(remote: string, why: string): void {
    if (this.told < DETAILED_REFUSALS) {
      this.told++;
      return this.say(remote, why);
    }
    this.untold++;
    this.lastWhy = why;
    this.timer ??= setTimeout(() => this.summarise(), SUMMARY_MS).unref();
  }

  /** Says how many refusals were not told one by one (also called when the transport closes). */
  summarise(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.untold === 0) return;
    this.say(`${this.untold} more connection${this.untold > 1 ? "s" : ""}`, `the last one: ${this.lastWhy}`);
    this.untold = 0;
  }
}
