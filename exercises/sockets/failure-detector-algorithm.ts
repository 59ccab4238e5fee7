// Exercise 7's algorithm: one heartbeat failure detector as a state machine without sockets
// (failure-detector.ts is the program: options, TCP, the heartbeat timer, `--spawn`). Every period it sends
// heartbeat n+1 to each process it watches and keeps, per process, the last heartbeat sent and the last one
// answered; a process lagging more than `threshold` heartbeats is suspected, and trusted again as soon as
// it answers. Both detectors keep the ALIVE/DEAD lists of every process and tell each other their
// suspicions. A `Link` is whatever the program talks through (a socket).
// Lines: WATCHING p, KNOWN p, SUSPECT p source=local|peer, TRUST p source=local|peer, PEER …

export type Message =
  | { op: "hello"; role: "process" | "detector"; name: string }
  | { op: "alive"; n: number }
  | { op: "join" | "suspect" | "trust"; name: string };
export type Outgoing = Message | { op: "heartbeat"; n: number };

/** What a detector does besides changing its state: the program wires these to its sockets. */
export interface DetectorActions<Link> {
  send(link: Link, message: Outgoing): void;
  print(line: string): void;
}

interface Watched<Link> {
  link: Link;
  lastSent: number;
  lastAnswered: number;
}

export class FailureDetector<Link> {
  private readonly watched = new Map<string, Watched<Link>>();
  private readonly alive = new Set<string>();
  private readonly dead = new Set<string>();
  /** The link to the other detector, once it said hello. */
  peer: Link | undefined;

  constructor(
    private readonly threshold: number,
    private readonly act: DetectorActions<Link>,
  ) {}

  /** One heartbeat round: send n+1 to every watched process, suspect those more than `threshold` behind. */
  heartbeat(): void {
    for (const [name, w] of this.watched) {
      w.lastSent++;
      this.act.send(w.link, { op: "heartbeat", n: w.lastSent });
      // SOLUTION BEGIN: suspect a process more than --threshold heartbeats behind
      if (w.lastSent - w.lastAnswered > this.threshold) this.suspect(name, "local");
      // SOLUTION END
    }
  }

  /** A message on `link`; `from` remembers which watched process the link belongs to. */
  onMessage(link: Link, message: Message, from: { name?: string }): void {
    if (message.op === "hello" && message.role === "detector") return this.greetPeer(link, message.name);
    if (message.op === "hello") {
      from.name = message.name;
      const lastSent = this.watched.get(message.name)?.lastSent ?? 0;
      this.watched.set(message.name, { link, lastSent, lastAnswered: lastSent });
      if (!this.dead.has(message.name)) this.alive.add(message.name);
      this.act.print(`WATCHING ${message.name}`);
      if (this.peer) this.act.send(this.peer, { op: "join", name: message.name });
    } else if (message.op === "alive" && from.name) {
      const w = this.watched.get(from.name)!;
      w.lastAnswered = Math.max(w.lastAnswered, message.n);
      if (w.lastSent - w.lastAnswered <= this.threshold) this.trust(from.name, "local");
    } else if (message.op === "join") {
      if (!this.dead.has(message.name)) this.alive.add(message.name);
      this.act.print(`KNOWN ${message.name} (watched by the other detector)`);
    } else if (message.op === "suspect") this.suspect(message.name, "peer");
    else if (message.op === "trust") this.trust(message.name, "peer");
  }

  /** The other detector is connected: it learns every process watched here and every suspicion. */
  greetPeer(link: Link, name: string): void {
    this.peer = link;
    this.act.print(`PEER ${name} connected`);
    for (const p of this.watched.keys()) this.act.send(link, { op: "join", name: p });
    for (const p of this.dead) if (this.watched.has(p)) this.act.send(link, { op: "suspect", name: p });
  }

  private status(): void {
    this.act.print(`  alive: [${[...this.alive].sort().join(" ")}]  dead: [${[...this.dead].sort().join(" ")}]`);
  }

  private suspect(name: string, source: "local" | "peer"): void {
    if (this.dead.has(name)) return;
    this.alive.delete(name);
    this.dead.add(name);
    this.act.print(`SUSPECT ${name} source=${source}`);
    this.status();
    if (source === "local" && this.peer) this.act.send(this.peer, { op: "suspect", name });
  }

  private trust(name: string, source: "local" | "peer"): void {
    if (!this.dead.has(name)) return;
    this.dead.delete(name);
    this.alive.add(name);
    this.act.print(`TRUST ${name} source=${source}`);
    this.status();
    if (source === "local" && this.peer) this.act.send(this.peer, { op: "trust", name });
  }
}
