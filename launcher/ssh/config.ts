// ~/.ssh/config for multi-machine runs (issue 7): what `ssh host` would use for Host/HostName/User/Port/
// IdentityFile, computed with the `ssh-config` package (first value wins, as ssh_config(5) says).
//
//   resolveSshTarget({host, user?, port?}, {home?, configPath?, localUser?}) → ResolvedTarget
// Precedence as OpenSSH: what the hostfile says (user@host, port=N) beats the config file, which beats the
// defaults (port 22, the local user). `Match exec` blocks are never run. Tokens %h %n %p %r %u %d %% and a
// leading ~ are expanded in HostName and IdentityFile. A missing config file is no error; an unreadable one
// is reported by the caller as the host's error.
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import SSHConfig from "ssh-config";

export interface SshTarget {
  /** The name as written in the hostfile (an alias in ~/.ssh/config, a DNS name or an address). */
  host: string;
  user?: string;
  port?: number;
}

export interface ConfigOptions {
  /** Home directory for ~ and the default config path (default: os.homedir()). */
  home?: string;
  /** The ssh config file (default: HOME/.ssh/config); null = read no config file. */
  configPath?: string | null;
  /** The local user name (default: os.userInfo().username). */
  localUser?: string;
}

export interface ResolvedTarget {
  /** The name as given, for messages. */
  alias: string;
  /** The name or address to connect to (config HostName, else the alias). */
  hostName: string;
  port: number;
  user: string;
  /** IdentityFile entries in config order, expanded to absolute paths (empty: none configured). */
  identityFiles: string[];
}

export function defaultLocalUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? "root";
  }
}

function readConfig(configPath: string | null): SSHConfig | undefined {
  if (configPath === null) return undefined;
  let text: string;
  try {
    text = readFileSync(configPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`cannot read ssh config ${configPath}: ${(err as Error).message}`, { cause: err });
  }
  return SSHConfig.parse(text);
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Expands ssh_config tokens and a leading ~ (ssh_config(5) TOKENS, the common ones). */
export function expandTokens(value: string, tokens: Record<string, string>, home: string): string {
  const expanded = value.replace(/%(.)/g, (whole, letter: string) =>
    letter === "%" ? "%" : (tokens[letter] ?? whole),
  );
  if (expanded === "~") return home;
  if (expanded.startsWith("~/")) return path.join(home, expanded.slice(2));
  return expanded;
}

/** What `ssh [user@]host [-p port]` would connect to, after ~/.ssh/config. */
export function resolveSshTarget(target: SshTarget, options: ConfigOptions = {}): ResolvedTarget {
  const home = options.home ?? os.homedir();
  const localUser = options.localUser ?? defaultLocalUser();
  const config = readConfig(options.configPath === undefined ? path.join(home, ".ssh", "config") : options.configPath);
  const computed = config ? config.compute(target.host, { ignoreCase: true, matchExec: false }) : {};
  const configPort = Number(firstValue(computed.port));
  const port = target.port ?? (Number.isInteger(configPort) && configPort > 0 ? configPort : 22);
  const user = target.user ?? firstValue(computed.user) ?? localUser;
  const baseTokens = { n: target.host, h: target.host, p: String(port), r: user, u: localUser, d: home };
  const configHostName = firstValue(computed.hostname);
  const hostName = configHostName ? expandTokens(configHostName, baseTokens, home) : target.host;
  const tokens = { ...baseTokens, h: hostName };
  const identities = computed.identityfile;
  const identityFiles = (Array.isArray(identities) ? identities : identities ? [identities] : [])
    .filter((file) => file.toLowerCase() !== "none")
    .map((file) => path.resolve(home, expandTokens(file, tokens, home)));
  return { alias: target.host, hostName, port, user, identityFiles };
}
