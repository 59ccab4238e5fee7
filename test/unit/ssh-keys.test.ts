// Tests of the local halves of launcher/ssh/ (issue 7), no server needed: known_hosts matching (plain, hashed
// by the real ssh-keygen -H, [host]:port, wildcards, negation, @revoked, changed keys), accept-new appends,
// ~/.ssh/config resolution and precedence, and the authentication plan (order, passphrase, missing keys).
import { execFileSync } from "node:child_process";
import net from "node:net";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ready, sshKeygenRequirement } from "../harness/requires.ts";
import { AuthSetupError, planAuthentication } from "../../launcher/ssh/auth.ts";
import { resolveSshTarget } from "../../launcher/ssh/config.ts";
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  knownHostsName,
  knownKeyTypes,
  patternsMatch,
  verdictMessage,
} from "../../launcher/ssh/knownhosts.ts";
import { scratchDir } from "../harness/scratch.ts";

/** Skips the file with one line naming what is missing (fails instead under TSMPI_REQUIRE_ALL=1). */
const canRun = ready(sshKeygenRequirement());
const tmp = scratchDir("tsmpi-sshkeys-");

function newKey(name: string, passphrase = ""): { file: string; pub: string; blob: Buffer } {
  const file = path.join(tmp, name);
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", file]);
  const pub = readFileSync(`${file}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
  return { file, pub, blob: Buffer.from(pub.split(" ")[1], "base64") };
}
const noKey = { file: "", pub: "", blob: Buffer.alloc(0) };
const keyA = canRun ? newKey("a") : noKey;
const keyB = canRun ? newKey("b") : noKey;

describe.skipIf(!canRun)("known_hosts", () => {
  it("names a non-22 port [host]:port, as OpenSSH", () => {
    expect(knownHostsName("th1", 22)).toBe("th1");
    expect(knownHostsName("th1", 2222)).toBe("[th1]:2222");
  });

  it("matches names, address lists, wildcards and negations", () => {
    expect(patternsMatch("th1,10.210.0.11", "10.210.0.11")).toBe(true);
    expect(patternsMatch("*.lab,!bad.lab", "pc1.lab")).toBe(true);
    expect(patternsMatch("*.lab,!bad.lab", "bad.lab")).toBe(false);
    expect(patternsMatch("pc?", "pc7")).toBe(true);
    expect(patternsMatch("pc?", "pc17")).toBe(false);
    expect(patternsMatch("[th1]:2222", "[th1]:2222")).toBe(true);
    expect(patternsMatch("[th1]:2222", "th1")).toBe(false);
  });

  it("finds the key, reports SHA256 fingerprints as ssh-keygen -l does", () => {
    const file = path.join(tmp, "kh1");
    writeFileSync(file, `# comment\n\nother ${keyB.pub}\nth1,10.0.0.1 ${keyA.pub} a comment\n`);
    expect(checkHostKey("th1", keyA.blob, [file])).toEqual({ status: "known", at: { file, line: 4 } });
    const printed = execFileSync("ssh-keygen", ["-lf", `${keyA.file}.pub`])
      .toString()
      .split(" ")[1];
    expect(fingerprint(keyA.blob)).toBe(printed);
  });

  it("matches entries hashed by the real ssh-keygen -H, with and without a port", () => {
    const file = path.join(tmp, "kh-hashed");
    writeFileSync(file, `th1 ${keyA.pub}\n[th2]:2222 ${keyB.pub}\n`);
    execFileSync("ssh-keygen", ["-q", "-H", "-f", file]);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("th1");
    expect(text).toMatch(/^\|1\|/);
    expect(checkHostKey("th1", keyA.blob, [file]).status).toBe("known");
    expect(checkHostKey("[th2]:2222", keyB.blob, [file]).status).toBe("known");
    expect(checkHostKey("th2", keyB.blob, [file]).status).toBe("unknown");
  });

  it("a different key of the same type is CHANGED, a revoked key is refused", () => {
    const file = path.join(tmp, "kh-changed");
    writeFileSync(file, `th1 ${keyA.pub}\n@revoked * ${keyB.pub}\n`);
    const other = newKey("c");
    const changed = checkHostKey("th1", other.blob, [file]);
    expect(changed).toMatchObject({
      status: "changed",
      fingerprint: fingerprint(other.blob),
      knownFingerprint: fingerprint(keyA.blob),
      at: { line: 1 },
    });
    expect(checkHostKey("th9", keyB.blob, [file])).toMatchObject({ status: "revoked", at: { line: 2 } });
    if (changed.status !== "changed") throw new Error("unreachable");
    const message = verdictMessage(changed, "th1", "th1", 22, [file]);
    expect(message).toContain("HOST KEY HAS CHANGED");
    expect(message).toContain(`ssh-keygen -R 'th1' -f ${file}`);
  });

  it("unknown: the fingerprint and the ssh-keyscan command; other key types on file are mentioned", () => {
    const file = path.join(tmp, "kh-other");
    writeFileSync(file, "th1 ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ==\n");
    const verdict = checkHostKey("[th1]:2200", keyA.blob, [file]);
    expect(verdict).toEqual({
      status: "unknown",
      keyType: "ssh-ed25519",
      fingerprint: fingerprint(keyA.blob),
      otherTypes: [],
    });
    if (verdict.status !== "unknown") throw new Error("unreachable");
    expect(verdictMessage(verdict, "[th1]:2200", "th1", 2200, [file])).toContain(
      `accept it with: ssh-keyscan -p 2200 -t ed25519 th1 >> ${file} (or run again with --accept-new-hosts`,
    );
    expect(checkHostKey("th1", keyA.blob, [file])).toMatchObject({ status: "unknown", otherTypes: ["ssh-rsa"] });
    expect(knownKeyTypes("th1", [file])).toEqual(["ssh-rsa"]);
  });

  it("appendKnownHost creates the directory and file and keeps lines whole", () => {
    const file = path.join(tmp, "new-home", ".ssh", "known_hosts");
    appendKnownHost(file, "th1", keyA.blob);
    writeFileSync(file, readFileSync(file, "utf8") + "# no newline at the end");
    appendKnownHost(file, "[th2]:2222", keyB.blob);
    expect(readFileSync(file, "utf8")).toBe(`th1 ${keyA.pub}\n# no newline at the end\n[th2]:2222 ${keyB.pub}\n`);
    expect(checkHostKey("[th2]:2222", keyB.blob, [file]).status).toBe("known");
  });
});

