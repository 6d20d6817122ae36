import type { Observable } from 'rxjs';
import type { ProcessEvent, ProcessOptions, ProcessSpec } from '../process/process-types.js';

/**
 * What the runner needs of a process supervisor: start a process in its own group and watch it. The stream
 * emits bounded output chunks, then one `exit`, and stops the whole group on abort or unsubscription.
 */
export interface ProcessLauncher {
  run(spec: ProcessSpec, options: ProcessOptions): Observable<ProcessEvent>;
}
