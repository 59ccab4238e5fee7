// A deadlock in words and as a Graphviz graph: the wait-for graph of launcher/diagnostics/deadlock.ts,
// one clause per blocked rank ("rank 0 waits in recv(source=1, tag=0) for rank 1"), the cycle if there is
// one ("a cycle 0 → 1 → 0"), the source line of each blocked call, what the ranks it waits for are doing
// (in finalize, exited), collectives some members never called, messages waiting at a blocked receiver
// with another tag or communicator than its receive asks for ("tag mismatch?", with the line that sent
// them), and a hint that fits the calls.
import type { BlockedCall } from "../../runtime/wire/bootstrap.ts";
import type { Deadlock, DeadRank } from "./deadlock.ts";
import { ranksWord } from "./collectives.ts";

export interface WaitContext {
  exits: Map<number, { code: number | null; signal: NodeJS.Signals | null }>;
  inFinalize: Set<number>;
  /** one line per communicator whose members called different numbers of collectives */
  collectiveLags: string[];
}

function callText(c: BlockedCall): string {
  return `${c.call}${c.comm && c.comm !== "COMM_WORLD" ? ` on ${c.comm}` : ""}`;
}

function fate(rank: number, ctx: WaitContext): string | undefined {
  const exit = ctx.exits.get(rank);
  if (exit) return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  if (ctx.inFinalize.has(rank)) return "is in finalize() and will never send again";
  return undefined;
}

