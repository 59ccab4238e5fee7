// Hostfile and --host parsing for multi-machine runs (issue 7), as mpirun reads them. Pure: text in, entries out.
//
// Accepted forms, one host per line (Open MPI and MPICH/Hydra syntax may be mixed in one file):
//   host                       one slot (Open MPI's default for a hostfile line without slots=)
//   host slots=N               N slots
//   host slots=N max_slots=M   N slots, at most M ranks even with --oversubscribe (M ≥ N; max-slots also accepted)
//   host:N                     MPICH/Hydra: N slots
//   user@host ...              log in as user (else ~/.ssh/config's User, else the current user)
//   host port=N ...            SSH port (else ~/.ssh/config's Port, else 22)
//   [v6addr] / [v6addr]:N      an IPv6 address in brackets
// `#` starts a comment (whole line or trailing); blank lines are ignored; `key = value` spacing is allowed.
// A host listed twice (same user, host and port) adds its slots to its first entry, which keeps its position.
//
// API:
//   parseHostfile(text, fileName) → HostEntry[]     throws HostfileError naming file, line and the line's text
//   parseHostList("h1,h2:2,u@h3") → HostEntry[]     the --host option; source.file is "--host", line = item number
//   hostLabel(entry) → "user@host:port" as typed (for messages)
export interface HostEntry {
  host: string;
  user?: string;
  port?: number;
  slots: number;
  maxSlots?: number;
  source: { file: string; line: number };
}

export const ACCEPTED_FORMS =
  "accepted forms: 'host', 'host slots=N', 'host slots=N max_slots=M', 'host:N', 'user@host', 'host port=N', '# comment'";

export class HostfileError extends Error {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  constructor(file: string, line: number, text: string, problem: string) {
    super(`${file} line ${line}: ${JSON.stringify(text)}: ${problem}; ${ACCEPTED_FORMS}`);
    this.name = "HostfileError";
    this.file = file;
    this.line = line;
    this.text = text;
  }
}

const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const IPV6_IN_BRACKETS = /^\[([0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?)\]$/;
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?$/;
const WHOLE_NUMBER = /^[0-9]+$/;

/** A problem found in one line; turned into a HostfileError by the caller, who knows file and line. */
class LineProblem extends Error {}

function parseCount(value: string, what: string, min: number, max: number): number {
  if (!WHOLE_NUMBER.test(value)) throw new LineProblem(`${what} must be a whole number, got ${JSON.stringify(value)}`);
  const n = Number(value);
  if (n < min || n > max) throw new LineProblem(`${what} must be between ${min} and ${max}, got ${value}`);
  return n;
}

/** `[user@]host[:N]` → its parts; the slot count is undefined when there is no `:N`. */
function parseHostSpec(spec: string): { host: string; user?: string; slots?: number } {
  let rest = spec;
  let user: string | undefined;
  const at = rest.lastIndexOf("@");
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!USER_NAME.test(user)) throw new LineProblem(`invalid user name ${JSON.stringify(user)}`);
  }
  let slots: number | undefined;
  let host = rest;
  const colon = rest.lastIndexOf(":");
  const bracketed = rest.startsWith("[");
  if (!bracketed && rest.indexOf(":") !== colon) {
    throw new LineProblem(
      `${JSON.stringify(rest)} has more than one ':' (write an IPv6 address in brackets: [addr]:N)`,
    );
  }
  if (colon >= 0 && (!bracketed || colon > rest.lastIndexOf("]"))) {
    host = rest.slice(0, colon);
    slots = parseCount(rest.slice(colon + 1), "the slot count after ':'", 1, 1_000_000);
  }
  if (bracketed) {
    const v6 = IPV6_IN_BRACKETS.exec(host);
    if (!v6) throw new LineProblem(`invalid bracketed address ${JSON.stringify(host)}`);
    host = v6[1];
  } else if (!HOST_NAME.test(host)) {
    throw new LineProblem(host === "" ? "missing host name" : `invalid host name ${JSON.stringify(host)}`);
  }
  return { host, user, slots };
}

