// Where a salad server listens (--host ADDR): loopback by default, so a lab machine's master is not open to
// the network by accident; `--host 0.0.0.0` (every interface) or the machine's address lets workers on
// other machines in, as the course's multi-machine runs need. Shared by the RPC master, the counter server
// and the REST master.
import * as net from "node:net";
import * as os from "node:os";

export const DEFAULT_HOST = "127.0.0.1";

/** The --host option for node:util parseArgs. */
export const hostOption = { host: { type: "string", default: DEFAULT_HOST } } as const;

/** Checks --host: an IP address or a host name (no scheme, no port). */
export function checkHost(host: string): string {
  if (net.isIP(host) || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) return host;
  throw new Error(
    `--host must be an address or host name such as 0.0.0.0 or 10.0.0.5 (no scheme, no port), got "${host}"`,
  );
}

/** The host to put in the URL workers should use: the machine's name when listening on every interface. */
export function reachableHost(host: string): string {
  return host === "0.0.0.0" || host === "::" ? os.hostname() : host;
}

/** The one-line note printed at start when only this machine can connect, or undefined. */
export function loopbackNote(host: string): string | undefined {
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") return undefined;
  return "(only this machine can connect; --host 0.0.0.0 lets workers on other machines in)";
}
