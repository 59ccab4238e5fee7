// Exercise 3 (lab book part 1, "Messagerie et ordre causal"): the interactive mail client of one user.
// It talks only to its own domain's server. `fetch` gets the mailbox in arrival order and delivers it in
// causal order with the matrix clocks carried by the mail: a reply is held back until the message it
// answers has been delivered. `--no-clocks` shows the mailbox in arrival order instead (the broken way).
//   npx tsx exercises/sockets/mail-client.ts --host 127.0.0.1 --port 5556 --user afida@tf1.fr
//   then type:  send brandon@canalplus.com,nabilla@m6.fr Hello   |   fetch   |   quit
import * as readline from "node:readline";
import { cli, die, portsAreValid, socketErrorText } from "./common/cli.ts";
import { causalOrder, type MatrixClock } from "./common/matrix-clock.ts";
import { connect, onMessages, send } from "./common/net.ts";

const program = "mail-client";
const argv = cli(
  program,
  "$0 --host HOST --port PORT --user ADDRESS [--no-clocks]\n\nCommands on stdin: send TO[,TO…] TEXT | fetch | quit",
)
  .option("host", { type: "string", default: "127.0.0.1", describe: "your mail server's machine" })
  .option("port", { type: "number", demandOption: true, describe: "your mail server's port" })
  .option("user", { type: "string", demandOption: true, describe: "your address, user@domain" })
  .option("clocks", {
    type: "boolean",
    default: true,
    describe: "deliver in causal order (--no-clocks: arrival order)",
  })
  .check(portsAreValid("port"))
  .check((a) => /^[^@\s]+@[^@\s]+$/.test(a.user) || `--user must look like user@domain, got "${a.user}"`)
  .parseSync();

interface Mail {
  from: string;
  to: string;
  text: string;
  clock: MatrixClock;
}
type Reply = { op: "sent"; count: number } | { op: "mailbox"; mails: Mail[] } | { op: "error"; message: string };

const socket = await connect(argv.host, argv.port).catch((error) =>
  die(program, socketErrorText(error, argv.host, argv.port)),
);
const replies: Reply[] = [];
let wakeUp: (() => void) | undefined;
onMessages<Reply>(socket, (reply) => {
  replies.push(reply);
  wakeUp?.();
});
socket.on("error", (error) => die(program, socketErrorText(error, argv.host, argv.port)));
socket.on("close", () => die(program, `the server ${argv.host}:${argv.port} closed the connection`));

async function request(message: unknown): Promise<Reply> {
  send(socket, message);
  while (replies.length === 0) await new Promise<void>((resolve) => (wakeUp = resolve));
  return replies.shift()!;
}

async function fetchMail(): Promise<void> {
  const reply = await request({ op: "fetch", user: argv.user });
  if (reply.op !== "mailbox") return console.log(`ERROR ${reply.op === "error" ? reply.message : "unexpected reply"}`);
  // SOLUTION BEGIN: with clocks, deliver the mailbox in causal order (causalOrder from common/matrix-clock.ts), holding back what depends on mail not yet arrived; with --no-clocks, arrival order
  // STARTER: const { delivered, held } = { delivered: reply.mails, held: [] as Mail[] };
  const { delivered, held } = argv.clocks ? causalOrder(reply.mails) : { delivered: reply.mails, held: [] };
  // SOLUTION END
  for (const mail of delivered) console.log(`MAIL from=${mail.from} ${mail.text}`);
  console.log(`HELD ${held.length}${held.length ? " (waiting for the mail they depend on)" : ""}`);
  console.log("END");
}

async function execute(line: string): Promise<boolean> {
  const [command, recipients, ...words] = line.trim().split(/\s+/);
  if (!command) return true;
  if (command === "quit" || command === "exit") return false;
  if (command === "fetch") await fetchMail();
  else if (command === "send" && recipients && words.length) {
    const reply = await request({ op: "send", from: argv.user, to: recipients.split(","), text: words.join(" ") });
    console.log(
      reply.op === "sent"
        ? `SENT ${reply.count}`
        : `ERROR ${reply.op === "error" ? reply.message : "unexpected reply"}`,
    );
  } else console.log(`ERROR unknown command "${line.trim()}". Commands: send TO[,TO…] TEXT | fetch | quit`);
  return true;
}

console.log(
  `${program}: ${argv.user} connected to ${argv.host}:${argv.port}${argv.clocks ? "" : " (no clocks: arrival order)"}`,
);
const input = readline.createInterface({ input: process.stdin, terminal: process.stdin.isTTY });
if (process.stdin.isTTY) {
  input.setPrompt("> ");
  input.prompt();
}
for await (const line of input) {
  if (!(await execute(line))) break;
  if (process.stdin.isTTY) input.prompt();
}
socket.removeAllListeners("close");
socket.end();
