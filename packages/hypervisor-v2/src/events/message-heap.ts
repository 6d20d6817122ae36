import type { MeshMessage } from './event-mesh.js';

/** A message with its mesh-wide publish number, which keeps equal priorities in publish order. */
export interface QueuedMessage {
  readonly message: MeshMessage;
  readonly order: number;
}

function precedes(a: QueuedMessage, b: QueuedMessage): boolean {
  const { priority } = a.message;
  return priority === b.message.priority ? a.order < b.order : priority < b.message.priority;
}

/** A binary min-heap on (priority, publish order), so publishing into a long backlog stays O(log n). */
export class MessageHeap {
  #items: QueuedMessage[] = [];

  push(item: QueuedMessage): void {
    const items = this.#items;
    let index = items.length;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = items[parent] as QueuedMessage;
      if (!precedes(item, above)) break;
      items[index] = above;
      index = parent;
    }
    items[index] = item;
  }

  pop(): QueuedMessage | undefined {
    const items = this.#items;
    const last = items.pop();
    if (last === undefined || items.length === 0) return last;
    const top = items[0] as QueuedMessage;
    let index = 0;
    for (let child = 1; child < items.length; child = 2 * index + 1) {
      const right = items[child + 1];
      if (right !== undefined && precedes(right, items[child] as QueuedMessage)) child += 1;
      const candidate = items[child] as QueuedMessage;
      if (!precedes(candidate, last)) break;
      items[index] = candidate;
      index = child;
    }
    items[index] = last;
    return top;
  }

  clear(): void {
    this.#items = [];
  }
}
