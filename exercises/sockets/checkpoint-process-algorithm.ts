// Exercise 8's algorithm: one process of the counter application with blocking coordinated checkpoints,
// as a state machine without sockets or files (checkpoint-process.ts is the program, started by
// checkpoint.ts). Application: every tick the process increments its counter and sends its value to a
// random other process (a receiver keeps the larger of its counter and the value). Checkpoint, by markers
// over FIFO channels: on the first marker of wave k (from the launcher or a peer) the process stops sending,
// sends a marker on every outgoing channel and waits for the marker of every incoming channel; then every
// message sent before the cut has arrived, and it saves its state and waits to be resumed.

export type PeerMessage =
  { op: "hello"; from: number } | { op: "value"; value: number } | { op: "marker"; wave: number };
export interface CheckpointRecord {
  wave: number;
  process: number;
  counter: number;
  sent: number[];
  received: number[];
}

/** What a process does besides changing its state: the program wires these to sockets and a file. */
export interface CheckpointActions {
  transmit(j: number, message: PeerMessage): void;
  /** Every incoming channel is empty: the state is part of a consistent cut. */
  saveCheckpoint(record: CheckpointRecord): void;
  random(): number;
}

export class CheckpointProcess {
  counter = 0;
  private others: number[] = [];
  private sent: number[] = [];
  private received: number[] = [];
  private wave = 0; // the wave in progress (0: none)
  private markersMissing = new Set<number>();
  private blocked = false;
  private stopped = false;

  constructor(
    private readonly me: number,
    private readonly act: CheckpointActions,
  ) {}

  /** The launcher says every process is connected: `processes` in all, channels to each other one. */
  connected(processes: number): void {
    const all = Array.from({ length: processes }, (_, j) => j);
    this.others = all.filter((j) => j !== this.me);
    this.sent = all.map(() => 0);
    this.received = all.map((j) => this.received[j] ?? 0); // values may come before our own "all connected"
  }

  /** One application step: the counter's next value to a random other process. */
  tick(): void {
    if (this.stopped || this.others.length === 0) return;
    // SOLUTION BEGIN: no application message leaves while a checkpoint is in progress (blocking protocol)
    if (this.blocked) return;
    // SOLUTION END
    this.counter++;
    const to = this.others[Math.floor(this.act.random() * this.others.length)];
    this.sent[to]++;
    this.act.transmit(to, { op: "value", value: this.counter });
  }

  // SOLUTION BEGIN: the first marker of a wave blocks the process and sends a marker on every outgoing channel; the last incoming marker saves the checkpoint
  startWave(k: number): void {
    if (k <= this.wave) return;
    this.wave = k;
    this.blocked = true;
    this.markersMissing = new Set(this.others);
    for (const j of this.others) this.act.transmit(j, { op: "marker", wave: k });
    if (this.markersMissing.size === 0) this.save();
  }

  onMarker(from: number, k: number): void {
    this.startWave(k);
    if (k === this.wave && this.markersMissing.delete(from) && this.markersMissing.size === 0) this.save();
  }
  // STARTER: startWave(k: number): void {}
  // STARTER: onMarker(from: number, k: number): void {}
  // SOLUTION END

  onPeerMessage(from: number, message: PeerMessage): void {
    if (message.op === "value") {
      this.received[from] = (this.received[from] ?? 0) + 1;
      this.counter = Math.max(this.counter, message.value);
    } else if (message.op === "marker") this.onMarker(from, message.wave);
  }

  resume(): void {
    this.blocked = false;
  }

  stop(): void {
    this.stopped = true;
  }

  private save(): void {
    const { wave, me, counter, sent, received } = this;
    this.act.saveCheckpoint({ wave, process: me, counter, sent: [...sent], received: [...received] });
  }
}
