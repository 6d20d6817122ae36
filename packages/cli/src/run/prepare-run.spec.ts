import { afterAll, describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import type { ProjectConfig } from '@kazuba/core/node';
import type { CliIo } from '../cli-io.js';
import { removePlans, writePlan } from '../e2e/__fixtures__/run/write-plan.js';
import { eventMaker, fakeStream } from './__fixtures__/events.js';
import type { FakeStream } from './__fixtures__/events.js';
import { prepareRun } from './prepare-run.js';
import type { PreparedRun } from './prepare-run.js';
import { parseRunOptions } from './run-options.js';
import type { RawRunOptions } from './run-options.js';

afterAll(removePlans);

const NO_CONFIG: ProjectConfig = { run: {}, agents: [], routing: [] };

async function prepare(raw: RawRunOptions, config: ProjectConfig = NO_CONFIG): Promise<{ prepared: PreparedRun; stderr: FakeStream }> {
  const project = await writePlan([{ id: 1, title: 'API', extra: ['effort: L'] }]);
  const stderr = fakeStream();
  const io: CliIo = { stdout: fakeStream(), stderr, cwd: project.root, env: {}, stdinIsTTY: false };
  const options = parseRunOptions('plan', { history: false, ...raw }, project.root, config);
  const prepared = await prepareRun({ options, planArg: 'plan', io, deps: { signals: new EventEmitter() }, runId: 'r', version: '0.0.0' });
  return { prepared, stderr };
}

describe('prepareRun', () => {
  it('hands the budget and the fresh-session choice to the engine: --max-cost over the config file', async () => {
    const config: ProjectConfig = { run: { maxCostUsd: 40, retryFreshSession: true }, agents: [], routing: [] };
    expect((await prepare({}, config)).prepared.setup.config).toMatchObject({ maxCostUsd: 40, retryFreshSession: true });
    expect((await prepare({ maxCost: '2.5' }, config)).prepared.setup.config).toMatchObject({ maxCostUsd: 2.5 });
    const { config: defaults } = (await prepare({})).prepared.setup;
    expect(['maxCostUsd' in defaults, defaults.retryFreshSession]).toEqual([false, false]);
  });

  it("hands the config file's routing rules to the run", async () => {
    const routing = [{ when: { effort: ['L' as const] }, model: 'opus' }];
    expect((await prepare({}, { ...NO_CONFIG, routing })).prepared.setup.routing).toEqual(routing);
  });

  it('prints a line per tool the agent uses in plain mode with --verbose, and none without', async () => {
    const event = eventMaker();
    const toolEvent = event('phase:agent', 10, { phaseId: 1, attempt: 1, tool: 'Bash npm test' });
    const verbose = await prepare({ verbose: true });
    verbose.prepared.observe(toolEvent);
    expect(verbose.stderr.text()).toContain('phase 1 (API) Bash npm test\n');
    const quiet = await prepare({});
    quiet.prepared.observe(toolEvent);
    expect(quiet.stderr.text()).not.toContain('Bash npm test');
  });
});
