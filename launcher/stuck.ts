// Detects ranks that can never finish because everything they wait for has exited or is in finalize (a rank that ends while
// another still waits for it, MPI's silent hang), and words it for the student.
import type { RankState } from "./rendezvous.ts";

export interface StuckRank {
  calls: string[];
  waitsFor: number[];
}

/** Ranks all of whose blocking calls wait only on exited ranks. */
export function findStuckRanks(states: Map<number, RankState>, exited: Set<number>): Map<number, StuckRank> {
  const stuck = new Map<number, StuckRank>();
  for (const [rank, s] of states) {
    if (!s.blocked.length) continue;
    const all = s.blocked.every(
      (b) =>
        b.waitsFor &&
        b.waitsFor.length &&
        b.waitsFor.every((w) => exited.has(w) || w === rank) &&
        b.waitsFor.some((w) => w !== rank),
    );
    if (all)
      stuck.set(rank, {
        calls: s.blocked.map((b) => b.call),
        waitsFor: [...new Set(s.blocked.flatMap((b) => b.waitsFor ?? []))].filter((w) => w !== rank),
      });
  }
  return stuck;
}

export function describeWaits(
  stuck: Map<number, StuckRank>,
  exits: Map<number, { code: number | null; signal: NodeJS.Signals | null }>,
  inFinalize: Set<number>,
): string {
  const fate = (w: number) =>
    exits.has(w)
      ? `rank ${w} exited with code ${exits.get(w)?.code ?? exits.get(w)?.signal}`
      : inFinalize.has(w)
        ? `rank ${w} is in finalize()`
        : `rank ${w} is gone`;
  const parts = [...stuck].map(([rank, s]) => {
    const whom = s.waitsFor.map((w) => `rank ${w}`).join(" or ");
    const how = s.waitsFor.map(fate).join(", ");
    return `rank ${rank} waits in ${s.calls.join(", ")} for ${whom}, which will never send again (${how})`;
  });
  return `${parts.join("; ")}. It can never complete.\n  hint: every message a rank waits for must be sent before its sender ends; check the matching send (destination, tag, communicator)`;
}
