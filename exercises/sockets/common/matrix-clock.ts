// Matrix clocks for exercise 3 (lab book part 1, "Messagerie et ordre causal"), kept sparse because the
// set of mail addresses is not known in advance: clock["a>b"] = how many messages from a to b the holder
// knows were sent. A message from j to k carrying clock C can be delivered at k when it is the next one
// from j (C[j>k] = delivered[j>k] + 1) and k has already delivered every message to k that the sender
// knew about (C[l>k] <= delivered[l>k] for every other l). Pure functions, no I/O.

export type MatrixClock = Record<string, number>;

export interface Stamped {
  from: string;
  to: string;
  clock: MatrixClock;
}

const key = (from: string, to: string) => `${from}>${to}`;

/** The clock after `from` sends one more message to `to` (a new object; the input is unchanged). */
export function recordSend(clock: MatrixClock, from: string, to: string): MatrixClock {
  return { ...clock, [key(from, to)]: (clock[key(from, to)] ?? 0) + 1 };
}

/** Element-wise maximum: what a process knows after learning what the other clock knew. */
export function merge(a: MatrixClock, b: MatrixClock): MatrixClock {
  const out: MatrixClock = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = Math.max(out[k] ?? 0, v);
  return out;
}

/** Can `message` be delivered to its recipient, given the clock of what the recipient already delivered? */
export function deliverable(delivered: MatrixClock, message: Stamped): boolean {
  // SOLUTION BEGIN: deliverable when the message is the next one from its sender to its recipient, and the recipient has delivered every message to it that the sender knew of
  // STARTER: return true;
  const own = key(message.from, message.to);
  if ((message.clock[own] ?? 0) !== (delivered[own] ?? 0) + 1) return false;
  const column = `>${message.to}`;
  return Object.entries(message.clock).every(([k, v]) => k === own || !k.endsWith(column) || v <= (delivered[k] ?? 0));
  // SOLUTION END
}

/**
 * Causal delivery of a mailbox given in arrival order: repeatedly delivers the first deliverable
 * message. Returns the messages in delivery order and those held back (a cause has not arrived yet).
 */
export function causalOrder<T extends Stamped>(arrived: T[]): { delivered: T[]; held: T[] } {
  let clock: MatrixClock = {};
  const waiting = [...arrived];
  const delivered: T[] = [];
  for (let i = 0; i < waiting.length;) {
    if (deliverable(clock, waiting[i])) {
      clock = merge(clock, waiting[i].clock);
      delivered.push(...waiting.splice(i, 1));
      i = 0;
    } else i++;
  }
  return { delivered, held: waiting };
}
