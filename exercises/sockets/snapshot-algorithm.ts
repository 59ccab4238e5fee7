// Exercise 8-ext's algorithm: one process of a complete graph exchanging money, with Chandy–Lamport
// snapshots, as a state machine without sockets (snapshot.ts is the program: options, TCP links, timers,
// `--spawn`). On its first marker of snapshot k a process records its balance and counters, sends a marker
// on every outgoing channel, and records each incoming channel (transfers that arrive) until that
// channel's marker arrives. Process 0 gathers the recordings: balances + channel contents = the total.

export type Message =
  | { op: "hello"; from: number }
  | { op: "transfer"; amount: number }
  | { op: "marker"; snapshot: number }
  | { op: "stop" }
  | { op: "report"; record: Recording };
export interface Recording {
  snapshot: number;
  process: number;
  balance: number;
  sent: number[];
  received: number[];
  channels: Record<number, number[]>;
}

/** What a process does besides changing its state: the program wires these to sockets and timers. */
export interface SnapshotActions {
  /** Sends a message on the FIFO channel to process j. */
  transmit(j: number, message: Message): void;
  print(line: string): void;
  /** Process 0 takes the next snapshot a while after the previous one completed. */
  nextSnapshotLater(take: () => void): void;
  /** Every channel is drained: close the links and exit. */
  finish(): void;
  random(): number;
}

export interface SnapshotSettings {
  me: number;
  processes: number;
  initial: number;
  snapshots: number;
}

export class SnapshotProcess {
  balance: number;
  readonly others: number[];
  private readonly sent: number[];
  private readonly received: number[];
  private readonly recordings = new Map<number, Recording & { open: Set<number> }>();
  private readonly reports = new Map<number, Recording[]>(); // process 0 gathers the recordings of each snapshot
  private readonly stoppedBy = new Set<number>();
  private stopped = false;

  constructor(
    private readonly settings: SnapshotSettings,
    private readonly act: SnapshotActions,
  ) {
    const all = Array.from({ length: settings.processes }, (_, j) => j);
    this.others = all.filter((j) => j !== settings.me);
    this.balance = settings.initial;
    this.sent = all.map(() => 0);
    this.received = all.map(() => 0);
  }

  /** One application step: a random amount to a random other process. */
  transferSomething(): void {
    if (this.stopped || this.balance === 0) return;
    const to = this.others[Math.floor(this.act.random() * this.others.length)];
    const amount = 1 + Math.floor(this.act.random() * Math.min(this.balance, 10));
    this.balance -= amount;
    this.sent[to]++;
    this.act.transmit(to, { op: "transfer", amount });
  }

  /** Chandy–Lamport: record the local state, then a marker on every outgoing channel. */
  recordLocalState(snapshot: number, markerFrom?: number): void {
    const { me } = this.settings;
    const { others, balance, sent, received, recordings, act } = this;
    // SOLUTION BEGIN: record balance and counters, open every incoming channel but the marker's, send a marker on every outgoing channel
    const open = new Set(others.filter((j) => j !== markerFrom));
    recordings.set(snapshot, {
      snapshot,
      process: me,
      balance,
      sent: [...sent],
      received: [...received],
      channels: Object.fromEntries(others.map((j) => [j, []])),
      open,
    });
    for (const j of others) act.transmit(j, { op: "marker", snapshot });
    if (open.size === 0) this.complete(snapshot);
    // STARTER: void snapshot, markerFrom;
    // SOLUTION END
  }

  onMessage(from: number, message: Message): void {
    if (message.op === "transfer") {
      this.balance += message.amount;
      this.received[from]++;
      for (const r of this.recordings.values()) if (r.open.has(from)) r.channels[from].push(message.amount);
    } else if (message.op === "marker") {
      const recording = this.recordings.get(message.snapshot);
      if (!recording) this.recordLocalState(message.snapshot, from);
      else if (recording.open.delete(from) && recording.open.size === 0) this.complete(message.snapshot);
    } else if (message.op === "report") this.gather(message.record);
    else if (message.op === "stop") {
      this.stoppedBy.add(from);
      this.stopEveryone();
      this.finishIfDrained();
    }
  }

  private complete(snapshot: number): void {
    const { open: _open, ...record } = this.recordings.get(snapshot)!;
    this.act.print(`SNAPSHOT ${JSON.stringify(record)}`);
    if (this.settings.me === 0) this.gather(record);
    else this.act.transmit(0, { op: "report", record });
  }

  private gather(record: Recording): void {
    const { processes, initial, snapshots } = this.settings;
    const all = [...(this.reports.get(record.snapshot) ?? []), record];
    this.reports.set(record.snapshot, all);
    if (all.length < processes) return;
    const inChannels = all.reduce(
      (sum, r) =>
        sum +
        Object.values(r.channels)
          .flat()
          .reduce((a, b) => a + b, 0),
      0,
    );
    const balances = all.reduce((sum, r) => sum + r.balance, 0);
    this.act.print(
      `GLOBAL ${JSON.stringify({ snapshot: record.snapshot, balances, inChannels, total: balances + inChannels, expected: processes * initial })}`,
    );
    if (record.snapshot < snapshots) this.act.nextSnapshotLater(() => this.recordLocalState(record.snapshot + 1));
    else this.stopEveryone();
  }

  private stopEveryone(): void {
    if (this.stopped) return;
    this.stopped = true; // FIFO: our stop follows our last transfer on every channel
    for (const j of this.others) this.act.transmit(j, { op: "stop" });
    this.finishIfDrained();
  }

  private finishIfDrained(): void {
    if (!this.stopped || this.stoppedBy.size < this.others.length) return;
    this.act.print(`FINAL ${this.balance}`);
    this.act.finish();
  }
}
