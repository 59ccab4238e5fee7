// The exercises' algorithm modules are state machines without sockets: here they run in memory, the
// "network" a FIFO queue of messages per link, fast and deterministic (seeded order where it matters).
import { describe, expect, it } from "vitest";
import { RingProcess } from "../../exercises/sockets/election-algorithm.ts";
import { SnapshotProcess, type Message as SnapshotMessage } from "../../exercises/sockets/snapshot-algorithm.ts";
import { FailureDetector, type Outgoing } from "../../exercises/sockets/failure-detector-algorithm.ts";
import { CheckpointProcess, type CheckpointRecord } from "../../exercises/sockets/checkpoint-process-algorithm.ts";
import { TaskBook } from "../../exercises/salad/mpi/ft-master-algorithm.ts";
import { AsyncMutex, incrementAsync } from "../../exercises/salad/counter-race-algorithm.ts";
import { Chain, tamper } from "../../exercises/salad/blockchain-algorithm.ts";
import { answerFrame, decodeAnswer, requestFrame } from "../../exercises/salad/rpc/rpc-algorithm.ts";
import { mulberry32 } from "../../exercises/common/args.ts";

/** Runs a ring of election processes in memory; every id in `initiators` starts an election. */
function electOnRing(ids: number[], initiators: number[]) {
  const queues = ids.map(() => [] as string[]);
  const printed = ids.map(() => [] as string[]);
  const stopped = new Set<number>();
  const ring = ids.map(
    (id, i) =>
      new RingProcess(id, initiators.includes(id), {
        pass: (message) => queues[(i + 1) % ids.length].push(message),
        stop: (forward) => (stopped.add(i), forward && queues[(i + 1) % ids.length].push("S")),
        print: (line) => printed[i].push(line),
        ignore: (line) => {
          throw new Error(`unknown message ${line}`);
        },
      }),
  );
  ring.forEach((p) => p.start());
  const random = mulberry32(7);
  for (let steps = 0; queues.some((q) => q.length) && steps < 10_000; steps++) {
    const busy = queues.map((q, i) => (q.length && !stopped.has(i) ? i : -1)).filter((i) => i >= 0);
    if (busy.length === 0) break;
    const i = busy[Math.floor(random() * busy.length)]; // any interleaving of the links, FIFO on each
    ring[i].onMessage(queues[i].shift()!);
  }
  return { printed, stopped };
}

describe("election (Chang-Roberts then numbering)", () => {
  it.each([
    [[3, 7, 5], [3]],
    [
      [9, 2, 11, 4, 6, 1],
      [9, 2, 11, 4, 6, 1],
    ],
    [
      [5, 1, 8, 3],
      [1, 3],
    ],
  ])("ring %j with initiators %j: one leader, the greatest id, numbers 0..N-1, count N", (ids, initiators) => {
    const { printed, stopped } = electOnRing(ids, initiators);
    const max = Math.max(...ids);
    const claims = printed.flat().filter((l) => l.includes("(this process was elected)"));
    expect(claims).toEqual([`LEADER ${max} (this process was elected)`]);
    const numbers = printed.flatMap((lines) =>
      lines.filter((l) => l.startsWith("NUMBER")).map((l) => Number(l.split(" ")[1])),
    );
    expect(numbers.sort((a, b) => a - b)).toEqual(ids.map((_, k) => k));
    expect(printed.flat().filter((l) => l.startsWith("COUNT"))).toEqual([
      `COUNT ${ids.length} (processes on the ring)`,
    ]);
    expect(stopped.size).toBe(ids.length);
  });
});

describe("Chandy-Lamport snapshot", () => {
  it("recorded balances plus channel contents equal the total, whatever the interleaving", () => {
    const n = 4;
    const links = new Map<string, SnapshotMessage[]>(); // "from>to" → FIFO
    const printed: string[] = [];
    const pending: (() => void)[] = [];
    const random = mulberry32(11);
    const procs = Array.from(
      { length: n },
      (_, me) =>
        new SnapshotProcess(
          { me, processes: n, initial: 100, snapshots: 3 },
          {
            transmit: (j, m) => {
              const key = `${me}>${j}`;
              links.set(key, [...(links.get(key) ?? []), m]);
            },
            print: (line) => printed.push(line),
            nextSnapshotLater: (take) => pending.push(take),
            finish: () => {},
            random,
          },
        ),
    );
    procs[0].recordLocalState(1);
    for (let step = 0; step < 20_000; step++) {
      if (random() < 0.3) procs[Math.floor(random() * n)].transferSomething();
      if (pending.length && random() < 0.05) pending.shift()!();
      const busy = [...links].filter(([, q]) => q.length);
      if (busy.length === 0) continue;
      const [key, queue] = busy[Math.floor(random() * busy.length)];
      const [from, to] = key.split(">").map(Number);
      procs[to].onMessage(from, queue.shift()!);
    }
    const globals = printed.filter((l) => l.startsWith("GLOBAL ")).map((l) => JSON.parse(l.slice(7)));
    expect(globals.map((g) => g.snapshot)).toEqual([1, 2, 3]);
    for (const g of globals) expect(g.total).toBe(400);
    expect(printed.filter((l) => l.startsWith("FINAL"))).toHaveLength(n);
  });
});

