// Exercise S4 over a publish/subscribe broker (seed 000 part 2 uses RabbitMQ or MQTT; here MQTT, e.g.
// Debian's mosquitto, with the `mqtt` npm client): the wiring of Lamport's algorithm (algorithm.ts) to
// topics. Participant i subscribes to `<prefix>/lamport/<i>`; a message to j is published on j's topic
// with QoS 1, so the messages from one participant to another arrive in the order they were sent (MQTT
// keeps the order per publisher and topic), as the algorithm needs. Without tsrun's trace, each
// participant keeps a vector clock over these messages itself (Fidge/Mattern: +1 at each event, the
// sender's clock travels with the message, max on receive) and prints it with each REQUEST, ENTER and
// LEAVE, so that the grader checks mutual exclusion by vector clocks as it does for the tsmpi version.
import type { MqttClient } from "mqtt";
import { LamportState, type Outgoing, type RequestStamp } from "./algorithm.ts";

interface Envelope {
  from: number;
  vc: number[];
  message: Outgoing["message"];
}

/** Messages of one topic, taken one at a time in arrival order. */
export class Mailbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(item: T) => void> = [];
  put(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }
  take(): Promise<T> {
    return this.items.length
      ? Promise.resolve(this.items.shift()!)
      : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export class BrokerMutex {
  protected readonly state: LamportState;
  /** This participant's vector clock: one entry per participant. */
  readonly vc: number[];
  private wakeEntry: (() => void) | null = null;
  private finished: (() => void) | null = null;

  constructor(
    private readonly client: MqttClient,
    private readonly prefix: string,
    id: number,
    size: number,
  ) {
    this.state = new LamportState(id, size);
    this.vc = new Array<number>(size).fill(0);
  }

  static topic(prefix: string, id: number): string {
    return `${prefix}/lamport/${id}`;
  }

  /** Handles a message of this participant's topic (the program routes them here). */
  async onMessage(payload: string): Promise<void> {
    const { from, vc, message } = JSON.parse(payload) as Envelope;
    vc.forEach((x, i) => (this.vc[i] = Math.max(this.vc[i], x)));
    this.tick();
    const answer = this.state.receive(from, message);
    if (answer) await this.publish(answer);
    this.tryEnter();
    if (this.state.finished) this.finished?.();
  }

  get request(): RequestStamp | null {
    return this.state.mine;
  }

  /** A local event (REQUEST, ENTER, LEAVE are printed with the clock after it). */
  tick(): number[] {
    this.vc[this.state.id]++;
    return this.vc;
  }

  /** Requests the critical section; `onRequest` sees the stamp at once; resolves once inside. */
  async acquire(onRequest: (stamp: RequestStamp) => void): Promise<RequestStamp> {
    const ask = this.state.request();
    onRequest(this.state.mine!);
    const inside = new Promise<void>((resolve) => (this.wakeEntry = resolve));
    await this.publish(ask);
    this.tryEnter();
    await inside;
    this.state.enter();
    return this.state.mine!;
  }

  /** Leaves: `onLeft` runs at the exit event, before the release is published. */
  async release(onLeft: () => void): Promise<void> {
    const { send } = this.state.leave();
    onLeft();
    await this.publish(send);
  }

  /** Says bye and resolves once every participant has said bye (answering requests until then). */
  async close(): Promise<void> {
    const done = new Promise<void>((resolve) => (this.finished = resolve));
    await this.publish(this.state.bye());
    if (!this.state.finished) await done;
  }

  protected mayEnter(): boolean {
    return this.state.mayEnter();
  }

  private tryEnter(): void {
    if (this.wakeEntry && this.mayEnter()) {
      const wake = this.wakeEntry;
      this.wakeEntry = null;
      wake();
    }
  }

  /** One send event, then the message on each receiver's topic (QoS 1: at least once, in order). */
  private async publish(out: Outgoing): Promise<void> {
    const envelope: Envelope = { from: this.state.id, vc: [...this.tick()], message: out.message };
    await Promise.all(
      out.to.map((to) =>
        this.client.publishAsync(BrokerMutex.topic(this.prefix, to), JSON.stringify(envelope), { qos: 1 }),
      ),
    );
  }
}
