import { createHash } from 'node:crypto';

/**
 * The content hash a checkpoint records for its phase file, as `sha256:<64 hex digits>`. Line endings are
 * normalised first, so a checkout with CRLF endings does not look like an edited phase.
 *
 * @example
 * hashPhaseSource(await readFile('plans/05-phase-hypervisor.md', 'utf8')); // 'sha256:3f1a…'
 */
export function hashPhaseSource(source: string): string {
  return `sha256:${createHash('sha256').update(source.replace(/\r\n/g, '\n'), 'utf8').digest('hex')}`;
}
