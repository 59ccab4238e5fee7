// Files a daemon writes at a fixed, well-known path (/tmp/finger.pid, /tmp/finger.log). On a lab machine
// shared by many users, another user may have put a link there, aimed at one of your files: these helpers
// never follow a link and refuse a file that belongs to someone else.
import * as fs from "node:fs";

/** Opens `file` for writing (`append`: at its end; otherwise emptied), refusing a link or another user's file. */
export function openOwnFile(file: string, append: boolean): number {
  const { O_WRONLY, O_CREAT, O_NOFOLLOW, O_APPEND } = fs.constants;
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_NOFOLLOW | (append ? O_APPEND : 0), 0o644);
  const stat = fs.fstatSync(fd);
  if (!stat.isFile() || stat.uid !== process.getuid?.()) {
    fs.closeSync(fd);
    throw new Error(`${file} is not a regular file of yours`);
  }
  if (!append) fs.ftruncateSync(fd);
  return fd;
}

/** Writes `text` as the whole content of `file` (see openOwnFile). */
export function writeOwnFile(file: string, text: string): void {
  const fd = openOwnFile(file, false);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}
