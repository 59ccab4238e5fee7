// Command-line helpers shared by the socket exercises (exercises 1.1 to 8 of the lab book, part 1):
// a yargs parser with --help and one-line usage errors, a fatal-error exit, and the plain-language text
// for the socket errors a user meets (busy port, privileged port, refused connection, unknown host).
import yargs, { type Argv } from "yargs";
import { hideBin } from "yargs/helpers";

/** A yargs parser for `program`: strict options, --help, and usage errors as one line + exit code 2. */
export function cli(program: string, usage: string): Argv {
  return yargs(hideBin(process.argv))
    .scriptName(program)
    .usage(usage)
    .parserConfiguration({ "camel-case-expansion": false })
    .strict()
    .version(false)
    .help()
    .alias("h", "help")
    .wrap(Math.min(120, process.stdout.columns || 120))
    .fail((message, error) => {
      console.error(`${program}: ${message ?? error?.message}. Try --help`);
      process.exit(2);
    });
}

/** Prints `<program>: <message>` on stderr and exits with `code` (never a stack trace). */
export function die(program: string, message: string, code = 1): never {
  console.error(`${program}: ${message}`);
  process.exit(code);
}

/** yargs check: every named option holds a TCP/UDP port number (0..65535). */
export function portsAreValid(...names: string[]) {
  return (argv: Record<string, unknown>): true => {
    for (const name of names) {
      const value = argv[name];
      if (value === undefined) continue;
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 65535) {
        throw new Error(`--${name} must be a port number between 0 and 65535, got "${String(value)}"`);
      }
    }
    return true;
  };
}

/** "host:port" → {host, port}; throws a readable Error on anything else. */
export function parseHostPort(text: string): { host: string; port: number } {
  const at = text.lastIndexOf(":");
  const host = at > 0 ? text.slice(0, at) : "";
  const port = Number(text.slice(at + 1));
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`"${text}" is not an address of the form host:port (e.g. 127.0.0.1:5556)`);
  }
  return { host, port };
}

/** The one-line explanation of a socket error, for `die`. */
export function socketErrorText(error: unknown, host: string, port: number): string {
  const err = error as NodeJS.ErrnoException;
  switch (err?.code) {
    case "EADDRINUSE":
      return `port ${port} is already in use on ${host} (another program listens on it). Stop that program or choose another port with --port`;
    case "EACCES":
    case "EPERM":
      return `permission denied for port ${port}: ports below 1024 are reserved to the super-user. Choose a port of 1024 or more with --port`;
    case "EADDRNOTAVAIL":
      return `address ${host} does not belong to this machine, so nothing can listen on ${host}:${port}. Use 0.0.0.0 or one of its addresses`;
    case "ECONNREFUSED":
      return `connection refused by ${host}:${port}: no server listens there. Start the server first, or check --host and --port`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `unknown host "${host}". Check the machine name or use an IP address`;
    case "ETIMEDOUT":
      return `no answer from ${host}:${port} (timed out). Is the machine reachable?`;
    case "ECONNRESET":
      return `the connection to ${host}:${port} was reset by the other side`;
    default:
      return `${err?.code ?? "error"} on ${host}:${port}: ${err?.message ?? String(error)}`;
  }
}
