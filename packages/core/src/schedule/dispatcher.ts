import { BinaryHeap } from '../graph/binary-heap.js';

/**
 * How `parallel_group` limits concurrency. `strict` (the default while phases share one working tree): phases
 * run side by side only when they carry the same non-null group, and a phase whose group is null runs alone.
 * `ignore`: only dependencies and workers limit concurrency.
 */
export type GroupPolicy = 'strict' | 'ignore';

/** What the dispatcher needs to know about the phases. */
export interface DispatcherOptions {
  /** At most this many phases run at once; with one, phases go in plan order (the lowest ready id first). */
  readonly workers: number;
  readonly groupPolicy: GroupPolicy;
  /**
   * The phase's priority while more than one worker runs phases: its remaining critical path; the larger goes
   * first, then the smaller id.
   */
  readonly priorityOf: (phaseId: number) => number;
  readonly groupOf: (phaseId: number) => string | null;
}

const SOLO = '\u0000solo';

/**
 * The one scheduling rule, shared by the real scheduler and the simulation: a ready phase starts as soon as a
 * worker is free and the group policy allows it next to the phases already running. With several workers the one
 * with the longest remaining critical path goes first; with one worker (sequential and interactive modes, a
 * parallel run with one worker or after the watchdog's fallback) the lowest ready id goes first: one phase at a
 * time takes the same total time in any order, so the order a reader of the plan expects costs nothing. Ready
 * phases wait in one heap per group, so each choice is O(log n) plus the number of groups.
 */
export class Dispatcher {
  private readonly heaps = new Map<string, BinaryHeap<number>>();
  private readonly runningGroups = new Map<string, number>();
  private readonly runningIds = new Set<number>();
  private readyCount = 0;
  private workers: number;

  constructor(private readonly options: DispatcherOptions) {
    if (!Number.isInteger(options.workers) || options.workers < 1) throw new RangeError(`workers must be a positive integer, got ${options.workers}`);
    this.workers = options.workers;
  }

  /**
   * Changes the number of workers from now on (the watchdog's fallback to sequential sets 1), and with it the
   * order of the phases still waiting when the change goes from or to one worker.
   */
  setWorkers(workers: number): void {
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
    const reorder = (workers === 1) !== (this.workers === 1);
    this.workers = workers;
    if (reorder) this.rebuildHeaps();
  }

  /** Phases running now. */
  get running(): number {
    return this.runningIds.size;
  }

  /** Phases ready and waiting. */
  get ready(): number {
    return this.readyCount;
  }

  /** A phase whose dependencies are all done joins the ready set. */
  markReady(phaseId: number): void {
    const key = this.keyOf(phaseId);
    let heap = this.heaps.get(key);
    if (heap === undefined) {
      heap = new BinaryHeap<number>((a, b) => this.goesFirst(a, b));
      this.heaps.set(key, heap);
    }
    heap.push(phaseId);
    this.readyCount += 1;
  }

  /** Takes the phase that should start now and counts it as running; undefined when none may start. */
  next(): number | undefined {
    if (this.runningIds.size >= this.workers) return undefined;
    const heap = this.candidateHeap();
    const phaseId = heap?.pop();
    if (phaseId === undefined) return undefined;
    const key = this.keyOf(phaseId);
    this.runningGroups.set(key, (this.runningGroups.get(key) ?? 0) + 1);
    this.runningIds.add(phaseId);
    this.readyCount -= 1;
    return phaseId;
  }

  /**
   * A running phase ended (whatever its status): its worker is free.
   * @throws RangeError when the phase is not running (never taken from {@link next}, or already finished).
   */
  finished(phaseId: number): void {
    // Tracked by id: a count per group would accept a same-group phase that never started and free a worker.
    if (!this.runningIds.delete(phaseId)) throw new RangeError(`phase ${phaseId} finished but was not running`);
    const key = this.keyOf(phaseId);
    const left = (this.runningGroups.get(key) as number) - 1;
    if (left === 0) this.runningGroups.delete(key);
    else this.runningGroups.set(key, left);
  }

  private keyOf(phaseId: number): string {
    if (this.options.groupPolicy === 'ignore') return '';
    return this.options.groupOf(phaseId) ?? SOLO;
  }

  private candidateHeap(): BinaryHeap<number> | undefined {
    if (this.runningIds.size === 0) return this.bestHeap();
    const [group] = this.runningGroups.keys();
    // With `ignore` every phase shares the key ''; under `strict` a solo phase admits nobody beside it.
    return group === SOLO ? undefined : this.heaps.get(group as string);
  }

  /** The scheduling rule: with one worker the smaller id first; else the longer remaining critical path, then the smaller id. */
  private goesFirst(a: number, b: number): boolean {
    if (this.workers === 1) return a < b;
    const priority = this.options.priorityOf;
    return priority(a) > priority(b) || (priority(a) === priority(b) && a < b);
  }

  /** Re-sorts the waiting phases after the rule changed: each heap was ordered by the old one. */
  private rebuildHeaps(): void {
    for (const [key, old] of this.heaps) {
      const heap = new BinaryHeap<number>((a, b) => this.goesFirst(a, b));
      // Popping a heap whose order changed still yields every item, in no particular order.
      for (let id = old.pop(); id !== undefined; id = old.pop()) heap.push(id);
      this.heaps.set(key, heap);
    }
  }

  private bestHeap(): BinaryHeap<number> | undefined {
    let best: BinaryHeap<number> | undefined;
    for (const heap of this.heaps.values()) {
      const head = heap.peek();
      const bestHead = best?.peek();
      if (head === undefined) continue;
      if (bestHead === undefined || this.goesFirst(head, bestHead)) best = heap;
    }
    return best;
  }
}
