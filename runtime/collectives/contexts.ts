// Context ids of new communicators (docs/architecture.md): COMM_WORLD uses 0 (point-to-point)
// and 1 (collectives), COMM_SELF 2 and 3; every new communicator takes the next even pair, agreed by its
// creators as the maximum of each member's next free id, so two communicators that share a process never
// share a context. A candidate is reserved as soon as it is offered, so creations started back to back
// on one process offer different ids.
let nextFree = 4;

/** This process's offer for a new context: reserved at once. */
export function offerContext(): number {
  const offer = nextFree;
  nextFree += 2;
  return offer;
}

/** Records the agreed context of a new communicator. */
export function agreeContext(context: number): void {
  nextFree = Math.max(nextFree, context + 2);
}