describe("failure detector", () => {
  it("suspects a process more than `threshold` heartbeats behind, trusts it again when it answers", () => {
    const printed: string[] = [];
    const sent: Outgoing[] = [];
    const detector = new FailureDetector<string>(2, {
      send: (_link, m) => sent.push(m),
      print: (l) => printed.push(l),
    });
    const from = {};
    detector.onMessage("p0", { op: "hello", role: "process", name: "p0" }, from);
    for (let k = 0; k < 2; k++) detector.heartbeat();
    expect(printed.some((l) => l.startsWith("SUSPECT"))).toBe(false);
    detector.heartbeat(); // 3 sent, 0 answered: more than 2 behind
    expect(printed).toContain("SUSPECT p0 source=local");
    detector.onMessage("p0", { op: "alive", n: 3 }, from);
    expect(printed).toContain("TRUST p0 source=local");
  });
});

describe("blocking coordinated checkpoint", () => {
  it("a wave's checkpoints form a consistent cut: every message sent before it was received before it", () => {
    const n = 3;
    const links = new Map<string, unknown[]>();
    const saved: CheckpointRecord[] = [];
    const random = mulberry32(5);
    const procs = Array.from(
      { length: n },
      (_, me) =>
        new CheckpointProcess(me, {
          transmit: (j, m) => {
            const key = `${me}>${j}`;
            links.set(key, [...(links.get(key) ?? []), m]);
          },
          saveCheckpoint: (r) => saved.push(r),
          random,
        }),
    );
    procs.forEach((p) => p.connected(n));
    for (let step = 0; step < 3000; step++) {
      if (step === 1500) procs[0].startWave(1);
      if (random() < 0.5) procs[Math.floor(random() * n)].tick();
      const busy = [...links].filter(([, q]) => q.length);
      if (!busy.length) continue;
      const [key, queue] = busy[Math.floor(random() * busy.length)];
      const [from, to] = key.split(">").map(Number);
      procs[to].onPeerMessage(from, queue.shift() as never);
    }
    expect(saved.map((r) => r.process).sort()).toEqual([0, 1, 2]);
    for (const a of saved) for (const b of saved) if (a !== b) expect(a.sent[b.process]).toBe(b.received[a.process]);
  });
});

describe("the fault-tolerant masters' task book", () => {
  it("re-queues an overdue task, counts its first result once and answers wait, then stop", () => {
    const printed: string[] = [];
    const book = new TaskBook(
      { scale: 0.001, program: "test" },
      { print: (l) => printed.push(l), error: () => {}, saladReady: () => printed.push("READY") },
    );
    const first = book.give(1, 0);
    expect(first).toHaveProperty("id");
    const task = first as { id: number; units: number };
    const late = book.timeoutMs(task as never) + 1;
    expect(book.overdue(late)).toEqual([{ worker: 1, why: expect.stringContaining("no result after") }]);
    book.requeue(1, "late");
    expect(book.give(2, late)).toEqual(first); // the re-queued task is handed out next
    book.result(1, { id: task.id, result: "x" }, late);
    book.result(2, { id: task.id, result: "x" }, late);
    expect(printed.filter((l) => l.startsWith(`PREPARED ${task.id} `))).toHaveLength(1);
    const others: { id: number }[] = [];
    for (let reply = book.give(3, late); reply && "id" in reply; reply = book.give(3, late)) others.push(reply);
    expect(book.give(4, late)).toEqual({ wait: true }); // none free, one being prepared (worker 3's last)
    for (const t of others) book.result(3, { id: t.id, result: "x" }, late);
    expect(printed.filter((l) => l.startsWith("PREPARED "))).toHaveLength(11);
    expect(printed).toContain("READY");
    expect(book.give(4, late)).toBeNull();
  });
});

describe("counter race", () => {
  it("without a mutex, interleaved increments lose updates; with one they are all counted", async () => {
    for (const mutex of [null, new AsyncMutex()]) {
      const counter = new Int32Array(1);
      await Promise.all([0, 1, 2].map(() => incrementAsync(counter, 1000, mutex)));
      if (mutex) expect(counter[0]).toBe(3000);
      else expect(counter[0]).toBeLessThan(3000);
    }
  });
});

describe("blockchain", () => {
  it("a mined chain verifies; a re-mined block breaks the link to the next one", () => {
    const chain = new Chain(1);
    chain.add("a");
    chain.add("b");
    expect(chain.verify()).toEqual({ valid: true });
    const forged = chain.copy();
    tamper(forged, { block: 1, field: "data", mode: "remine" });
    expect(forged.verify()).toMatchObject({ valid: false, index: 2 });
  });
});

describe("RPC frames", () => {
  it("an exposed method answers; any other name is refused as NOT_EXPOSED", async () => {
    const service = { exposed_add: (a: number, b: number) => a + b, secret: () => 42 };
    expect(decodeAnswer(await answerFrame(service, requestFrame(1, "add", [2, 3])))).toEqual({ i: 1, r: 5 });
    const refused: string[] = [];
    const answer = decodeAnswer(await answerFrame(service, requestFrame(2, "secret", []), (n) => refused.push(n)));
    expect(answer?.e?.code).toBe("NOT_EXPOSED");
    expect(refused).toEqual(["secret"]);
  });
});
