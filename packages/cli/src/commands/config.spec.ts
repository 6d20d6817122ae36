import { afterAll, describe, expect, it } from '@jest/globals';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeScratchDirs, runCaptured, scratchDir } from '../e2e/__fixtures__/other/cli-harness.js';
import type { ConfigReport } from './config-report.js';

afterAll(removeScratchDirs);

async function projectWith(config: string, name = 'hypervisor.config.yaml'): Promise<string> {
  const cwd = await scratchDir();
  await writeFile(join(cwd, name), config);
  return cwd;
}

async function report(cwd: string, ...flags: string[]): Promise<ConfigReport> {
  const result = await runCaptured(['config', '--json', ...flags], cwd);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as ConfigReport;
}

describe('hypervisor config', () => {
  it('shows each run setting with where it came from: flag over config file over default', async () => {
    const cwd = await projectWith('run:\n  mode: parallel\n  workers: 6\n  breaker:\n    cooldown: 2m\n');
    const { configFile, run } = await report(cwd, '-j', '2');
    expect(configFile).toBe('hypervisor.config.yaml');
    expect(run['mode']).toEqual({ value: 'parallel', from: 'hypervisor.config.yaml:2' });
    expect(run['workers']).toEqual({ value: 2, from: '--workers' });
    expect(run['breaker.cooldown']).toEqual({ value: '2m 00s', from: 'hypervisor.config.yaml:5' });
    expect(run['breaker.threshold']).toEqual({ value: 5, from: 'default' });
    expect(run['timeout']).toEqual({ value: '10m 00s', from: 'default' });
  });

  it('lists the agent profiles, the default agent first, with what made or changed each', async () => {
    const cwd = await projectWith('run:\n  agent: opus\nagents:\n  opus:\n    extends: claude\n    model: opus\n', 'settings.yml');
    const { agents } = await report(cwd, '--config', 'settings.yml', '--permission-mode', 'plan');
    expect(agents[0]).toMatchObject({ name: 'opus', kind: 'claude', model: 'opus', permissionMode: 'plan', from: 'settings.yml:4 + flags' });
    expect(agents.find((agent) => agent.name === 'codex')).toMatchObject({ permissionMode: 'workspace-write', from: 'built-in' });
  });

  it('prints a table for people, and says when there is no config file', async () => {
    const result = await runCaptured(['config', '--model', 'sonnet'], await scratchDir());
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^No config file \(hypervisor\.config\.yaml\): flags and defaults only\.\n/);
    expect(result.stdout).toMatch(/\n {2}workers +4 +default\n/);
    expect(result.stdout).toContain('  claude (default agent): claude, from built-in + flags\n    command=claude  maxTurns=50  permissionMode=acceptEdits  outputFormat=stream-json  model=sonnet\n');
  });

  it('shows the budget from --max-cost over the config file, and none by default', async () => {
    const cwd = await projectWith('run:\n  workers: 2\n  maxCost: 40\n  retryFreshSession: true\n');
    expect((await report(cwd)).run).toMatchObject({
      maxCost: { value: 40, from: 'hypervisor.config.yaml:3' },
      retryFreshSession: { value: true, from: 'hypervisor.config.yaml:4' },
    });
    expect((await report(cwd, '--max-cost', '7.5')).run['maxCost']).toEqual({ value: 7.5, from: '--max-cost' });
    const defaults = (await report(await scratchDir())).run;
    expect([defaults['maxCost'], defaults['retryFreshSession']]).toEqual([{ value: 'none', from: 'default' }, { value: false, from: 'default' }]);
  });

  it('shows whether a run writes its report (--report, run.report) and how many runs keep their learning events', async () => {
    const cwd = await projectWith('run:\n  report: true\n  events:\n    keepRuns: 20\n');
    expect((await report(cwd)).run).toMatchObject({
      report: { value: true, from: 'hypervisor.config.yaml:2' },
      'events.keepRuns': { value: 20, from: 'hypervisor.config.yaml:4' },
    });
    const defaults = await report(await scratchDir());
    expect([defaults.run['report'], defaults.run['events.keepRuns']]).toEqual([{ value: false, from: 'default' }, { value: 50, from: 'default' }]);
    expect((await report(await scratchDir(), '--report')).run['report']).toEqual({ value: true, from: '--report' });
    const text = await runCaptured(['config'], cwd);
    expect(text.stdout).toMatch(/\n {2}report +true +hypervisor\.config\.yaml:2\n {2}events\.keepRuns +20 +hypervisor\.config\.yaml:4\n/);
  });

  it('refuses a --max-cost that is not an amount of dollars above 0', async () => {
    const result = await runCaptured(['config', '--max-cost', '0'], await scratchDir());
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'hypervisor: --max-cost: expected an amount of US dollars > 0, got "0"\n' });
  });

  it('lists the routing rules in order, with their lines', async () => {
    const cwd = await projectWith('routing:\n  - when: { effort: [L, XL], tags: [db] }\n    agent: codex\n    model: o3\n  - model: haiku\n');
    expect((await report(cwd)).routing).toEqual([
      { when: { effort: ['L', 'XL'], tags: ['db'] }, agent: 'codex', model: 'o3', rule: 'routing[0] effort L,XL, tags db', from: 'hypervisor.config.yaml:2' },
      { when: {}, model: 'haiku', rule: 'routing[1] every phase', from: 'hypervisor.config.yaml:5' },
    ]);
    const text = await runCaptured(['config'], cwd);
    expect(text.stdout).toContain(
      "\nRouting (first match wins; a phase's own agent and model win over it):\n" +
        '  routing[0] effort L,XL, tags db -> agent codex, model o3, from hypervisor.config.yaml:2\n' +
        '  routing[1] every phase -> model haiku, from hypervisor.config.yaml:5\n',
    );
    expect((await runCaptured(['config'], await scratchDir())).stdout).not.toContain('Routing');
  });

  it('exits 2 with the file, line and field of a bad config file', async () => {
    const cwd = await projectWith('agents:\n  codex:\n    allowedTools: [Edit]\n');
    const result = await runCaptured(['config'], cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^hypervisor: hypervisor\.config\.yaml:3: agents\.codex\.allowedTools: a codex profile has no such setting/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
