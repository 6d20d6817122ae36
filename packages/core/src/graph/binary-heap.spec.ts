import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BinaryHeap } from './binary-heap.js';

function drain<T>(heap: BinaryHeap<T>): T[] {
  const out: T[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item);
  return out;
}

describe('BinaryHeap', () => {
  it('is empty at first: size 0, and peek and pop give undefined', () => {
    const heap = new BinaryHeap<number>((a, b) => a < b);
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
  });

  it('pops the items in the order of its comparison, whatever the push order', () => {
    const heap = new BinaryHeap<number>((a, b) => a < b);
    for (const n of [5, 3, 9, 1, 7, 3, 0]) heap.push(n);
    expect(heap.size).toBe(7);
    expect(heap.peek()).toBe(0);
    expect(drain(heap)).toEqual([0, 1, 3, 3, 5, 7, 9]);
    expect(heap.size).toBe(0);
  });

  it('follows a caller ordering: larger priority first, then smaller id', () => {
    const priority = new Map([
      [4, 10],
      [2, 10],
      [8, 30],
      [1, 5],
    ]);
    const before = (a: number, b: number): boolean => (priority.get(a) ?? 0) > (priority.get(b) ?? 0) || ((priority.get(a) ?? 0) === (priority.get(b) ?? 0) && a < b);
    const heap = new BinaryHeap<number>(before);
    for (const id of [4, 2, 8, 1]) heap.push(id);
    expect(drain(heap)).toEqual([8, 2, 4, 1]);
  });

  it('sorts any list of numbers, pushes and pops interleaved', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 })), fc.array(fc.integer({ min: -1000, max: 1000 })), (first, second) => {
        const heap = new BinaryHeap<number>((a, b) => a < b);
        for (const n of first) heap.push(n);
        const popped: number[] = [];
        const half = Math.floor(first.length / 2);
        for (let i = 0; i < half; i += 1) popped.push(heap.pop() as number);
        expect(popped).toEqual([...first].sort((a, b) => a - b).slice(0, half));
        for (const n of second) heap.push(n);
        const rest = [...first].sort((a, b) => a - b).slice(half).concat(second).sort((a, b) => a - b);
        expect(drain(heap)).toEqual(rest);
      }),
    );
  });
});
