// The one error a multi-machine run reports when a host cannot be used (issue 7): it names the host and the
// cause in one line, e.g. "ssh to th2 (10.210.0.12:22): connection refused. Is sshd running there?".
//
//   SshError        one host; .host (the name as given), .failure (a stable code for tests and callers)
//   SshHostsError   several hosts failed while connecting in parallel; .errors lists each SshError
//   describeHost()  "user@alias (hostName:port)" with only the parts that add information
export type SshFailure =
  | "dns" // the host name does not resolve
  | "refused" // nothing listens on the port
  | "unreachable" // no route / network down
  | "timeout" // no answer within the connect timeout
  | "auth" // every key was refused
  | "no-key" // no agent and no usable key file
  | "key-passphrase" // the only keys need a passphrase and no agent runs
  | "key-file" // an explicit key file is missing or unreadable
  | "hostkey-unknown" // not in known_hosts (refused unless accept-new)
  | "hostkey-changed" // known_hosts has a different key: always refused
  | "hostkey-revoked" // the key is marked @revoked
  | "config" // ~/.ssh/config cannot be read
  | "protocol" // any other SSH-level error
  | "exec" // the server refused to run a command (channel open / exec request)
  | "lost"; // the connection dropped after it was established

export class SshError extends Error {
  readonly host: string;
  readonly failure: SshFailure;
  constructor(host: string, failure: SshFailure, message: string) {
    super(message);
    this.name = "SshError";
    this.host = host;
    this.failure = failure;
  }
}

export class SshHostsError extends Error {
  readonly errors: SshError[];
  constructor(errors: SshError[], hostCount: number) {
    super(
      errors.length === 1
        ? errors[0].message
        : `${errors.length} of ${hostCount} hosts failed: ${errors.map((e) => e.message).join("; ")}`,
    );
    this.name = "SshHostsError";
    this.errors = errors;
  }
}

export interface HostDescription {
  alias: string;
  hostName: string;
  port: number;
  user: string;
}

/** "root@th1 (10.210.0.11:22)", "th1:2222", … for messages: the name as given, then where it really went. */
export function describeHost(target: HostDescription, withUser = false): string {
  const name = `${withUser ? `${target.user}@` : ""}${target.alias}`;
  if (target.hostName !== target.alias) return `${name} (${target.hostName}:${target.port})`;
  return target.port === 22 ? name : `${name}:${target.port}`;
}
