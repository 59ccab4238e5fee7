// Remote guard for commands started over SSH by launcher/ssh/hosts.ts (issue 7: "Abort and Ctrl-C stop every
// remote rank"). It runs on the remote host as `node -e <this file> tsmpi-guard <jobId>`, so it needs nothing
// installed there but the same node. Why: sshd cannot deliver signals to root logins, and closing an SSH
// connection without a pty leaves the remote command running; the guard turns "stdin reached EOF" (the
// connection or the client died, or stopAll closed it) into "kill the command's whole process group".
//
// Protocol on the guard's stdin, one line each:
//   1st line  JSON {command, env?, cwd?, preamble?, graceMs?, secret?, privateDir?}: the command runs as
//             `/bin/sh -c command` in its own session and process group, env added to the environment, in
//             cwd; preamble (text) is written first to its stdin. The job's variables and secrets travel
//             here, never in argv. secret: written to the command's descriptor 3 (a pipe, then closed;
//             TSMPI_SECRET_FD=3), so it never sits in the command's environment. privateDir: the name of a
//             variable to set to a fresh private directory (mkdtemp, 0700) removed when the command ends.
//   D<base64> bytes for the command's stdin        E   end of the command's stdin
//   S<NAME>   signal (e.g. STERM) to its group     K   stop: SIGTERM the group, SIGKILL after graceMs
//   EOF       same as K
// The command's stdout and stderr are the guard's own (no copy). When the command exits, whatever is left in
// its process group is killed, and the guard exits with the command's code, or dies by the same signal.
// Plain CommonJS, no dependency: it is sent as the -e argument (full-line comments are stripped first).
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
let child = null;
let stopping = false;
let config = null;
let buffered = "";
let privateDir = null;
function say(message) {
  try {
    fs.writeSync(2, "tsmpi guard on " + os.hostname() + ": " + message + "\n");
  } catch (e) {
    /* stderr gone */
  }
}
function killGroup(signal) {
  if (child === null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (e) {
    /* group already gone */
  }
}
function stop() {
  if (stopping) return;
  stopping = true;
  if (child === null) process.exit(0);
  killGroup("SIGTERM");
  setTimeout(() => killGroup("SIGKILL"), config && config.graceMs !== undefined ? config.graceMs : 2000);
}
function finish(code, signal) {
  killGroup("SIGKILL");
  if (privateDir !== null)
    try {
      fs.rmSync(privateDir, { recursive: true, force: true });
    } catch (e) {
      /* gone */
    }
  if (signal) {
    for (const name of ["SIGTERM", "SIGHUP", "SIGINT"]) process.removeAllListeners(name);
    try {
      process.kill(process.pid, signal);
    } catch (e) {
      /* fall through to exit */
    }
    process.exit(128 + (os.constants.signals[signal] || 0));
  }
  process.exit(code === null ? 1 : code);
}
function start(line) {
  config = JSON.parse(line);
  const cwd = config.cwd || process.cwd();
  try {
    if (!fs.statSync(cwd).isDirectory()) throw new Error("not a directory");
  } catch (e) {
    say("working directory " + cwd + " is not usable on this host: " + e.message);
    process.exit(127);
  }
  const env = Object.assign({}, process.env, config.env || {});
  if (config.privateDir) {
    privateDir = fs.mkdtempSync(path.join(os.tmpdir(), "tsmpi-"));
    env[config.privateDir] = privateDir;
  }
  const stdio = ["pipe", "inherit", "inherit"];
  if (typeof config.secret === "string") {
    stdio.push("pipe");
    env.TSMPI_SECRET_FD = "3";
  }
  child = spawn("/bin/sh", ["-c", config.command], { cwd: cwd, env: env, detached: true, stdio: stdio });
  if (child.stdio[3]) {
    child.stdio[3].on("error", () => {
      /* the command closed it */
    });
    child.stdio[3].end(config.secret + "\n");
  }
  child.on("error", (e) => {
    say("cannot start the command: " + e.message);
    process.exit(127);
  });
  child.on("exit", finish);
  child.stdin.on("error", () => {
    /* the command closed its stdin */
  });
  if (config.preamble) child.stdin.write(config.preamble);
}
function handle(line) {
  if (config === null) return start(line);
  const kind = line.charAt(0);
  if (kind === "D" && child) child.stdin.write(Buffer.from(line.slice(1), "base64"));
  else if (kind === "E" && child) child.stdin.end();
  else if (kind === "S") killGroup("SIG" + line.slice(1).replace(/^SIG/, ""));
  else if (kind === "K") stop();
}
process.stdin.on("data", (chunk) => {
  buffered += chunk.toString("latin1");
  let newline;
  while ((newline = buffered.indexOf("\n")) >= 0) {
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    try {
      handle(Buffer.from(line, "latin1").toString("utf8"));
    } catch (e) {
      say("bad control line: " + e.message);
      if (child === null) process.exit(2);
      stop();
    }
  }
});
process.stdin.on("end", stop);
process.stdin.on("error", stop);
for (const name of ["SIGTERM", "SIGHUP", "SIGINT"]) process.on(name, stop);
