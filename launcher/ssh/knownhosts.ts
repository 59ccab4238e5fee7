// Host key checking against known_hosts for multi-machine runs, as OpenSSH's StrictHostKeyChecking (issue 7).
//
// Entries: "patterns keytype base64 [comment]", patterns comma-separated: names, addresses, `[host]:port` for a
// port other than 22, wildcards * and ?, negation !pattern, hashed |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
// "@revoked" lines refuse a key; "@cert-authority" lines are skipped (no certificates here).
//
//   knownHostsName(hostName, port)                 "th1" or "[th1]:2222", the name looked up (OpenSSH's)
//   checkHostKey(name, keyBlob, files)             → HostKeyVerdict: known | unknown | changed | revoked
//   knownKeyTypes(name, files)                     key types on file for the name (to ask the server for them)
//   appendKnownHost(file, name, keyBlob)           accept-new: append "name type base64", creating the file
//   fingerprint(keyBlob)                           "SHA256:…" as ssh-keygen -l prints it
//   verdictMessage(verdict, host, name, port, files) the refusal text: fingerprint and the command to accept, or
//                                                  the loud changed-key warning (never overridden)
import { createHash, createHmac } from "node:crypto";
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface KnownHostsLocation {
  file: string;
  line: number;
}

export type HostKeyVerdict =
  | { status: "known"; at: KnownHostsLocation }
  | { status: "unknown"; keyType: string; fingerprint: string; otherTypes: string[] }
  | { status: "changed"; keyType: string; fingerprint: string; knownFingerprint: string; at: KnownHostsLocation }
  | { status: "revoked"; keyType: string; fingerprint: string; at: KnownHostsLocation };

interface KnownHostsEntry {
  marker: "" | "@revoked" | "@cert-authority";
  patterns: string;
  keyType: string;
  key: Buffer;
  at: KnownHostsLocation;
}

/** OpenSSH's default files: ~/.ssh/known_hosts, ~/.ssh/known_hosts2, /etc/ssh/ssh_known_hosts. */
export function defaultKnownHostsFiles(home = os.homedir()): string[] {
  return [path.join(home, ".ssh", "known_hosts"), path.join(home, ".ssh", "known_hosts2"), "/etc/ssh/ssh_known_hosts"];
}

export function knownHostsName(hostName: string, port: number): string {
  return port === 22 ? hostName : `[${hostName}]:${port}`;
}

export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The key type inside an SSH wire-format public key (its first string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return "unknown";
  const length = keyBlob.readUInt32BE(0);
  return length > 0 && length <= 64 && keyBlob.length >= 4 + length
    ? keyBlob.toString("latin1", 4, 4 + length)
    : "unknown";
}

function parseEntries(file: string): KnownHostsEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return []; // a missing or unreadable known_hosts file holds no keys, as for OpenSSH
  }
  const entries: KnownHostsEntry[] = [];
  text.split("\n").forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === "" || fields[0].startsWith("#")) return;
    const marker = fields[0].startsWith("@") ? fields.shift()! : "";
    if (marker !== "" && marker !== "@revoked" && marker !== "@cert-authority") return;
    if (fields.length < 3) return;
    entries.push({
      marker,
      patterns: fields[0],
      keyType: fields[1],
      key: Buffer.from(fields[2], "base64"),
      at: { file, line: index + 1 },
    });
  });
  return entries;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "i").test(name);
}

function hashedMatch(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split("|");
  if (magic !== "1" || !salt || !hash) return false;
  const computed = createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64");
  return computed === hash;
}

