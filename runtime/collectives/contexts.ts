// Context ids of new communicators (runtime/protocol.ts): COMM_WORLD uses 0 (point-to-point) and 1
// (collectives), COMM_SELF 2 and 3; every communicator created collectively takes the next even pair of
// COMMUNICATOR_CONTEXTS, agreed by its creators as the maximum of each member's offer (this process's
// allocator below), so two communicators that share a process never share a context.
import { COMMUNICATOR_CONTEXTS, ContextIds } from "../protocol.ts";

const communicatorContexts = new ContextIds(COMMUNICATOR_CONTEXTS);

/** This process's offer for a new context: reserved at once. */
export function offerContext(): number {
  return communicatorContexts.offer();
}

/** Records the agreed context of a new communicator. */
export function agreeContext(context: number): void {
  communicatorContexts.agree(context);
}
