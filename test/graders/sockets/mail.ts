// Grader for exercise 3 (lab book part 1, mail servers and causal order): three domain servers and the
// handout's scenario (figure 8). Afida writes to Brandon and Nabilla; the link from Afida's server to
// Nabilla's is slowed with the server's --delay option; Brandon reads Afida's mail and answers both.
// Nabilla's server then holds Brandon's reply before Afida's message: with matrix clocks her client
// must hold the reply back and deliver Afida's message first; with --no-clocks the order breaks.
import * as fs from "node:fs";
import * as path from "node:path";
import { expect, fail, type Grader } from "../lib/grader.ts";
import { freePort } from "../lib/run.ts";
import { programsFor, type Proc, Procs, tempDir } from "./lib/procs.ts";

const AFIDA = "afida@sa.org";
const BRANDON = "brandon@sb.org";
const NABILLA = "nabilla@sn.org";

/** Runs one command in an interactive mail client and returns the lines it printed for it. */
async function command(client: Proc, line: string, end: RegExp, who: string): Promise<string[]> {
  const from = client.lines.length;
  client.write(line);
  const { index } = await client.waitFor(end, `${who}'s answer to "${line}"`, 15_000, from);
  const output = client.lines.slice(from, index + 1);
  const error = output.find((l) => /^ERROR/.test(l));
  if (error) fail(`${who}: "${line}" answered ${error}`, "the command to succeed");
  return output;
}

const fetchMail = async (client: Proc, who: string) =>
  (await command(client, "fetch", /^END\b/, who)).filter((l) => /^MAIL\b/.test(l));
const send = (client: Proc, to: string[], text: string, who: string) =>
  command(client, `send ${to.join(",")} ${text}`, /^(SENT|ERROR)\b/, who);
const order = (mails: string[], texts: string[]) => texts.map((t) => mails.findIndex((m) => m.includes(t)));

export const mailGrader: Grader = {
  id: "3",
  title: "mail servers with causal delivery (matrix clocks)",
  reference: ["exercises/sockets/mail-server.ts", "exercises/sockets/mail-client.ts"],
  async run(checker, options) {
    const [serverFile, clientFile] = programsFor(this, options);
    const procs = new Procs();
    const dir = tempDir("mail");
    try {
      const ports = [await freePort(), await freePort(), await freePort()];
      const domains = ["sa.org", "sb.org", "sn.org"];
      const serversFile = path.join(dir, "servers.txt");
      fs.writeFileSync(serversFile, domains.map((d, i) => `127.0.0.1:${ports[i]}:${d}\n`).join(""));
      const delay = 2000; // ms on the sa.org → sn.org link: far longer than the few steps the scenario takes
      const startServer = (i: number) =>
        procs.start(
          serverFile,
          [
            "--port",
            ports[i],
            "--bind",
            "127.0.0.1",
            "--domain",
            domains[i],
            "--servers",
            serversFile,
            ...(i === 0 ? ["--delay", `sn.org=${delay}`] : []),
          ],
          `mail-server ${domains[i]}`,
        );
      const servers = [0, 1, 2].map(startServer);
      const clients: Proc[] = [];
      const started = await checker.check("three domain servers and three interactive clients start", async () => {
        for (const server of servers) await server.waitFor(/listening/i, "a line saying the server is listening");
        [AFIDA, BRANDON, NABILLA].forEach((user, i) =>
          clients.push(
            procs.start(clientFile, ["--host", "127.0.0.1", "--port", ports[i], "--user", user], `mail-client ${user}`),
          ),
        );
        for (const [i, client] of clients.entries()) await fetchMail(client, [AFIDA, BRANDON, NABILLA][i]);
      });
      if (!started) return;
      const [afida, brandon, nabilla] = clients;
      const sn = servers[2];
      const first = `first-from-afida-${process.pid}`;
      const reply = `reply-from-brandon-${process.pid}`;

      await checker.check("Afida's mail reaches Brandon, and Brandon answers Afida and Nabilla", async () => {
        await send(afida, [BRANDON, NABILLA], first, AFIDA);
        await servers[1].waitFor(
          (l) => l.includes(BRANDON) && l.includes(first),
          `Afida's mail stored for ${BRANDON}`,
          10_000,
        );
        const mails = await fetchMail(brandon, BRANDON);
        expect(
          order(mails, [first])[0] >= 0,
          `Brandon's mailbox: ${JSON.stringify(mails)}`,
          `Afida's message "${first}"`,
        );
        await send(brandon, [AFIDA, NABILLA], reply, BRANDON);
      });

      const raced = await checker.check(
        "the race happens: Brandon's reply reaches Nabilla's server before Afida's message",
        async () => {
          const { index } = await sn.waitFor(
            (l) => l.includes(NABILLA) && l.includes(reply),
            `Brandon's reply stored for ${NABILLA}`,
            10_000,
          );
          const early = sn.find((l) => l.includes(NABILLA) && l.includes(first));
          expect(
            early < 0 || early > index,
            `Afida's message was already stored at sn.org (the machine took more than ${delay} ms)`,
            "the delayed message to arrive after Brandon's reply",
            "run the grader on a less loaded machine",
          );
        },
      );
      if (!raced) return;

      await checker.check("while Afida's message is late, Nabilla's client holds Brandon's reply back", async () => {
        const mails = await fetchMail(nabilla, NABILLA);
        if (sn.find((l) => l.includes(NABILLA) && l.includes(first)) >= 0 && order(mails, [first])[0] >= 0)
          return "skipped: Afida's message arrived meanwhile";
        expect(
          order(mails, [reply])[0] < 0,
          `Nabilla was shown ${JSON.stringify(mails)} before Afida's message arrived`,
          "Brandon's reply held back (it answers a message Nabilla has not seen)",
          "compare the matrix clock of the mail with the clock of what was delivered",
        );
      });

      await checker.check("once it arrives, Nabilla gets Afida's message before Brandon's reply", async () => {
        await sn.waitFor(
          (l) => l.includes(NABILLA) && l.includes(first),
          `Afida's delayed message stored for ${NABILLA}`,
          delay + 15_000,
        );
        const mails = await fetchMail(nabilla, NABILLA);
        const [a, b] = order(mails, [first, reply]);
        expect(
          a >= 0 && b >= 0 && a < b,
          `Nabilla's delivery order ${JSON.stringify(mails)}`,
          "Afida's message, then Brandon's reply (causal order)",
        );
        const afidaMails = await fetchMail(afida, AFIDA);
        expect(order(afidaMails, [reply])[0] >= 0, `Afida's mailbox ${JSON.stringify(afidaMails)}`, "Brandon's reply");
      });

      await checker.check("without clocks (--no-clocks) the same mailbox breaks causal order", async () => {
        const plain = procs.start(
          clientFile,
          ["--host", "127.0.0.1", "--port", ports[2], "--user", NABILLA, "--no-clocks"],
          "mail-client --no-clocks",
        );
        const mails = await fetchMail(plain, `${NABILLA} without clocks`);
        const [a, b] = order(mails, [first, reply]);
        expect(
          a >= 0 && b >= 0 && b < a,
          `delivery order without clocks ${JSON.stringify(mails)}`,
          "Brandon's reply before Afida's message (arrival order), showing why the clocks are needed",
        );
      });
    } finally {
      await procs.stopAll();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
