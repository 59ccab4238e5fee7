// Where a socket exercise's server listens (--host ADDR, also spelled --bind): loopback (127.0.0.1) by
// default, so that a program started on a lab machine is not open to the whole network by accident.
// `--host 0.0.0.0` (every interface) or one of the machine's own addresses lets other machines connect;
// the --spawn modes over SSH (common/machines.ts) pass it for their processes. Every server prints the
// address it is bound to, followed by the one-line note below while only this machine can reach it.

/** The default listening address: this machine only. */
export const LOOPBACK = "127.0.0.1";

/** The yargs option `bind` (alias `host`) of a socket server, defaulting to loopback. */
export const listenHostOption = {
  alias: "host",
  type: "string",
  default: LOOPBACK,
  describe:
    "local address to listen on (--bind is the same option); default 127.0.0.1: this machine only; 0.0.0.0: every interface, reachable from other machines",
} as const;

/** The note to print after the listening line, or "" when other machines can connect already. */
export function loopbackNote(host: string): string {
  const loopback = host === "localhost" || host === "::1" || /^127\./.test(host);
  return loopback ? " (only this machine can connect; --host 0.0.0.0 opens it to other machines)" : "";
}
