// Reading a file a graded program wrote. When a class is graded, the grader runs as the teacher (often
// root) outside the file sandbox, while the file lies in a directory the student's program could write:
// it may have left a link (or a hard link, or a fifo) there, so that the grader's message quotes the teacher's
// files or a reference solution, or a file so big the grader runs out of memory. Opened with O_NOFOLLOW and
// O_NONBLOCK, then checked on the open descriptor (no race with a rename): a regular file, one name only,
// owned by this process's user or by the owner of its directory (who wrote it there), inside one of the
// allowed directories (its real path, read from /proc/self/fd), at most `maxBytes`.
import * as fs from "node:fs";
import * as path from "node:path";

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface WrittenFileRules {
  /** Real paths of the directories the file must lie in (default: anywhere). */
  within?: Iterable<string>;
  /** Largest file read, in bytes (default 64 MiB: the sandbox's file-size limit). */
  maxBytes?: number;
}

/** Why a written file was not read. */
export type UnsafeReason = "link" | "not a regular file" | "outside" | "foreign owner" | "too large" | "unreadable";

export class UnsafeFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: UnsafeReason,
    detail: string,
  ) {
    super(`${path.basename(file)} ${detail}`);
    this.name = "UnsafeFileError";
  }
}

function openNoFollow(file: string): number | undefined {
  try {
    return fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw new UnsafeFileError(file, "link", "cannot be opened (it is a link)");
    throw new UnsafeFileError(file, "unreadable", `cannot be opened (${code})`);
  }
}

/** The checks on the open descriptor; throws UnsafeFileError naming the first one that fails. */
function checkOpened(fd: number, file: string, rules: WrittenFileRules): fs.Stats {
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) throw new UnsafeFileError(file, "not a regular file", "is not a regular file");
  if (stat.nlink !== 1)
    throw new UnsafeFileError(file, "not a regular file", `is a file with ${stat.nlink} names (a hard link)`);
  const opened = fs.readlinkSync(`/proc/self/fd/${fd}`);
  if (rules.within) {
    const inside = [...rules.within].some((dir) => opened.startsWith(dir + path.sep));
    if (!inside) throw new UnsafeFileError(file, "outside", "is not a regular file of the program's directory");
  }
  const directoryOwner = fs.statSync(path.dirname(opened)).uid;
  if (stat.uid !== process.getuid?.() && stat.uid !== directoryOwner)
    throw new UnsafeFileError(file, "foreign owner", `is owned by uid ${stat.uid}, not by the program that wrote it`);
  const max = rules.maxBytes ?? DEFAULT_MAX_BYTES;
  if (stat.size > max) throw new UnsafeFileError(file, "too large", `is ${stat.size} bytes, more than ${max}`);
  return stat;
}

/**
 * The text of a file a graded program wrote, or "" when it does not exist. Throws UnsafeFileError when it
 * is a link, not a regular file, outside `within`, someone else's, or too large.
 */
export function readWrittenFile(file: string, rules: WrittenFileRules = {}): string {
  const fd = openNoFollow(file);
  if (fd === undefined) return "";
  try {
    const stat = checkOpened(fd, file, rules);
    const max = rules.maxBytes ?? DEFAULT_MAX_BYTES;
    const buffer = Buffer.alloc(Math.min(stat.size, max) + 1);
    let length = 0;
    for (
      let n: number;
      length < buffer.length && (n = fs.readSync(fd, buffer, length, buffer.length - length, length)) > 0;
    )
      length += n;
    if (length > max) throw new UnsafeFileError(file, "too large", `grew past ${max} bytes`);
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}
