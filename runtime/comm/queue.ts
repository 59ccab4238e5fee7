// An ordered queue with removal of the first element matching a predicate: the shape of MPI's posted-receive
// and unexpected-message queues (matching takes the earliest match, in arrival or posting order).
// Removing from the head is O(1) amortised, so a queue of a million messages drains in linear time.

export class MatchQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns the first item for which `match` is true. */
  take(match: (item: T) => boolean): T | undefined {
    const i = this.indexOf(match);
    return i < 0 ? undefined : this.removeAt(i);
  }

  /** The first item for which `match` is true, left in place. */
  find(match: (item: T) => boolean): T | undefined {
    const i = this.indexOf(match);
    return i < 0 ? undefined : this.items[i];
  }

  remove(item: T): boolean {
    const i = this.indexOf((x) => x === item);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }

  private indexOf(match: (item: T) => boolean): number {
    const items = this.items;
    for (let i = this.head; i < items.length; i++) if (match(items[i] as T)) return i;
    return -1;
  }

  private removeAt(i: number): T {
    const item = this.items[i] as T;
    if (i === this.head) {
      this.items[i] = undefined;
      this.head++;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.items.length) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    } else {
      this.items.splice(i, 1);
    }
    return item;
  }
}
