// Connections that have not proved the job secret yet: at most MAX_UNPROVEN at once (more are closed at
// once, so a flood of idle connections cannot exhaust a rank's descriptors), and one line per refusal
// only for the first few: after that, one summary line per SUMMARY_MS says how many more were refused.
export const MAX_UNPROVEN = 64;
const DETAILED_REFUSALS = 3;
const SUMMARY_MS = 5_000;

export class StrangerLog {
  private unproven = 0;
  private told = 0;
  private untold = 0;
  private lastWhy = "";
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly say: (remote: string, why: string) => void) {}

  /** A new connection arrived; false when too many are still unproven (close it). */
  admit(): boolean {
    if (this.unproven >= MAX_UNPROVEN) return false;
    this.unproven++;
    return true;
  }

  /** An admitted connection proved the secret, or is gone. */
  settled(): void {
    this.unproven--;
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
