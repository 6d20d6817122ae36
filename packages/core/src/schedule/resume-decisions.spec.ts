import { describe, expect, it } from '@jest/globals';
import { EMPTY, of, throwError } from 'rxjs';
import { normalizeCheckpoint } from '@kazuba/toon';
import { definePlan } from '../plan/define-plan.js';
import type { CheckpointStore } from './ports.js';
import { readResumeDecisions } from './resume-decisions.js';
import { createMemoryStore, recordOf } from './__fixtures__/memory-store.js';

const plan = definePlan([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }, { id: 5 }]);
const at = (id: number): (typeof plan.phases)[number] => plan.byId.get(id) as (typeof plan.phases)[number];

describe('readResumeDecisions', () => {
  it('decides from each phase record: complete, not successful, changed, missing or unreadable', async () => {
    const error = new Error('corrupt');
    const store = createMemoryStore({
      records: { 1: recordOf(at(1), 'success'), 2: recordOf(at(2), 'partial'), 3: recordOf(at(3), 'success', { phase_hash: at(4).hash }), 5: recordOf(at(5), 'success') },
      readFaults: { 5: { reject: error } },
    });
    const decisions = await readResumeDecisions(plan, store, false);
    expect(Object.fromEntries(decisions)).toEqual({
      1: { run: false, reason: 'completed' },
      2: { run: true, reason: 'not-successful' },
      3: { run: true, reason: 'phase-changed' },
      4: { run: true, reason: 'no-checkpoint' },
      5: { run: true, reason: 'unreadable-checkpoint', error },
    });
  });

  it('accepts any ObservableInput from the store, and a read that throws or yields nothing', async () => {
    const thrown = new Error('EACCES');
    const store: CheckpointStore = {
      read: (phase) => {
        if (phase.id === 1) return of(normalizeCheckpoint(recordOf(phase, 'success')));
        if (phase.id === 2) return EMPTY;
        if (phase.id === 3) throw thrown;
        if (phase.id === 4) return throwError(() => 'unreadable');
        return [undefined];
      },
      write: () => of(undefined),
    };
    const decisions = await readResumeDecisions(plan, store, false);
    expect(Object.fromEntries(decisions)).toEqual({
      1: { run: false, reason: 'completed' },
      2: { run: true, reason: 'no-checkpoint' },
      3: { run: true, reason: 'unreadable-checkpoint', error: thrown },
      4: { run: true, reason: 'unreadable-checkpoint', error: 'unreadable' },
      5: { run: true, reason: 'no-checkpoint' },
    });
  });

  it('runs every phase without reading when forced, or when there is no store', async () => {
    const store = createMemoryStore({ records: { 1: recordOf(at(1), 'success') } });
    const forced = await readResumeDecisions(plan, store, true);
    expect([...forced.values()].every((decision) => decision.run && decision.reason === 'forced')).toBe(true);
    expect(store.reads).toEqual([]);
    const storeless = await readResumeDecisions(plan, undefined, false);
    expect([...storeless.values()].every((decision) => decision.run && decision.reason === 'no-checkpoint')).toBe(true);
  });
});
