// One SSH connection to one host of a multi-machine run (issue 7), with ssh2, checked as OpenSSH would:
// ~/.ssh/config (config.ts), agent and key files (auth.ts), known_hosts (knownhosts.ts).
//
//   connectHost(target, options) → Promise<SshConnection>
//     target:  {host, user?, port?} as in the hostfile (HostEntry fits)
//     options: timeoutMs (10 000: TCP connect + handshake + authentication), knownHostsFiles (default
//              ~/.ssh/known_hosts, known_hosts2, /etc/ssh/ssh_known_hosts; the first one receives accepted keys),
//              acceptNewHosts, keyFile (--ssh-key), passphrase, home, configPath (null: no ssh config), env (for
//              SSH_AUTH_SOCK), localUser, keepaliveMs (5 000; 3 unanswered → the connection counts as lost)
//     rejects with SshError (errors.ts): one line "ssh to <host>: <cause>. <hint>", .failure = dns | refused |
//     unreachable | timeout | auth | no-key | key-passphrase | key-file | hostkey-unknown | hostkey-changed |
//     hostkey-revoked | config | protocol. Nothing is left open on failure.
//   SshConnection
//     .exec(command, {pty?}) → Promise<RemoteProcess>: stdin (Writable), stdout/stderr (Readable),
//        exited: Promise<{code, signal, lost?}> (signal like "SIGTERM"; lost: the connection dropped first),
//        close(): closes the channel. Without a pty, closing does NOT stop the remote command: hosts.ts wraps
//        commands in a guard that does. With a pty, sshd hangs it up (SIGHUP) but stdout and stderr merge.
//     .closed: Promise<SshError | null> — null after close(), an SshError "lost" if the connection dropped
//     .close(): Promise<void>
//     .target (ResolvedTarget) and .label ("th1 (10.210.0.11:22)") for messages
// This file opens the connection (host key check, authentication, one-line errors); what an open connection
// does (exec, copying files, closing) is session.ts.
import ssh2 from "ssh2";
import { AuthSetupError, planAuthentication, type AuthPlan } from "./auth.ts";
import { resolveSshTarget, type ResolvedTarget, type SshTarget } from "./config.ts";
import { describeHost, SshError } from "./errors.ts";
import {
  appendKnownHost,
  checkHostKey,
  defaultKnownHostsFiles,
  knownHostsName,
  knownKeyTypes,
  verdictMessage,
} from "./knownhosts.ts";
import { makeConnection, type SshConnection } from "./session.ts";

export type { RemoteExit, RemoteProcess, SshConnection } from "./session.ts";

export interface ConnectOptions {
  timeoutMs?: number;
  knownHostsFiles?: string[];
  acceptNewHosts?: boolean;
  keyFile?: string;
  passphrase?: string;
  home?: string;
  configPath?: string | null;
  env?: NodeJS.ProcessEnv;
  localUser?: string;
  keepaliveMs?: number;
}

/** Host key algorithms, the types already in known_hosts first (so a known host is checked, not "unknown"). */
const HOST_KEY_ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
];

function preferredHostKeyAlgorithms(knownTypes: string[]): string[] {
  const preferred = HOST_KEY_ALGORITHMS.filter((algo) =>
    knownTypes.some((type) => type === algo || (type === "ssh-rsa" && algo.startsWith("rsa-sha2"))),
  );
  return [...preferred, ...HOST_KEY_ALGORITHMS.filter((algo) => !preferred.includes(algo))];
}

