// SSH user authentication for multi-machine runs, in OpenSSH's order (issue 7):
//   1. ssh-agent, when SSH_AUTH_SOCK names an existing socket;
//   2. the explicit key (--ssh-key FILE) and ~/.ssh/config IdentityFile entries, in that order;
//   3. only when neither 2 gives a file: ~/.ssh/id_ed25519, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa (those that exist).
// Keys are read and parsed before connecting. A key protected by a passphrase is used when a passphrase is
// given; otherwise it is left to the agent, and when there is no agent and no other key, planAuthentication
// fails with a message naming the file and how to load it into an agent. A missing explicit key file is an
// error; missing config/default files are skipped as OpenSSH does.
//
//   planAuthentication(user, {keyFile?, identityFiles?, passphrase?, home?, env?}) → AuthPlan
//     .methods: ssh2 AuthMethods, tried in order (connectHost passes them as authHandler)
//     .tried:   human descriptions ("ssh-agent", "/root/.ssh/id_ed25519") for the auth-failure message
//   AuthSetupError: no usable method; .failure is "no-key", "key-passphrase" or "key-file"
import { readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ssh2 from "ssh2";
import type { AgentAuthMethod, PublicKeyAuthMethod } from "ssh2";
import type { SshFailure } from "./errors.ts";

export const DEFAULT_IDENTITY_FILES = ["id_ed25519", "id_ecdsa", "id_rsa"];

export interface AuthOptions {
  /** --ssh-key FILE: tried after the agent, before config IdentityFile entries. */
  keyFile?: string;
  /** IdentityFile entries from ~/.ssh/config (absolute paths). */
  identityFiles?: string[];
  /** Passphrase for encrypted keys (a library caller may have one; tsrun never prompts). */
  passphrase?: string;
  /** Home directory for the default key files (default: os.homedir()). */
  home?: string;
  /** Environment to read SSH_AUTH_SOCK from (default: process.env); SSH_AUTH_SOCK="" disables the agent. */
  env?: NodeJS.ProcessEnv;
}

export type AuthMethodPlan = AgentAuthMethod | PublicKeyAuthMethod;

export interface AuthPlan {
  user: string;
  methods: AuthMethodPlan[];
  tried: string[];
  /** Encrypted keys that were skipped (no passphrase): named in the auth-failure message. */
  skippedEncrypted: string[];
}

export class AuthSetupError extends Error {
  readonly failure: SshFailure;
  constructor(failure: SshFailure, message: string) {
    super(message);
    this.name = "AuthSetupError";
    this.failure = failure;
  }
}

function isSocket(file: string): boolean {
  try {
    return statSync(file).isSocket();
  } catch {
    return false;
  }
}

type KeyRead =
  | { kind: "key"; method: PublicKeyAuthMethod }
  | { kind: "missing" }
  | { kind: "encrypted" }
  | { kind: "bad"; reason: string };

function readKey(file: string, user: string, passphrase: string | undefined): KeyRead {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? { kind: "missing" } : { kind: "bad", reason: (err as Error).message };
  }
  const parsed = ssh2.utils.parseKey(data, passphrase);
  if (parsed instanceof Error) {
    if (/no passphrase given/i.test(parsed.message)) return { kind: "encrypted" };
    return { kind: "bad", reason: parsed.message };
  }
  if (!parsed.isPrivateKey()) return { kind: "bad", reason: "this is a public key; give the private key file" };
  return { kind: "key", method: { type: "publickey", username: user, key: parsed } };
}

/** The methods to try for `user`, in OpenSSH's order. Throws AuthSetupError when none is usable. */
export function planAuthentication(user: string, options: AuthOptions = {}): AuthPlan {
  const home = options.home ?? os.homedir();
  const env = options.env ?? process.env;
  const plan: AuthPlan = { user, methods: [], tried: [], skippedEncrypted: [] };
  const agentSocket = env.SSH_AUTH_SOCK;
  const agentUsable = agentSocket !== undefined && agentSocket !== "" && isSocket(agentSocket);
  if (agentUsable) {
    plan.methods.push({ type: "agent", username: user, agent: agentSocket });
    plan.tried.push(`ssh-agent (${agentSocket})`);
  }
  const named = [...(options.keyFile ? [path.resolve(options.keyFile)] : []), ...(options.identityFiles ?? [])];
  const files = named.length > 0 ? named : DEFAULT_IDENTITY_FILES.map((f) => path.join(home, ".ssh", f));
  for (const file of [...new Set(files)]) {
    const read = readKey(file, user, options.passphrase);
    const explicit = options.keyFile !== undefined && file === path.resolve(options.keyFile);
    if (read.kind === "key") {
      plan.methods.push(read.method);
      plan.tried.push(file);
    } else if (read.kind === "encrypted") {
      plan.skippedEncrypted.push(file);
    } else if (explicit) {
      const why = read.kind === "missing" ? "no such file" : read.reason;
      throw new AuthSetupError("key-file", `cannot use the key ${file} given by --ssh-key: ${why}`);
    }
  }
  if (plan.methods.length > 0) return plan;
  const agentState = agentSocket ? `SSH_AUTH_SOCK=${agentSocket} is not a socket` : "SSH_AUTH_SOCK is not set";
  if (plan.skippedEncrypted.length > 0) {
    const file = plan.skippedEncrypted[0];
    throw new AuthSetupError(
      "key-passphrase",
      `the key ${file} is protected by a passphrase and no ssh-agent is running (${agentState}). ` +
        `Load it into an agent first: eval "$(ssh-agent)" && ssh-add ${file}; or pass --ssh-key with a key without passphrase`,
    );
  }
  throw new AuthSetupError(
    "no-key",
    `no SSH key to log in as ${user}: no ssh-agent (${agentState}) and none of ${files.join(", ")} exists. ` +
      "Create one with ssh-keygen -t ed25519 and install it with ssh-copy-id HOST, or pass --ssh-key FILE",
  );
}
