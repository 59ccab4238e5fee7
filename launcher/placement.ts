// Rank placement over a hostfile's slots, as mpirun's --map-by slot / --map-by node (issue 7). Pure.
//
//   placeRanks(np, hosts, { mapBy: "slot" | "node", oversubscribe }) → Placement
//     slot (default): fill each host's slots in hostfile order (ranks 0,1 on th1, 2,3 on th2, …).
//     node: round robin over the hosts, skipping hosts whose slots are full (0 on th1, 1 on th2, …).
//     core: one rank per core, cores filled host by host: over a hostfile (a slot stands for a core, as in
//     Open MPI) the order is slot's; on this machine alone, np may not exceed its cores (launcher/executable.ts).
//     np > total slots → PlacementError naming the numbers, unless oversubscribe. Oversubscribed, the extra
//     ranks are spread one per host in turn (as Open MPI's byslot mapper does) and never beyond a host's
//     max_slots; if even max_slots cannot hold np, PlacementError.
//   formatMap(placement) → the --display-map text: a header, one line per host with its slots and ranks.
import { hostLabel, type HostEntry } from "./hostfile.ts";

export type MapBy = "slot" | "node" | "core";

export interface PlacementOptions {
  mapBy?: MapBy;
  oversubscribe?: boolean;
  /** Where the hosts came from, for messages: "the hostfile" (default) or "the host list". */
  sourceName?: string;
}

export interface RankPlacement {
  rank: number;
  /** Index into Placement.hosts. */
  hostIndex: number;
  /** 0-based position of this rank among the ranks on its host. */
  localRank: number;
}

export interface Placement {
  np: number;
  mapBy: MapBy;
  hosts: HostEntry[];
  /** ranks[r] is rank r. */
  ranks: RankPlacement[];
  /** ranksByHost[h] lists the ranks on hosts[h], ascending. */
  ranksByHost: number[][];
}

export class PlacementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlacementError";
  }
}

function slotList(hosts: HostEntry[], count: (h: HostEntry) => number | undefined): string {
  return hosts.map((h) => `${hostLabel(h)}: ${count(h) ?? "unlimited"}`).join(", ");
}

/** Highest number of ranks a host may take: its slots, or when oversubscribing its max_slots (or no limit). */
function capacityOf(host: HostEntry, oversubscribe: boolean): number {
  if (!oversubscribe) return host.slots;
  return host.maxSlots ?? Number.POSITIVE_INFINITY;
}

function checkRequest(np: number, hosts: HostEntry[], oversubscribe: boolean, source: string): void {
  if (!Number.isInteger(np) || np < 1) throw new PlacementError(`-np must be a whole number ≥ 1, got ${np}`);
  if (hosts.length === 0) throw new PlacementError(`${source} gives no host to place ${np} ranks on`);
  const slots = hosts.reduce((sum, h) => sum + h.slots, 0);
  if (np > slots && !oversubscribe) {
    throw new PlacementError(
      `${np} ranks requested but ${source} gives ${slots} slots (${slotList(hosts, (h) => h.slots)}); ` +
        "add slots or pass --oversubscribe",
    );
  }
  const max = hosts.reduce((sum, h) => sum + capacityOf(h, oversubscribe), 0);
  if (np > max) {
    throw new PlacementError(
      `${np} ranks requested but max_slots in ${source} allows at most ${max} ` +
        `(${slotList(hosts, (h) => h.maxSlots)}); raise max_slots or add hosts`,
    );
  }
}

/** --map-by slot: how many ranks each host gets; then ranks are numbered host by host. */
function countsBySlot(np: number, hosts: HostEntry[], oversubscribe: boolean): number[] {
  const counts = hosts.map(() => 0);
  let left = np;
  hosts.forEach((h, i) => {
    counts[i] = Math.min(h.slots, left);
    left -= counts[i];
  });
  // Oversubscribed: one extra rank per host in turn, skipping hosts at max_slots.
  for (let i = 0; left > 0; i = (i + 1) % hosts.length) {
    if (counts[i] < capacityOf(hosts[i], oversubscribe)) {
      counts[i] += 1;
      left -= 1;
    }
  }
  return counts;
}

/** --map-by node: the host of each rank, round robin; full hosts are skipped, first up to slots, then max_slots. */
function hostsByNode(np: number, hosts: HostEntry[], oversubscribe: boolean): number[] {
  const used = hosts.map(() => 0);
  const order: number[] = [];
  let next = 0;
  for (let rank = 0; rank < np; rank++) {
    const slotsFull = used.every((u, i) => u >= hosts[i].slots);
    const limit = (i: number) => (slotsFull ? capacityOf(hosts[i], oversubscribe) : hosts[i].slots);
    while (used[next] >= limit(next)) next = (next + 1) % hosts.length;
    order.push(next);
    used[next] += 1;
    next = (next + 1) % hosts.length;
  }
  return order;
}

/** Places np ranks on the hosts as mpirun does. Throws PlacementError when they do not fit. */
export function placeRanks(np: number, hosts: HostEntry[], options: PlacementOptions = {}): Placement {
  const mapBy = options.mapBy ?? "slot";
  const oversubscribe = options.oversubscribe ?? false;
  checkRequest(np, hosts, oversubscribe, options.sourceName ?? "the hostfile");
  let hostOfRank: number[];
  if (mapBy === "slot" || mapBy === "core") {
    hostOfRank = countsBySlot(np, hosts, oversubscribe).flatMap((count, i) => Array<number>(count).fill(i));
  } else if (mapBy === "node") {
    hostOfRank = hostsByNode(np, hosts, oversubscribe);
  } else {
    throw new PlacementError(`--map-by must be slot, core or node, got ${JSON.stringify(mapBy)}`);
  }
  const ranksByHost: number[][] = hosts.map(() => []);
  const ranks = hostOfRank.map((hostIndex, rank) => {
    const localRank = ranksByHost[hostIndex].length;
    ranksByHost[hostIndex].push(rank);
    return { rank, hostIndex, localRank };
  });
  return { np, mapBy, hosts, ranks, ranksByHost };
}

/** "0-2,5,7-8": ascending ranks with runs collapsed. */
function rankRanges(ranks: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ranks.length;) {
    let j = i;
    while (j + 1 < ranks.length && ranks[j + 1] === ranks[j] + 1) j++;
    parts.push(j > i ? `${ranks[i]}-${ranks[j]}` : `${ranks[i]}`);
    i = j + 1;
  }
  return parts.length ? parts.join(",") : "none";
}

/** The --display-map text, one line per host (as mpirun's JOB MAP). Ends with a newline. */
export function formatMap(placement: Placement): string {
  const labels = placement.hosts.map((h) => hostLabel(h));
  const width = Math.max(...labels.map((l) => l.length));
  const lines = placement.hosts.map((h, i) => {
    const ranks = placement.ranksByHost[i];
    const over = ranks.length > h.slots ? " (oversubscribed)" : "";
    return (
      `  ${labels[i].padEnd(width)}  slots: ${h.slots}  max_slots: ${h.maxSlots ?? "-"}  ` +
      `procs: ${ranks.length}  ranks: ${rankRanges(ranks)}${over}`
    );
  });
  const header = `========================   JOB MAP   ========================`;
  const summary = `  ${placement.np} ranks on ${placement.hosts.length} hosts, --map-by ${placement.mapBy}`;
  return [header, summary, ...lines, "=".repeat(header.length)].join("\n") + "\n";
}