/** ssh2/socket error → the user's one-line message. */
function classify(
  err: Error & { code?: string | number; level?: string },
  target: ResolvedTarget,
  label: string,
  plan: AuthPlan,
  timeoutMs: number,
): SshError {
  const at = `ssh to ${label}`;
  switch (err.code) {
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "EAI_NONAME":
      return new SshError(
        target.alias,
        "dns",
        `${at}: unknown host name ${JSON.stringify(target.hostName)} ` +
          `(DNS lookup failed: ${err.code}). Check the name in the hostfile, /etc/hosts or ~/.ssh/config`,
      );
    case "ECONNREFUSED":
      return new SshError(
        target.alias,
        "refused",
        `${at}: connection refused on port ${target.port}. ` + "Is sshd running there and listening on that port?",
      );
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new SshError(
        target.alias,
        "unreachable",
        `${at}: no route to the host (${err.code}). Is it on this network?`,
      );
    case "ETIMEDOUT":
      return new SshError(target.alias, "timeout", `${at}: connection timed out (${err.code}). Is the host up?`);
  }
  if (err.level === "client-authentication") {
    const skipped = plan.skippedEncrypted.length
      ? ` (skipped, passphrase needed and no agent: ${plan.skippedEncrypted.join(", ")})`
      : "";
    return new SshError(
      target.alias,
      "auth",
      `${at}: authentication failed as ${target.user}: the server ` +
        `refused ${plan.tried.join(", ")}${skipped}. Is your public key in ~${target.user}/.ssh/authorized_keys ` +
        `there? (ssh-copy-id ${target.user}@${target.hostName}), or pass --ssh-key FILE`,
    );
  }
  if (err.level === "client-timeout") {
    return new SshError(target.alias, "timeout", `${at}: no SSH handshake within ${timeoutMs / 1000} s`);
  }
  const detail = err.code === "ECONNRESET" ? "the connection was reset during the SSH handshake" : err.message;
  return new SshError(target.alias, "protocol", `${at}: ${detail}`);
}

/** Connects and authenticates to one host. Rejects with one SshError naming the host and the cause. */
export function connectHost(target: SshTarget, options: ConnectOptions = {}): Promise<SshConnection> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let resolved: ResolvedTarget;
  let plan: AuthPlan;
  try {
    resolved = resolveSshTarget(target, {
      home: options.home,
      configPath: options.configPath,
      localUser: options.localUser,
    });
  } catch (err) {
    return Promise.reject(new SshError(target.host, "config", `ssh to ${target.host}: ${(err as Error).message}`));
  }
  const label = describeHost(resolved);
  try {
    plan = planAuthentication(resolved.user, {
      keyFile: options.keyFile,
      identityFiles: resolved.identityFiles,
      passphrase: options.passphrase,
      home: options.home,
      env: options.env,
    });
  } catch (err) {
    if (!(err instanceof AuthSetupError)) throw err;
    return Promise.reject(new SshError(target.host, err.failure, `ssh to ${label}: ${err.message}`));
  }
  const files = options.knownHostsFiles ?? defaultKnownHostsFiles(options.home);
  const name = knownHostsName(resolved.hostName, resolved.port);
  let refusal: SshError | undefined;
  const hostVerifier = (key: Buffer): boolean => {
    const verdict = checkHostKey(name, key, files);
    if (verdict.status === "known") return true;
    if (verdict.status === "unknown" && options.acceptNewHosts && verdict.otherTypes.length === 0) {
      appendKnownHost(files[0], name, key);
      return true;
    }
    const message = verdictMessage(verdict, name, resolved.hostName, resolved.port, files);
    refusal = new SshError(target.host, `hostkey-${verdict.status}`, `ssh to ${label}: ${message}`);
    return false;
  };
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: SshError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners("ready");
      client.on("error", () => undefined);
      client.destroy();
      reject(error);
    };
    const timer = setTimeout(
      () =>
        fail(
          new SshError(
            target.host,
            "timeout",
            `ssh to ${label}: no answer within ${timeoutMs / 1000} s (connect timeout). Is the host up and reachable?`,
          ),
        ),
      timeoutMs,
    );
    client.once("ready", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeAllListeners("error");
      resolve(makeConnection(client, resolved, label));
    });
    client.on("error", (err) => fail(refusal ?? classify(err, resolved, label, plan, timeoutMs)));
    client.on("close", () =>
      fail(
        refusal ??
          new SshError(
            target.host,
            "protocol",
            `ssh to ${label}: the server closed the connection during the SSH handshake`,
          ),
      ),
    );
    client.connect({
      host: resolved.hostName,
      port: resolved.port,
      username: resolved.user,
      authHandler: plan.methods,
      hostVerifier,
      readyTimeout: timeoutMs + 5_000,
      keepaliveInterval: options.keepaliveMs ?? 5_000,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(knownKeyTypes(name, files)) as never },
    });
  });
}
