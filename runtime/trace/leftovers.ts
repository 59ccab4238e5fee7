// What a rank leaves behind at finalize (MPI-4 §11.2.2: finalize with pending communication is erroneous):
// messages sent to it and never received (with the source line of the send), requests never completed
// by a wait or a successful test, windows never freed. Each is a warning, or an error with --strict.
// Send sites cost one Map lookup per send: the stack is captured only for the first few sends of each
// (destination, communicator, tag) — each of those remembered by message id — and each sender tells its
// destinations at finalize, in one CONTROL frame each, where it sent from; the receiver names the site of
// every message left in its queue (by id, else the first send with the same destination and tag).
import { rawStackHere, userSiteOfRaw, type RawFrame } from "./sites.ts";
import type { ObservedEngine } from "./observer.ts";
import { SEND_SITES_CHANNEL } from "../protocol.ts";

const MAX_SITES = 10_000;
const MAX_TRACKED = 100_000;
/** Sends of one (destination, context, tag) whose own source line is remembered. */
const SITES_PER_KEY = 8;

// Sites are kept as raw stack positions and mapped to source lines only when a report needs them
// (sites.ts, rawStackHere): the fast path never parses the bundle's source map.
/** Per "dest:context:tag" (this rank as sender): the first send's stack and the number of sends noted. */
const sendSites = new Map<string, { frames: RawFrame[] | null; noted: number }>();
/** Per destination: message id → stack, for the first sends of each key. */
const idSites = new Map<number, Map<number, RawFrame[]>>();
/** Told by each source at its finalize (this rank as receiver): "source:context:tag" and "source#id" → stack. */
const peerSendSites = new Map<string, RawFrame[]>();
/** Requests not yet completed by wait/test → their description and where the first such request was made. */
const openRequests = new Map<object, string>();
const requestSites = new Map<string, RawFrame[]>();
/** Requests created past MAX_TRACKED: only counted (their completion still counts down). */
let untrackedRequests = 0;
const untracked = new WeakSet<object>();
const openWindows = new Map<object, { description: string; frames: RawFrame[] }>();
let checking = false;

export function setLeftoverChecks(on: boolean, engine: ObservedEngine | null): void {
  checking = on;
  if (on && engine) engine.onControl(SEND_SITES_CHANNEL, (source, frame) => sitesArrived(source, frame.payload));
}

/** Notes where a user message to `dest` was sent from (the first sends of each destination/context/tag). */
export function noteSend(dest: number, context: number, tag: number, id: number): void {
  const key = `${dest}:${context}:${tag}`;
  let entry = sendSites.get(key);
  if (entry && entry.noted >= SITES_PER_KEY) return;
  if (!entry) {
    if (sendSites.size >= MAX_SITES) return;
    sendSites.set(key, (entry = { frames: null, noted: 0 }));
  }
  const frames = rawStackHere();
  entry.noted++;
  entry.frames ??= frames;
  if (!idSites.has(dest)) idSites.set(dest, new Map());
  idSites.get(dest)!.set(id, frames);
}

/** The first send site of each (destination, context, tag) this rank sent to, resolved (a deadlock report names them). */
export function firstSendSites(limit = 200): [dest: number, context: number, tag: number, site: string][] {
  const out: [number, number, number, string][] = [];
  for (const [key, { frames }] of sendSites) {
    const site = frames && userSiteOfRaw(frames);
    if (site) out.push([...(key.split(":").map(Number) as [number, number, number]), site]);
    if (out.length >= limit) break;
  }
  return out;
}

/** At finalize: tells every destination where its messages were sent from (before the frame counts are taken). */
export function sendSitesToPeers(engine: ObservedEngine): void {
  const byDest = new Map<number, { keys: [number, number, RawFrame[]][]; ids: [number, RawFrame[]][] }>();
  const of = (dest: number) => byDest.get(dest) ?? byDest.set(dest, { keys: [], ids: [] }).get(dest)!;
  for (const [key, { frames }] of sendSites) {
    if (!frames) continue;
    const [dest, context, tag] = key.split(":").map(Number);
    of(dest).keys.push([context, tag, frames]);
  }
  for (const [dest, sites] of idSites) of(dest).ids.push(...sites);
  for (const [dest, entries] of byDest)
    engine.sendControl(dest, SEND_SITES_CHANNEL, 0, new TextEncoder().encode(JSON.stringify(entries)));
}

