// Reading a `tsrun --trace DIR` run for the structural checks of the MPI graders: the per-rank JSON
// lines (DIR/rank-<r>.jsonl, schema in docs/trace.md), the messages matched sender to receiver by their
// id, and what the exercises are about: who sent to whom, how many messages, in how many rounds, and in
// which order a rank did things. Only user point-to-point traffic counts as "messages" here: collectives
// travel on their own contexts (odd context ids), which the runtime keeps apart.
import * as path from "node:path";

// The event type is the trace schema's own (docs/trace.md), shared with tsrun's views.
import type { TraceEvent } from "../../../../launcher/view/trace.ts";
import { readWrittenFile, UnsafeFileError } from "../../lib/written-file.ts";
export type { TraceEvent };

export interface Trace {
  np: number;
  /** events[r]: rank r's events in the order it recorded them */
  events: TraceEvent[][];
}

export interface Message {
  id: string;
  source: number;
  dest: number;
  tag: number;
  size: number;
  ctx: number;
  /** index of the send in events[source] */
  sendAt: number;
  /** index of the matched receive in events[dest], -1 if never received */
  recvAt: number;
}

/**
 * A trace file's text, "" when it is missing. The trace folder is writable by the graded program (in class
 * mode, a student's), so a link there is never followed (lib/written-file.ts): the grader must not quote a
 * file it points to; such a file, or one too large, counts as no trace from that rank.
 */
function readRankTrace(file: string): string {
  try {
    return readWrittenFile(file);
  } catch (error) {
    if (error instanceof UnsafeFileError) return "";
    throw error;
  }
}

export function readTrace(dir: string, np: number): Trace {
  const events: TraceEvent[][] = [];
  for (let r = 0; r < np; r++) {
    const file = path.join(dir, `rank-${r}.jsonl`);
    const text = readRankTrace(file);
    events.push(
      text
        .split("\n")
        .filter((l) => l.trim())
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as TraceEvent];
          } catch {
            return []; // a rank killed mid-write leaves a partial last line
          }
        }),
    );
  }
  return { np, events };
}

const isUser = (e: TraceEvent) => typeof e.ctx === "number" && e.ctx % 2 === 0;

/** The user point-to-point messages of the run (collective traffic excluded), in send order per rank. */
export function userMessages(trace: Trace): Message[] {
  const received = new Map<string, [number, number]>();
  trace.events.forEach((list, r) =>
    list.forEach((e, i) => e.kind === "recv" && isUser(e) && received.set(e.msg!, [r, i])),
  );
  const out: Message[] = [];
  trace.events.forEach((list, r) =>
    list.forEach((e, i) => {
      if (e.kind !== "send" || !isUser(e)) return;
      const at = received.get(e.msg!);
      out.push({
        id: e.msg!,
        source: r,
        dest: e.peer!,
        tag: e.tag!,
        size: e.size!,
        ctx: e.ctx!,
        sendAt: i,
        recvAt: at ? at[1] : -1,
      });
    }),
  );
  return out;
}

/** The collective calls of each rank, by name ("bcast", "allreduce", …), in order. */
export function collectiveNames(trace: Trace): string[][] {
  return trace.events.map((list) => list.filter((e) => e.kind === "coll-enter").map((e) => String(e.name)));
}

/**
 * The round of every message, as a schedule where each rank sends one message per round and can only
 * forward what it has received: round(send) = 1 + max(round of this rank's previous send, round of every
 * message it received before this send). A star from the root takes N-1 rounds, a binomial tree
 * ceil(log2 N). Messages are keyed by id; unreceived messages still get a round.
 */
export function messageRounds(trace: Trace, messages: Message[]): Map<string, number> {
  const byId = new Map(messages.map((m) => [m.id, m]));
  const rounds = new Map<string, number>();
  const cursor = new Array<number>(trace.np).fill(0);
  const known = new Array<number>(trace.np).fill(0); // the latest round this rank has taken part in
  for (let progress = true; progress;) {
    progress = false;
    for (let r = 0; r < trace.np; r++) {
      const list = trace.events[r];
      while (cursor[r] < list.length) {
        const e = list[cursor[r]];
        if (e.kind === "send" && byId.has(e.msg!)) {
          known[r] += 1;
          rounds.set(e.msg!, known[r]);
        } else if (e.kind === "recv" && byId.has(e.msg!)) {
          const round = rounds.get(e.msg!);
          if (round === undefined) break; // its sender has not got that far yet
          known[r] = Math.max(known[r], round);
        }
        cursor[r]++;
        progress = true;
      }
    }
  }
  return rounds;
}

/** Index of the first event of a rank that satisfies a test, or Infinity. */
export function firstIndex(trace: Trace, rank: number, test: (e: TraceEvent) => boolean): number {
  const i = trace.events[rank].findIndex(test);
  return i < 0 ? Infinity : i;
}

/** "0→1, 0→2, 2→3" (at most `max` edges). */
export function edgesText(messages: Message[], max = 12): string {
  const text = messages
    .slice(0, max)
    .map((m) => `${m.source}→${m.dest}`)
    .join(", ");
  return messages.length > max ? `${text}, … (${messages.length} messages)` : text || "none";
}

/** The least number of rounds a broadcast-like tree needs on n ranks: ceil(log2 n). */
export function log2ceil(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}
