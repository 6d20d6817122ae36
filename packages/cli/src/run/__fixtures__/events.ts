import { PHASE_STATUSES } from '@kazuba/hypervisor-v2';
import type { HypervisorEventOf, HypervisorEventType, RunSummary } from '@kazuba/hypervisor-v2';

type Fields<T extends HypervisorEventType> = Omit<HypervisorEventOf<T>, 'type' | 'runId' | 'seq' | 'timestamp'>;

/** The epoch ms that fixture runs start at. */
export const T0 = 1_700_000_000_000;

/** Makes the events of one run in order: `event('phase:started', 1500, { phaseId: 1, attempt: 1 })` happens 1.5 s in. */
export function eventMaker(runId = 'run-1'): <T extends HypervisorEventType>(type: T, atMs: number, fields: Fields<T>) => HypervisorEventOf<T> {
  let seq = 0;
  return (type, atMs, fields) => ({ ...fields, type, runId, seq: seq++, timestamp: T0 + atMs }) as unknown as HypervisorEventOf<typeof type>;
}

/** A writable that keeps what is written, optionally posing as a terminal. */
export interface FakeStream {
  readonly text: () => string;
  write(text: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** A stream that records what is written; with `terminal`, it says it is a TTY of that many columns. */
export function fakeStream(terminal?: { readonly columns?: number }): FakeStream {
  let text = '';
  return {
    text: () => text,
    write: (chunk: string) => {
      text += chunk;
      return true;
    },
    ...(terminal === undefined ? {} : { isTTY: true, ...(terminal.columns === undefined ? {} : { columns: terminal.columns }) }),
  };
}

/** Counts by status, every status present: zero unless given. */
export function countsOf(given: Partial<RunSummary['countsByStatus']> = {}): RunSummary['countsByStatus'] {
  return { ...Object.fromEntries(PHASE_STATUSES.map((status) => [status, 0])), ...given } as RunSummary['countsByStatus'];
}