describe.skipIf(!canRun)("~/.ssh/config", () => {
  const home = path.join(tmp, "home");
  mkdirSync(path.join(home, ".ssh"), { recursive: true });
  writeFileSync(
    path.join(home, ".ssh", "config"),
    [
      "Host lab*",
      "  HostName %h.example.org",
      "  User student",
      "  Port 2200",
      "  IdentityFile ~/.ssh/lab_key",
      "Host *",
      "  IdentityFile %d/.ssh/id_all",
      "",
    ].join("\n"),
  );

  it("applies Host/HostName/User/Port/IdentityFile, first value wins, tokens and ~ expanded", () => {
    expect(resolveSshTarget({ host: "lab3" }, { home, localUser: "me" })).toEqual({
      alias: "lab3",
      hostName: "lab3.example.org",
      port: 2200,
      user: "student",
      identityFiles: [path.join(home, ".ssh/lab_key"), path.join(home, ".ssh/id_all")],
    });
  });

  it("the hostfile's user@host and port=N win over the config; defaults are port 22 and the local user", () => {
    expect(resolveSshTarget({ host: "lab3", user: "alice", port: 22 }, { home })).toMatchObject({
      user: "alice",
      port: 22,
    });
    expect(resolveSshTarget({ host: "pc1" }, { home, localUser: "me" })).toMatchObject({
      hostName: "pc1",
      port: 22,
      user: "me",
    });
    expect(resolveSshTarget({ host: "lab3" }, { home, configPath: null, localUser: "me" })).toEqual({
      alias: "lab3",
      hostName: "lab3",
      port: 22,
      user: "me",
      identityFiles: [],
    });
  });
});

describe.skipIf(!canRun)("authentication plan", () => {
  const home = path.join(tmp, "auth-home");
  mkdirSync(path.join(home, ".ssh"), { recursive: true });

  it("agent first, then the explicit key, then config IdentityFile; defaults only when none is named", () => {
    const socketDir = mkdtempSync(path.join(tmp, "sock-"));
    const socket = path.join(socketDir, "agent");
    const server = net.createServer().listen(socket);
    try {
      const plan = planAuthentication("root", {
        home,
        env: { SSH_AUTH_SOCK: socket },
        keyFile: keyA.file,
        identityFiles: [keyB.file, "/nonexistent"],
      });
      expect(plan.tried).toEqual([`ssh-agent (${socket})`, keyA.file, keyB.file]);
      expect(plan.methods.map((m) => m.type)).toEqual(["agent", "publickey", "publickey"]);
    } finally {
      server.close();
    }
    writeFileSync(path.join(home, ".ssh", "id_rsa"), readFileSync(keyB.file));
    expect(planAuthentication("root", { home, env: {} }).tried).toEqual([path.join(home, ".ssh", "id_rsa")]);
  });

  it("errors: missing --ssh-key file, no key at all, passphrase key without agent", () => {
    expect(() => planAuthentication("root", { home, env: {}, keyFile: "/nonexistent/key" })).toThrow(
      "cannot use the key /nonexistent/key given by --ssh-key: no such file",
    );
    const empty = mkdtempSync(path.join(tmp, "empty-"));
    expect(() => planAuthentication("bob", { home: empty, env: {} })).toThrow(
      /^no SSH key to log in as bob: no ssh-agent \(SSH_AUTH_SOCK is not set\)/,
    );
    const locked = newKey("locked", "secret words");
    let error: unknown;
    try {
      planAuthentication("root", { home: empty, env: { SSH_AUTH_SOCK: "/nonexistent.sock" }, keyFile: locked.file });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AuthSetupError);
    expect((error as AuthSetupError).failure).toBe("key-passphrase");
    expect((error as Error).message).toContain(
      `the key ${locked.file} is protected by a passphrase and no ssh-agent is running (SSH_AUTH_SOCK=/nonexistent.sock is not a socket)`,
    );
    expect(
      planAuthentication("root", { home: empty, env: {}, keyFile: locked.file, passphrase: "secret words" }).tried,
    ).toEqual([locked.file]);
  });
});
