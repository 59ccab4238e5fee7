// Exercise 6's algorithm, one process of a unidirectional ring as a state machine without sockets
// (election.ts is the program: options, the ring's TCP links, `--spawn`). Chang-Roberts election with any
// number of simultaneous initiators, then numbering. Messages, one per line on the ring:
//   E<id>  election: the greatest id seen so far travels     F<id>  elected: <id> is the leader
//   T<k>   numbering token: take k, pass k+1                 S      stop the ring
// The leader takes number 0 and sends T1; when the token returns to it, it knows the count N and stops the
// ring. Lines printed: LEADER <id>, NUMBER <k>, COUNT <n>.

/** What a ring process can do besides changing its state: the program wires these to the next process. */
export interface RingActions {
  /** Sends one message (E17, F17, T3, S) to the next process. */
  pass(message: string): void;
  /** Closes the link to the next process, after passing S when `forward`; the process then exits. */
  stop(forward: boolean): void;
  print(line: string): void;
  /** A message this protocol does not know. */
  ignore(line: string): void;
}

export class RingProcess {
  /** An initiator is a participant from the start. */
  participant: boolean;
  leader: number | undefined;

  constructor(
    readonly me: number,
    readonly initiator: boolean,
    private readonly act: RingActions,
  ) {
    this.participant = initiator;
  }

  /** The initiator's first message. */
  start(): void {
    if (this.initiator) this.act.pass(`E${this.me}`);
  }

  /** One line received from the previous process. */
  onMessage(line: string): void {
    const [kind, value] = [line[0], Number(line.slice(1))];
    if (kind === "E") this.onElection(value);
    else if (kind === "F") this.onElected(value);
    else if (kind === "T") this.onToken(value);
    else if (kind === "S") this.act.stop(this.leader !== this.me);
    else this.act.ignore(line);
  }

  onElection(candidate: number): void {
    const { me, act } = this;
    // SOLUTION BEGIN: Chang-Roberts: forward a greater id, replace a smaller one by yours (once), elected when yours comes back
    if (candidate > me) {
      this.participant = true;
      act.pass(`E${candidate}`);
    } else if (candidate < me && !this.participant) {
      this.participant = true;
      act.pass(`E${me}`);
    } else if (candidate === me) {
      this.leader = me; // my own id came back: nobody on the ring is greater
      act.print(`LEADER ${me} (this process was elected)`);
      act.pass(`F${me}`);
    } // candidate < me while participating: swallowed, my own id is already travelling
    // STARTER: void candidate;
    // SOLUTION END
  }

  onElected(elected: number): void {
    this.participant = false;
    if (elected !== this.me) {
      this.leader = elected;
      this.act.print(`LEADER ${elected}`);
      return this.act.pass(`F${elected}`);
    }
    this.act.print("NUMBER 0 (the leader)");
    this.act.pass("T1"); // everybody knows the leader: start numbering
  }

  onToken(value: number): void {
    if (this.leader === this.me) {
      this.act.print(`COUNT ${value} (processes on the ring)`);
      return this.act.pass("S");
    }
    this.act.print(`NUMBER ${value}`);
    this.act.pass(`T${value + 1}`);
  }
}
