// Exercise 5, star mode (the default of ring-ssh.ts): the launcher's side. Every daemon joins the launcher
// with its index and the port it listens on; once all have joined, the launcher links to d0 and tells each
// daemon its successor (the last one's is the launcher): launcher → d0 → … → d(N-1) → launcher. The launcher
// then sends `gather` round and prints it when it comes back, then puts the token on the ring.
import * as net from "node:net";
import * as os from "node:os";
import { socketErrorText } from "./common/cli.ts";
import { connect, send } from "./common/net.ts";
import { gatheredLine, memberName, type RingMessage } from "./ring-protocol.ts";
import { firstToken, tokenAtLauncher } from "./token-mutex.ts";

interface Member {
  index: number;
  host: string;
  address: string;
  port: number;
  control: net.Socket;
  linked: boolean;
}

export interface StarSettings {
  n: number;
  secret: string;
  rounds: number;
  advertise?: string;
  /** The launcher's own port (the last daemon's successor). */
  port(): number;
  /** The ring is closed: stop the set-up guard. */
  closed(): void;
  finish(code: number, message?: string): Promise<never>;
}

/** The launcher's handler of every connection it accepts, and `stopAll` to send each daemon `stop`. */
export function starLauncher(s: StarSettings): {
  onMessage(socket: net.Socket, message: RingMessage): void;
  stopAll(): void;
} {
  const members = new Map<number, Member>();
  let ringIn: net.Socket | undefined; // the link from d(N-1): the ring is closed
  let ringOut: net.Socket | undefined;

  /** Once d(N-1) has linked to the launcher and every daemon to its successor, the ring is closed: gather. */
  function gatherWhenClosed(): void {
    if (!ringIn || !ringOut || members.size < s.n || ![...members.values()].every((m) => m.linked)) return;
    s.closed();
    console.log(
      `RING CLOSED: launcher -> ${[...members.keys()]
        .sort((a, b) => a - b)
        .map((i) => `d${i}`)
        .join(" -> ")} -> launcher`,
    );
    send(ringOut, { type: "gather", members: [memberName("launcher", os.hostname(), process.pid)] });
  }

  /** Every daemon has joined: link to d0, then tell each daemon its successor (the last one: the launcher). */
  async function linkRing(): Promise<void> {
    const first = members.get(0)!;
    try {
      ringOut = await connect(first.address, first.port);
    } catch (error) {
      return s.finish(1, `cannot reach d0 on ${first.host}: ${socketErrorText(error, first.address, first.port)}`);
    }
    ringOut.on("error", () => {});
    send(ringOut, { type: "link", secret: s.secret, from: "launcher" });
    for (let i = 0; i < s.n; i++) {
      const successor = members.get(i + 1);
      send(members.get(i)!.control, {
        type: "next",
        host: successor?.address ?? s.advertise ?? null,
        port: successor?.port ?? s.port(),
      });
    }
  }

  function onMessage(socket: net.Socket, message: RingMessage): void {
    const member = [...members.values()].find((m) => m.control === socket);
    if (
      message.type === "join" &&
      message.secret === s.secret &&
      message.index !== undefined &&
      !members.has(message.index) &&
      message.index >= 0 &&
      message.index < s.n
    ) {
      const seen = (socket.remoteAddress ?? "?").replace(/^::ffff:/, "");
      const address = message.address && message.address !== "0.0.0.0" ? message.address : seen;
      members.set(message.index, {
        index: message.index,
        host: message.host,
        address,
        port: message.port,
        control: socket,
        linked: false,
      });
      console.log(`JOINED d${message.index} on ${message.host} (${address}:${message.port}) pid ${message.pid}`);
      socket.on("close", () => void s.finish(1, `daemon d${message.index} on ${message.host} left before the end`));
      if (members.size === s.n) void linkRing();
    } else if (message.type === "link" && message.secret === s.secret) {
      ringIn = socket;
      gatherWhenClosed();
    } else if (message.type === "linked" && member) {
      member.linked = true;
      gatherWhenClosed();
    } else if (message.type === "gather" && socket === ringIn) {
      console.log(gatheredLine(message));
      if (s.rounds > 0) return send(ringOut!, firstToken());
      void s.finish(0);
    } else if (message.type === "token" && socket === ringIn) {
      const again = tokenAtLauncher(message, s.n);
      if (again) return send(ringOut!, again);
      console.log(`MUTEX DONE: ${s.n} daemons × ${s.rounds} rounds in ${message.lap} laps of the token`);
      void s.finish(0);
    } else if (!member && socket !== ringIn) {
      socket.destroy(); // a stranger, or a daemon of another run
    }
  }

  return { onMessage, stopAll: () => members.forEach((m) => send(m.control, { type: "stop" })) };
}
