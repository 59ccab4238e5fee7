// Exercise 5 (lab book part 1, "Exclusion mutuelle II"): the ring's algorithm, without any socket. The
// messages members exchange (one JSON object per line) and what a member does with each one, in both ways
// of building the ring:
// - star (default): the launcher starts every daemon, each joins it with its index and port, the launcher
//   tells each its successor; the launcher sends the `gather` message round and prints it when it returns;
// - chain (`--chain`, the lab book's way): each process starts the next one and the new one joins the
//   process that started it; members are anonymous. The last one sends its address back up the chain
//   (`last`), the first process connects to it, and the ring is closed. Every message then travels the
//   same way: in on the connection a member accepted, out on the one it opened. The last process starts
//   the `gather` message and prints the concatenation when it comes back.
// The token of the mutual exclusion (token-mutex.ts) then goes round the same way in both modes.
import type { Token } from "./token-mutex.ts";

/** Star mode: a daemon joins the launcher (index and where it listens); chain mode: it joins its parent. */
export interface Join {
  type: "join";
  secret: string;
  index?: number;
  host: string;
  pid: number;
  address?: string;
  port: number;
}
/** The first message on a ring link: proves the job's secret. */
export interface Link {
  type: "link";
  secret: string;
  from?: string | number;
}
/** Star mode, launcher → daemon: your successor (host null: the launcher itself). */
export interface Next {
  type: "next";
  host: string | null;
  port: number;
}
/** Star mode, daemon → launcher: connected to my successor. */
export interface Linked {
  type: "linked";
  index: number;
}
/** Chain mode: where the last process listens, passed up the chain to the first. */
export interface Last {
  type: "last";
  host: string;
  port: number;
}
/** The message that goes round once, each member appending its name. */
export interface Gather {
  type: "gather";
  members: string[];
}
/** End of the run: each member passes it on and stops. */
export interface Stop {
  type: "stop";
}
export type RingMessage = Join | Link | Next | Linked | Last | Gather | Token | Stop;

/** An anonymous member's name: where it runs and its pid, e.g. "daemon@th2:4711". */
export function memberName(role: string, hostname: string, pid: number): string {
  return `${role}@${hostname}:${pid}`;
}

/** The gather message with one more member. */
export function appendMember(message: Gather, name: string): Gather {
  // SOLUTION BEGIN: concatenate this member's name to the message
  return { type: "gather", members: [...message.members, name] };
  // STARTER: return message;
  // SOLUTION END
}

/** The line the origin prints when the gather message is back. */
export function gatheredLine(message: Gather): string {
  return `GATHERED ${message.members.length} members: ${message.members.join(" ")}`;
}

/** What a member does with a message: pass it on (`forward`), print a line, stop (after forwarding). */
export interface Step {
  forward?: RingMessage;
  print?: string;
  stop?: boolean;
}

/**
 * Chain mode, at a daemon, for a message that arrived on its incoming link (tokens are handled apart: they
 * wait for the critical section). `isLast`: this daemon started nobody, it is the origin of `gather`.
 */
export function chainStep(message: RingMessage, name: string, isLast: boolean): Step {
  switch (message.type) {
    // SOLUTION BEGIN: relay the chain's messages towards the first process; the origin prints the gather
    case "last":
      return { forward: message }; // climbing the chain towards the first process
    case "gather":
      return isLast ? { print: gatheredLine(message) } : { forward: appendMember(message, name) };
    case "stop":
      return { forward: message, stop: true };
    // STARTER: case "stop":
    // STARTER:   return { stop: true };
    // SOLUTION END
    default:
      return {};
  }
}

/**
 * Chain mode, at the first process (the launcher), for a message from its incoming link (the first
 * daemon). `rounds`: critical sections per daemon (0: stop after the gather); `daemons`: how many it
 * started down the chain. `connect`: connect to the last process; `done`: every daemon has stopped.
 */
export function chainFirstStep(
  message: RingMessage,
  name: string,
  rounds: number,
): Step & { connect?: Last; then?: RingMessage; done?: boolean } {
  switch (message.type) {
    case "last":
      return { connect: message };
    case "gather":
      return {
        forward: appendMember(message, name),
        then: rounds > 0 ? { type: "token", lap: 1, finished: 0 } : { type: "stop" },
      };
    case "stop":
      return { done: true }; // back from the whole chain: every daemon has passed it on
    default:
      return {};
  }
}