/** One non-empty, comment-free line → an entry without its source. */
function parseLineContent(content: string): Omit<HostEntry, "source"> {
  const tokens = content
    .replace(/\s*=\s*/g, "=")
    .split(/\s+/)
    .filter((t) => t !== "");
  const spec = parseHostSpec(tokens[0]);
  const seen = new Set<string>();
  let slots = spec.slots;
  let maxSlots: number | undefined;
  let port: number | undefined;
  let user = spec.user;
  for (const token of tokens.slice(1)) {
    const eq = token.indexOf("=");
    if (eq <= 0) throw new LineProblem(`unexpected ${JSON.stringify(token)} (options are key=value)`);
    const key = token.slice(0, eq).toLowerCase().replace("-", "_");
    const value = token.slice(eq + 1);
    if (seen.has(key)) throw new LineProblem(`${key} is given twice`);
    seen.add(key);
    if (key === "slots") {
      if (spec.slots !== undefined) throw new LineProblem("slots given both as host:N and slots=N");
      slots = parseCount(value, "slots", 1, 1_000_000);
    } else if (key === "max_slots") {
      maxSlots = parseCount(value, "max_slots", 1, 1_000_000);
    } else if (key === "port") {
      port = parseCount(value, "port", 1, 65535);
    } else if (key === "user" || key === "username") {
      if (user !== undefined) throw new LineProblem("user given both as user@host and user=");
      if (!USER_NAME.test(value)) throw new LineProblem(`invalid user name ${JSON.stringify(value)}`);
      user = value;
    } else {
      throw new LineProblem(
        `unknown option ${JSON.stringify(token.slice(0, eq))} (known: slots, max_slots, port, user)`,
      );
    }
  }
  const entry: Omit<HostEntry, "source"> = { host: spec.host, slots: slots ?? 1 };
  if (user !== undefined) entry.user = user;
  if (port !== undefined) entry.port = port;
  if (maxSlots !== undefined) {
    if (maxSlots < entry.slots) throw new LineProblem(`max_slots=${maxSlots} is less than slots=${entry.slots}`);
    entry.maxSlots = maxSlots;
  }
  return entry;
}

/** The same machine and login: user, host and port (undefined port/user compare as "default"). */
function sameLogin(a: Omit<HostEntry, "source">, b: Omit<HostEntry, "source">): boolean {
  return a.host === b.host && a.user === b.user && a.port === b.port;
}

/** Adds a repeated host's slots to its first entry (mpirun: a host listed twice adds its slots). */
function mergeInto(entries: HostEntry[], entry: HostEntry): void {
  const first = entries.find((e) => sameLogin(e, entry));
  if (!first) {
    entries.push(entry);
    return;
  }
  const firstMax = first.maxSlots;
  first.slots += entry.slots;
  if (firstMax !== undefined && entry.maxSlots !== undefined) first.maxSlots = firstMax + entry.maxSlots;
  else delete first.maxSlots; // one of them is unlimited, so the merged host is too
}

/** Parses an Open MPI / MPICH hostfile. Throws HostfileError on the first bad line or when no host is listed. */
export function parseHostfile(text: string, fileName: string): HostEntry[] {
  const entries: HostEntry[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const hash = line.indexOf("#");
    const content = (hash >= 0 ? line.slice(0, hash) : line).trim();
    if (content === "") return;
    try {
      mergeInto(entries, { ...parseLineContent(content), source: { file: fileName, line: index + 1 } });
    } catch (err) {
      if (err instanceof LineProblem) throw new HostfileError(fileName, index + 1, line, err.message);
      throw err;
    }
  });
  if (entries.length === 0) {
    throw new HostfileError(fileName, lines.length, "", "the hostfile lists no host (only blank lines or comments)");
  }
  return entries;
}

/** Parses `--host h1,h2:2,u@h3` (each item: [user@]host[:N], one slot by default). */
export function parseHostList(list: string, optionName = "--host"): HostEntry[] {
  const entries: HostEntry[] = [];
  list.split(",").forEach((raw, index) => {
    const item = raw.trim();
    try {
      if (item === "") throw new LineProblem("empty item in the host list");
      if (/\s/.test(item)) throw new LineProblem("a host list item contains a space (write h1,h2:2)");
      const spec = parseHostSpec(item);
      const entry: HostEntry = {
        host: spec.host,
        slots: spec.slots ?? 1,
        source: { file: optionName, line: index + 1 },
      };
      if (spec.user !== undefined) entry.user = spec.user;
      mergeInto(entries, entry);
    } catch (err) {
      if (err instanceof LineProblem) throw new HostfileError(`${optionName} item`, index + 1, item, err.message);
      throw err;
    }
  });
  return entries;
}

/** `user@host:port` with only the parts that were given, for messages and the job map. */
export function hostLabel(entry: Pick<HostEntry, "host" | "user" | "port">): string {
  const host = entry.host.includes(":") ? `[${entry.host}]` : entry.host;
  return `${entry.user ? `${entry.user}@` : ""}${host}${entry.port ? `:${entry.port}` : ""}`;
}