/** "for rank 1", "for any of ranks 1, 2" (ANY_SOURCE), "for ranks 1, 2" (a collective), "for itself". */
function whom(d: DeadRank, call: BlockedCall, waits: number[], ctx: WaitContext): string {
  const others = waits.filter((w) => w !== d.rank);
  if (!others.length) return "for itself (no other rank can complete it)";
  const anyOf = /ANY_SOURCE|^waitany|^waitsome|^wait\(/.test(call.call) ? "any of " : "";
  const list = others.length === 1 ? `rank ${others[0]}` : `${anyOf}ranks ${others.join(", ")}`;
  const fates = others.map((w) => [w, fate(w, ctx)] as const).filter(([, f]) => f);
  if (!fates.length) return `for ${list}`;
  if (others.length === 1) return `for ${list}, which ${fates[0][1]}`;
  return `for ${list} (${fates.map(([w, f]) => `rank ${w} ${f}`).join(", ")})`;
}

/** The one-line summary, e.g. "deadlock: rank 0 waits in recv(source=1, tag=0) for rank 1; … — a cycle 0 → 1 → 0". */
export function deadlockSummary(d: Deadlock, ctx: WaitContext): string {
  const clauses = d.dead.map(
    (r) =>
      `rank ${r.rank} waits in ${r.calls.map((c, i) => `${callText(c)} ${whom(r, c, r.waitsFor[i], ctx)}`).join(" and in ")}`,
  );
  const head = d.global
    ? "deadlock"
    : `deadlock among ${ranksWord(d.dead.map((r) => r.rank))} (${ranksWord(d.running)} still running)`;
  const cycle = d.cycle ? ` — a cycle ${d.cycle.join(" → ")}` : "";
  return `${head}: ${clauses.join("; ")}${cycle}`;
}

/** The full report printed by tsrun. */
export function deadlockReport(d: Deadlock, ctx: WaitContext, dotPath: string | null): string {
  const lines = [`tsrun: ${deadlockSummary(d, ctx)}`];
  const stillRunning = d.dead.length + ctx.exits.size + ctx.inFinalize.size > d.dead.length ? " still running" : "";
  lines.push(
    d.global
      ? `  every rank${stillRunning} is blocked and no message is in flight, so none can ever continue:`
      : "  these ranks are blocked and no message they wait for is in flight, so none of them can ever continue:",
  );
  for (const r of d.dead)
    for (const c of r.calls) lines.push(`    rank ${r.rank}: ${callText(c)}${c.site ? ` at ${c.site}` : ""}`);
  for (const m of mismatches(d)) lines.push(`  ${m.text}`);
  for (const lag of ctx.collectiveLags) lines.push(`  ${lag}`);
  if (dotPath)
    lines.push(
      `  wait-for graph: ${dotPath} (to see it drawn with the blocked calls: run again with --trace DIR, then tsrun view DIR)`,
    );
  lines.push(`  hint: ${hintFor(d, ctx)}`);
  return lines.join("\n");
}

const RECEIVING = /^(recv|recvInto|probe|mprobe|wait\(irecv|sendrecv)/;

interface Mismatch {
  text: string;
  kind: "tag" | "communicator";
}

/**
 * Messages waiting at a blocked receiver from a rank it waits for, but with another tag or on another
 * communicator than its receive asks for: "rank 1 waits in recv(source=0, tag=2); an unmatched message
 * from rank 0 with tag 1 (sent at ring.ts:13:9) is waiting at rank 1: tag mismatch?".
 */
export function mismatches(d: Pick<Deadlock, "dead">): Mismatch[] {
  const out: Mismatch[] = [];
  for (const r of d.dead) {
    for (const [i, c] of r.calls.entries()) {
      if (!RECEIVING.test(c.call) || !r.strays) continue;
      const tag = /\btag=(\d+)/.exec(c.call)?.[1];
      const comm = c.comm ?? "COMM_WORLD";
      for (const m of r.strays) {
        if (!r.waitsFor[i].includes(m.source)) continue;
        const kind = m.comm !== comm ? "communicator" : tag !== undefined && Number(tag) !== m.tag ? "tag" : null;
        if (!kind) continue;
        const what = kind === "tag" ? `with tag ${m.tag}` : `with tag ${m.tag} on ${m.comm}`;
        const where = m.site ? ` (sent at ${m.site})` : "";
        out.push({
          kind,
          text: `rank ${r.rank} waits in ${callText(c)}${c.site ? ` at ${c.site}` : ""}; an unmatched message from rank ${m.source} ${what}${where} is waiting at rank ${r.rank}: ${kind} mismatch?`,
        });
      }
    }
  }
  return out;
}

function hintFor(d: DeadlockHintInput, ctx: WaitContext): string {
  const calls = d.dead.flatMap((r) => r.calls.map((c) => c.call));
  const wrong = mismatches(d)[0];
  if (wrong?.kind === "tag")
    return "the receive and the message it should match have different tags: use the same tag in send and recv (or receive with ANY_TAG and read status.tag)";
  if (wrong)
    return "the message was sent on another communicator than the receive listens on: send and receive on the same communicator";
  if (d.cycle && d.cycle.length === 2) {
    const self = d.dead.find((r) => r.rank === d.cycle![0]);
    if (self && self.calls.every((c) => RECEIVING.test(c.call)))
      return "a rank that receives from itself must have sent that message first: isend (or send, if it is small) before the recv, or use sendrecv";
    return "a rank cannot complete a synchronous or large send to itself before it posts the receive: use isend then recv (or sendrecv)";
  }
  if (ctx.collectiveLags.length) return "every rank of a communicator must call the same collectives in the same order";
  if (calls.some((c) => /^ssend|^send|^wait\(i?s?send/.test(c)) && d.cycle)
    return "blocking sends of large messages (over the 64 KiB eager limit) and ssend wait until the receiver posts its recv: let one side receive first, or use sendrecv or isend/irecv + waitall";
  if (calls.every((c) => /^recv|^probe|^wait\(irecv/.test(c)) && d.cycle)
    return "every rank of the cycle receives before it sends: let one side send first, or use sendrecv or isend/irecv + waitall";
  return "each blocked call needs a matching call on the ranks it waits for (same communicator, source/dest and tag)";
}

type DeadlockHintInput = Pick<Deadlock, "dead" | "cycle">;

export { hintFor };

/** The wait-for graph in Graphviz's dot language (cycle edges in red, ranks that cannot answer dashed). */
export function deadlockDot(d: Deadlock, ctx: WaitContext): string {
  const quote = (s: string) => `"${s.replace(/"/g, '\\"')}"`; // labels keep their \n line breaks
  const lines = ["digraph deadlock {", "  rankdir=LR;", '  node [shape=box, fontname="monospace"];'];
  const cycleEdges = new Set<string>();
  if (d.cycle) for (let i = 0; i + 1 < d.cycle.length; i++) cycleEdges.add(`${d.cycle[i]}->${d.cycle[i + 1]}`);
  const named = new Set<number>();
  for (const r of d.dead) {
    const calls = r.calls.map((c) => `${callText(c)}${c.site ? `\\n${c.site}` : ""}`).join("\\n");
    lines.push(`  r${r.rank} [label=${quote(`rank ${r.rank}\\n${calls}`)}];`);
    named.add(r.rank);
  }
  for (const r of d.dead) {
    for (const w of [...new Set(r.waitsFor.flat())]) {
      if (w === r.rank && r.waitsFor.flat().some((v) => v !== r.rank)) continue;
      if (!named.has(w)) {
        lines.push(`  r${w} [label=${quote(`rank ${w}\\n${fate(w, ctx) ?? "running"}`)}, style=dashed];`);
        named.add(w);
      }
      lines.push(`  r${r.rank} -> r${w}${cycleEdges.has(`${r.rank}->${w}`) ? " [color=red, penwidth=2]" : ""};`);
    }
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
