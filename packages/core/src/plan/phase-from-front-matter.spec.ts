import { describe, expect, it } from '@jest/globals';
import { splitPhaseFile } from './front-matter.js';
import type { SplitPhaseFile } from './front-matter.js';
import { phaseFromFile } from './phase-from-front-matter.js';
import type { Phase } from './plan.js';
import type { PlanProblem } from './plan-error.js';

const fileOf = (...frontMatter: string[]): SplitPhaseFile => splitPhaseFile(`---\n${frontMatter.join('\n')}\n---\nDo it.\n`, '01-a.md') as SplitPhaseFile;

describe('phaseFromFile', () => {
  it('reads the tags the routing rules match on, and leaves them out when the file has none', () => {
    const phase = phaseFromFile(fileOf('phase: 1', 'tags: [db, migration]', 'effort: L'), '01-a.md', 'sha256:0') as Phase;
    expect(phase.tags).toEqual(['db', 'migration']);
    expect(phase.extra).toEqual({});
    expect('tags' in (phaseFromFile(fileOf('phase: 1'), '01-a.md', 'sha256:0') as Phase)).toBe(false);
  });

  it('refuses tags that are not a list of names, with the line', () => {
    const problems = phaseFromFile(fileOf('phase: 1', 'tags:', '  - db', '  - 7'), '01-a.md', 'sha256:0') as PlanProblem[];
    expect(problems).toEqual([{ code: 'invalid_field', file: '01-a.md', line: 5, message: expect.stringMatching(/^tags\.1: /) }]);
    const scalar = phaseFromFile(fileOf('phase: 1', 'tags: db'), '01-a.md', 'sha256:0') as PlanProblem[];
    expect(scalar[0]).toMatchObject({ code: 'invalid_field', line: 3, message: expect.stringMatching(/^tags: /) });
  });
});