/** OpenSSH's match_hostname: a negated match excludes, otherwise any positive match includes. */
export function patternsMatch(patterns: string, name: string): boolean {
  if (patterns.startsWith("|")) return hashedMatch(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(",")) {
    const negated = pattern.startsWith("!");
    if (wildcardMatch(negated ? pattern.slice(1) : pattern, name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function entriesFor(name: string, files: string[]): KnownHostsEntry[] {
  const lower = name.toLowerCase();
  return files.flatMap(parseEntries).filter((e) => e.marker !== "@cert-authority" && patternsMatch(e.patterns, lower));
}

export function knownKeyTypes(name: string, files: string[]): string[] {
  return [
    ...new Set(
      entriesFor(name, files)
        .filter((e) => e.marker === "")
        .map((e) => e.keyType),
    ),
  ];
}

export function checkHostKey(name: string, keyBlob: Buffer, files: string[]): HostKeyVerdict {
  const keyType = keyTypeOf(keyBlob);
  const print = fingerprint(keyBlob);
  const entries = entriesFor(name, files);
  const revoked = entries.find((e) => e.marker === "@revoked" && e.key.equals(keyBlob));
  if (revoked) return { status: "revoked", keyType, fingerprint: print, at: revoked.at };
  const plain = entries.filter((e) => e.marker === "");
  const same = plain.find((e) => e.key.equals(keyBlob));
  if (same) return { status: "known", at: same.at };
  const sameType = plain.find((e) => e.keyType === keyType);
  if (sameType) {
    return {
      status: "changed",
      keyType,
      fingerprint: print,
      knownFingerprint: fingerprint(sameType.key),
      at: sameType.at,
    };
  }
  return { status: "unknown", keyType, fingerprint: print, otherTypes: [...new Set(plain.map((e) => e.keyType))] };
}

function endsWithNewline(file: string): boolean {
  const size = statSync(file).size;
  if (size === 0) return true;
  const fd = openSync(file, "r");
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}

/** Appends the key as StrictHostKeyChecking=accept-new does (creating ~/.ssh mode 700, the file mode 600). */
export function appendKnownHost(file: string, name: string, keyBlob: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  let prefix = "";
  try {
    if (!endsWithNewline(file)) prefix = "\n";
  } catch {
    // no file yet: appendFileSync creates it
  }
  appendFileSync(file, `${prefix}${name} ${keyTypeOf(keyBlob)} ${keyBlob.toString("base64")}\n`, { mode: 0o600 });
}

/** ssh-keyscan's name for a key type (its -t option). */
function keyscanType(keyType: string): string {
  if (keyType === "ssh-ed25519") return "ed25519";
  if (keyType.startsWith("ecdsa-")) return "ecdsa";
  if (keyType === "ssh-rsa") return "rsa";
  return keyType;
}

/** The refusal message for a verdict other than "known" (the caller prefixes "ssh to HOST: "). */
export function verdictMessage(
  verdict: Exclude<HostKeyVerdict, { status: "known" }>,
  name: string,
  hostName: string,
  port: number,
  files: string[],
): string {
  const userFile = files[0];
  if (verdict.status === "changed") {
    return (
      `WARNING: HOST KEY HAS CHANGED! The ${verdict.keyType} key offered is ${verdict.fingerprint} but ` +
      `${verdict.at.file} line ${verdict.at.line} says ${verdict.knownFingerprint}. Someone may be intercepting ` +
      "the connection (man-in-the-middle), or the host was reinstalled. Refused (--accept-new-hosts never " +
      `overrides this). If the change is expected, remove the old key: ssh-keygen -R '${name}' -f ${verdict.at.file}`
    );
  }
  if (verdict.status === "revoked") {
    return `the ${verdict.keyType} key ${verdict.fingerprint} is marked @revoked in ${verdict.at.file} line ${verdict.at.line}. Refused`;
  }
  const portOption = port === 22 ? "" : `-p ${port} `;
  const other = verdict.otherTypes.length
    ? ` (known_hosts holds ${verdict.otherTypes.join(", ")} keys for it, not this type: check before accepting)`
    : "";
  return (
    `host key unknown${other}: ${verdict.keyType} ${verdict.fingerprint} is not in ${files.join(" or ")}. ` +
    `If that fingerprint is right, accept it with: ssh-keyscan ${portOption}-t ${keyscanType(verdict.keyType)} ` +
    `${hostName} >> ${userFile} (or run again with --accept-new-hosts, which adds unknown keys as ` +
    "StrictHostKeyChecking=accept-new does)"
  );
}
