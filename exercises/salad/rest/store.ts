// Salad exercise S7: the order book of the REST master, kept in SQLite (better-sqlite3) so that a server
// that stops — even killed — loses no accepted order. Every change is one transaction; WAL journal.
// Task states: todo → doing (handed to a worker, with a lease) → done (first result wins). A task whose
// lease ran out, or that was in progress when the server stopped, is handed out again.
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import type { Task } from "../fruits.ts";

export interface TaskRow {
  id: number;
  fruit: string;
  units: number;
  state: "todo" | "doing" | "done";
  worker: string | null;
  prepared_by: string | null;
  result: string | null;
}

export interface Order {
  id: string;
  status: "pending" | "ready";
  created_at: number;
  ready_at: number | null;
  /** Milliseconds from the order to its last fruit, once ready. */
  elapsed_ms: number | null;
  tasks: TaskRow[];
}

export interface Handout {
  order: string;
  task: { id: number; fruit: string; units: number };
}

export type ResultOutcome =
  | { outcome: "accepted"; fruit: string; orderReady: boolean }
  | { outcome: "duplicate"; preparedBy: string }
  | { outcome: "unknown" };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  ready_at INTEGER
);
CREATE TABLE IF NOT EXISTS tasks (
  order_id TEXT NOT NULL REFERENCES orders(id),
  task_id INTEGER NOT NULL,
  fruit TEXT NOT NULL,
  units REAL NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('todo', 'doing', 'done')),
  worker TEXT,
  lease_until INTEGER,
  prepared_by TEXT,
  result TEXT,
  PRIMARY KEY (order_id, task_id)
);
CREATE INDEX IF NOT EXISTS tasks_waiting ON tasks (state, lease_until);
`;

export class OrderStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = FULL");
    this.db.pragma("foreign_keys = ON");
    this.db.exec(SCHEMA);
  }

  /** Tasks that were in progress when the server last stopped go back to the queue; returns how many. */
  requeueInProgress(): number {
    return this.db
      .prepare("UPDATE tasks SET state = 'todo', worker = NULL, lease_until = NULL WHERE state = 'doing'")
      .run().changes;
  }

  /** Records a new order with its tasks (id: the task service's, or a new one); once this returns, the order survives any stop. */
  createOrder(tasks: Task[], now: number, id: string = randomUUID()): string {
    const insertTask = this.db.prepare(
      "INSERT INTO tasks (order_id, task_id, fruit, units, state) VALUES (?, ?, ?, ?, 'todo')",
    );
    this.db.transaction(() => {
      this.db.prepare("INSERT INTO orders (id, created_at) VALUES (?, ?)").run(id, now);
      for (const t of tasks) insertTask.run(id, t.id, t.fruit, t.units);
    })();
    return id;
  }

  /** Hands the oldest waiting task (never given, or whose lease ran out) to `worker`. */
  nextTask(worker: string, now: number, leaseMs: number): Handout | undefined {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(
          `SELECT t.order_id, t.task_id, t.fruit, t.units FROM tasks t JOIN orders o ON o.id = t.order_id
           WHERE t.state = 'todo' OR (t.state = 'doing' AND t.lease_until < ?)
           ORDER BY o.created_at, t.order_id, t.task_id LIMIT 1`,
        )
        .get(now) as { order_id: string; task_id: number; fruit: string; units: number } | undefined;
      if (!row) return undefined;
      this.db
        .prepare("UPDATE tasks SET state = 'doing', worker = ?, lease_until = ? WHERE order_id = ? AND task_id = ?")
        .run(worker, now + leaseMs, row.order_id, row.task_id);
      return { order: row.order_id, task: { id: row.task_id, fruit: row.fruit, units: row.units } };
    })();
  }

  /** Records a prepared fruit. The first result for a task counts; later ones are duplicates. */
  recordResult(orderId: string, taskId: number, worker: string, result: string, now: number): ResultOutcome {
    return this.db.transaction((): ResultOutcome => {
      const task = this.db
        .prepare("SELECT state, fruit, prepared_by FROM tasks WHERE order_id = ? AND task_id = ?")
        .get(orderId, taskId) as { state: string; fruit: string; prepared_by: string | null } | undefined;
      if (!task) return { outcome: "unknown" };
      if (task.state === "done") return { outcome: "duplicate", preparedBy: task.prepared_by ?? "?" };
      this.db
        .prepare(
          "UPDATE tasks SET state = 'done', prepared_by = ?, result = ?, lease_until = NULL WHERE order_id = ? AND task_id = ?",
        )
        .run(worker, result, orderId, taskId);
      const left = this.db
        .prepare("SELECT COUNT(*) AS n FROM tasks WHERE order_id = ? AND state != 'done'")
        .get(orderId) as { n: number };
      if (left.n === 0) this.db.prepare("UPDATE orders SET ready_at = ? WHERE id = ?").run(now, orderId);
      return { outcome: "accepted", fruit: task.fruit, orderReady: left.n === 0 };
    })();
  }

  getOrder(id: string): Order | undefined {
    const order = this.db.prepare("SELECT id, created_at, ready_at FROM orders WHERE id = ?").get(id) as
      { id: string; created_at: number; ready_at: number | null } | undefined;
    if (!order) return undefined;
    const tasks = this.db
      .prepare(
        "SELECT task_id AS id, fruit, units, state, worker, prepared_by, result FROM tasks WHERE order_id = ? ORDER BY task_id",
      )
      .all(id) as TaskRow[];
    const ready = order.ready_at !== null;
    return {
      ...order,
      status: ready ? "ready" : "pending",
      elapsed_ms: ready ? order.ready_at! - order.created_at : null,
      tasks,
    };
  }

  close(): void {
    this.db.close();
  }
}
