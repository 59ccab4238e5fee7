// Source locations of the user's code: which line of the program made an MPI call, for the deadlock
// report, the unreceived-message warnings and the trace ("at ring.ts:14:9"). A site is the first stack
// frame outside tsmpi's runtime and Node's internals. Frames are read as V8 call sites (no text
// formatting) and mapped through the bundle's source map once per position, so a lookup after the first
// costs one Map access per frame. Capturing a stack still costs a few microseconds: callers capture only
// when checks or the trace are on, and the blocking-call records capture lazily (see activity.ts).
import * as path from "node:path";
import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";

const runtimeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..") + path.sep;
/** Bundle position ("file:line:col") → user site, or null for a runtime or internal frame. */
const resolved = new Map<string, string | null>();

type CallSite = NodeJS.CallSite;

/** The call sites of the current stack, innermost first (V8's structured stack, no formatting). */
export function callSites(skip: (...args: never[]) => unknown, limit = 24): CallSite[] {
  const savedPrepare = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_err, frames) => frames;
  Error.stackTraceLimit = limit;
  const holder: { stack?: CallSite[] } = {};
  Error.captureStackTrace(holder, skip);
  const frames = holder.stack ?? [];
  Error.prepareStackTrace = savedPrepare;
  Error.stackTraceLimit = savedLimit;
  return frames;
}

/** The user's source location of the current call ("prog.ts:12:9"), or undefined if none is found. */
export function siteHere(): string | undefined {
  return userSite(callSites(siteHere));
}

/** A stack captured now, resolved later (only if someone asks): see siteOfCapture(). */
export function captureStack(): CallSite[] {
  return callSites(captureStack);
}

/** A stack frame's position in the running file (the bundle), not yet mapped to the user's source. */
export type RawFrame = [file: string, line: number, col: number];

/**
 * The current stack as raw positions, resolved only when a report needs them (userSiteOfRaw). Parsing the
 * bundle's source map keeps a large structure alive, which makes every later garbage collection slower
 * (measured: a 1 MiB ping-pong ×2.5): the checks capture raw positions on the fast path and map them late.
 */
export function rawStackHere(): RawFrame[] {
  return callSites(rawStackHere, 16).flatMap((f) => {
    const file = f.getFileName();
    return file ? [[file, f.getLineNumber() ?? 0, f.getColumnNumber() ?? 0] as RawFrame] : [];
  });
}

/** The first user frame of raw positions, resolved through the source map. */
export function userSiteOfRaw(frames: RawFrame[]): string | undefined {
  for (const [file, line, col] of frames) {
    const site = resolveCached(file, line, col);
    if (site) return site;
  }
  return undefined;
}

function resolveCached(file: string, line: number, col: number): string | null {
  const key = `${file}:${line}:${col}`;
  let site = resolved.get(key);
  if (site === undefined) {
    site = resolveFrame(file, line, col);
    if (resolved.size < 100_000) resolved.set(key, site);
  }
  return site;
}

/** The first user frame of `frames`, resolved through the source map. */
export function userSite(frames: CallSite[]): string | undefined {
  for (const f of frames) {
    const file = f.getFileName();
    if (!file) continue;
    const line = f.getLineNumber() ?? 0;
    const col = f.getColumnNumber() ?? 0;
    const key = `${file}:${line}:${col}`;
    let site = resolved.get(key);
    if (site === undefined) {
      site = resolveFrame(file, line, col);
      if (resolved.size < 100_000) resolved.set(key, site);
    }
    if (site) return site;
  }
  return undefined;
}

function resolveFrame(file: string, line: number, col: number): string | null {
  if (file.startsWith("node:") || file.includes(`${path.sep}node_modules${path.sep}`)) return null;
  let source = file;
  let srcLine = line;
  let srcCol = col;
  const localPath = file.startsWith("file:") ? fileURLToPath(file) : file;
  const map = safeFindSourceMap(localPath);
  if (map) {
    const entry = map.findEntry(line - 1, col - 1) as {
      originalSource?: string;
      originalLine?: number;
      originalColumn?: number;
    };
    if (entry && entry.originalSource) {
      source = entry.originalSource;
      srcLine = (entry.originalLine ?? 0) + 1;
      srcCol = (entry.originalColumn ?? 0) + 1;
    }
  }
  const abs = source.startsWith("file:") ? fileURLToPath(source) : source;
  if (abs.startsWith(runtimeDir) || abs.startsWith("node:") || abs.includes(`${path.sep}node_modules${path.sep}`))
    return null;
  return `${displayPath(abs)}:${srcLine}:${srcCol}`;
}

function safeFindSourceMap(file: string): ReturnType<typeof findSourceMap> | undefined {
  try {
    return findSourceMap(file);
  } catch {
    return undefined;
  }
}

/** A path as the user would type it: relative to the working directory when inside it. */
export function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : abs;
}