function sitesArrived(source: number, payload: Uint8Array): void {
  const entries = JSON.parse(new TextDecoder().decode(payload)) as {
    keys: [number, number, RawFrame[]][];
    ids: [number, RawFrame[]][];
  };
  for (const [context, tag, site] of entries.keys) peerSendSites.set(`${source}:${context}:${tag}`, site);
  for (const [id, site] of entries.ids) peerSendSites.set(`${source}#${id}`, site);
}

/** Where a message this rank received from `source` was sent: "at x.ts:3:5", or "first such send at …". */
export function sendSiteOf(source: number, context: number, tag: number, id?: number): string | undefined {
  // The sender runs the same bundle, so its raw positions map through this rank's copy of the source map.
  const exactFrames = id === undefined ? undefined : peerSendSites.get(`${source}#${id}`);
  const exact = exactFrames && userSiteOfRaw(exactFrames);
  if (exact) return `sent at ${exact}`;
  const firstFrames = peerSendSites.get(`${source}:${context}:${tag}`);
  const first = firstFrames && userSiteOfRaw(firstFrames);
  return first ? `the first send with this tag was at ${first}` : undefined;
}

// ---- requests and windows -------------------------------------------------------------------------

/** A request was created (runtime/mpi/request.ts calls this). */
export function requestCreated(request: object, description: string): void {
  if (!checking || description === "completed") return;
  if (openRequests.size >= MAX_TRACKED) {
    untrackedRequests++;
    untracked.add(request);
    return;
  }
  if (!requestSites.has(description) && requestSites.size < MAX_SITES) requestSites.set(description, rawStackHere());
  openRequests.set(request, description);
}

/** A request was completed by wait() or a successful test(). */
export function requestCompleted(request: object): void {
  if (!checking) return;
  if (untracked.delete(request)) untrackedRequests--;
  else openRequests.delete(request);
}

/** A window was created (the one-sided layer calls this; `description` e.g. "Win.create(100 × INT32) on COMM_WORLD"). */
export function windowCreated(win: object, description: string): void {
  if (!checking) return;
  openWindows.set(win, { description, frames: rawStackHere() });
}

export function windowFreed(win: object): void {
  openWindows.delete(win);
}

// ---- the finalize report ------------------------------------------------------------------------

export interface Unreceived {
  source: number;
  context: number;
  tag: number;
  size: number;
  id?: number;
}

/** The warnings of this rank's finalize (empty when nothing was left behind). */
export function finalizeWarnings(rank: number, strict: boolean, left: Unreceived[]): string[] {
  const level = strict ? "error" : "warning";
  const out: string[] = [];
  if (left.length) {
    const lines = left.slice(0, 10).map((m) => {
      const site = sendSiteOf(m.source, m.context, m.tag, m.id);
      return `  from rank ${m.source}, tag ${m.tag}, ${m.size} bytes${m.context > 1 ? ` (communicator context ${m.context})` : ""}${site ? `, ${site}` : ""}`;
    });
    if (left.length > 10) lines.push(`  … and ${left.length - 10} more`);
    out.push(
      `tsmpi ${level}: rank ${rank} finalize: ${left.length} message${left.length > 1 ? "s" : ""} sent to rank ${rank} ${left.length > 1 ? "were" : "was"} never received:\n` +
        lines.join("\n") +
        `\n  hint: post a matching recv (source, tag, communicator) for each, or do not send them`,
    );
  }
  const requests = [...openRequests.values()];
  if (requests.length || untrackedRequests) {
    const n = requests.length + untrackedRequests;
    const siteOf = (d: string) => {
      const frames = requestSites.get(d);
      return frames && userSiteOfRaw(frames);
    };
    const lines = requests.slice(0, 10).map((d) => `  ${d}${siteOf(d) ? ` created at ${siteOf(d)}` : ""}`);
    if (n > 10) lines.push(`  … and ${n - Math.min(10, requests.length)} more`);
    out.push(
      `tsmpi ${level}: rank ${rank} finalize: ${n} request${n > 1 ? "s were" : " was"} never completed by wait() or test():\n` +
        lines.join("\n") +
        `\n  hint: every isend/irecv needs a matching wait (or waitall) before finalize`,
    );
  }
  const windows = [...openWindows.values()].map(({ description, frames }) => {
    const site = userSiteOfRaw(frames);
    return site ? `${description} at ${site}` : description;
  });
  if (windows.length) {
    out.push(
      `tsmpi ${level}: rank ${rank} finalize: ${windows.length} window${windows.length > 1 ? "s were" : " was"} never freed:\n` +
        windows
          .slice(0, 10)
          .map((w) => `  ${w}`)
          .join("\n") +
        `\n  hint: call await win.free() on every rank once the window is no longer used`,
    );
  }
  return out;
}
