// Exercise 5, part 3 (lab book part 1, "Exclusion mutuelle II", §3): mutual exclusion by a single token
// that travels round the ring built by ring-ssh.ts and ring-daemon.ts. A daemon enters its critical
// section only while it holds the token: it appends its block of lines to the shared file, closes it, and
// only then passes the token on; a daemon with nothing left to write passes it at once. There is one token,
// so at most one daemon writes at any time, whatever the file system (NFS included: each line is appended
// and the file closed before the token moves on). The token counts the daemons that have written all their
// rounds, so that the ring's first process (the launcher) knows when everybody is done.
import * as fs from "node:fs";

export interface Token {
  type: "token";
  /** How many times the token has left the launcher. */
  lap: number;
  /** How many daemons have written all their rounds. */
  finished: number;
}

export interface MutexSettings {
  /** Written at the start of each line: "d2@th3". */
  name: string;
  /** The shared file (the same path on every machine). */
  file: string;
  /** Critical sections this daemon enters, one per visit of the token. */
  rounds: number;
  /** Lines appended in each critical section. */
  lines: number;
  /** Pause between two lines, so that a second writer would show as interleaved lines. */
  lineDelayMs: number;
}

/** The token the launcher puts on the ring first. */
export function firstToken(): Token {
  return { type: "token", lap: 1, finished: 0 };
}

/** At the launcher: the token to send round again, or null when all `daemons` are done (stop the ring). */
export function tokenAtLauncher(token: Token, daemons: number): Token | null {
  return token.finished >= daemons ? null : { ...token, lap: token.lap + 1 };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One critical section: `lines` lines "<name> round <r> line <i>/<n>", appended one by one. */
async function criticalSection(settings: MutexSettings, round: number): Promise<void> {
  for (let line = 1; line <= settings.lines; line++) {
    fs.appendFileSync(settings.file, `${settings.name} round ${round} line ${line}/${settings.lines}\n`);
    if (line < settings.lines) await pause(settings.lineDelayMs);
  }
}

/**
 * A daemon's side of the algorithm: returns the handler of each token that arrives, which resolves with the
 * token to pass on, once the critical section (if any) is over. `log` prints TOKEN / RELEASE lines.
 */
export function tokenMutex(settings: MutexSettings, log: (line: string) => void): (token: Token) => Promise<Token> {
  let round = 0;
  return async (token) => {
    // SOLUTION BEGIN: write only while holding the token, then pass it on (counting the daemons that are done)
    if (round >= settings.rounds) return token; // nothing left to write: pass it on at once
    round++;
    log(`TOKEN ${settings.name} lap ${token.lap}: inside the critical section (round ${round}/${settings.rounds})`);
    await criticalSection(settings, round);
    log(`RELEASE ${settings.name} round ${round}`);
    return { ...token, finished: token.finished + (round === settings.rounds ? 1 : 0) };
    // STARTER: void criticalSection, round, log;
    // STARTER: return token;
    // SOLUTION END
  };
}
