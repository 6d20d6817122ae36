import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser } from 'puppeteer-core';
import { launchChromium, openReport, screenshot } from './__fixtures__/browser/chromium.js';
import type { OpenedReport } from './__fixtures__/browser/chromium.js';
import { REPO_ROOT, removeScratchDirs, runBuilt, scratchDir } from './__fixtures__/other/cli-harness.js';
import { removePlans, writePlan } from './__fixtures__/run/write-plan.js';

// Real runs of the built CLI, then their reports in a real headless Chromium: seconds each.
jest.setTimeout(120_000);

const DEMO = join(REPO_ROOT, 'examples', 'demo');
/** Where the screenshots go: beside the package's coverage, not in the repository. */
const OUTPUT = join(REPO_ROOT, 'packages', 'cli', 'test-output', 'report-browser');
/**
 * `KAZUBA_DOCS_SCREENSHOT=1` also writes the demo's screenshot that the README shows, `docs/report-demo.png`:
 * the picture in the README is made by this code, from a real run.
 */
const DOCS_SCREENSHOT = process.env['KAZUBA_DOCS_SCREENSHOT'] === '1' ? join(REPO_ROOT, 'docs', 'report-demo.png') : undefined;

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([removePlans(), removeScratchDirs()]);
});

/** Runs `hypervisor report` on a run and returns the path it printed. */
async function writeReport(planDir: string, root: string): Promise<string> {
  const result = await runBuilt(['report', planDir, '--root', root], REPO_ROOT);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return result.stdout.trim();
}

/** The Gantt bars as `<phase>.<attempt>`, in document order. */
const barsOf = (opened: OpenedReport): Promise<string[]> =>
  opened.page.$$eval('#timeline [data-phase-id][data-attempt]', (bars) => bars.map((bar) => `${bar.getAttribute('data-phase-id')}.${bar.getAttribute('data-attempt')}`));

/** The graph's nodes' phase ids, sorted. */
const nodesOf = (opened: OpenedReport): Promise<number[]> =>
  opened.page.$$eval('#graph [data-phase-id]', (nodes) => nodes.map((node) => Number(node.getAttribute('data-phase-id'))).sort((a, b) => a - b));

/** What the tooltip shows after the pointer rests on `selector`; undefined while it is hidden. */
async function tooltipOver(opened: OpenedReport, selector: string): Promise<string | undefined> {
  await opened.page.hover(selector);
  return opened.page.$eval('#tip', (tip) => (tip.hasAttribute('hidden') ? undefined : (tip.textContent ?? '')));
}

describe('the report of the demo plan, in Chromium', () => {
  let file: string;
  let opened: OpenedReport;

  beforeAll(async () => {
    const root = await scratchDir();
    const run = await runBuilt(['run', DEMO, '--mode', 'parallel', '-j', '4', '--root', root, '--force'], REPO_ROOT);
    expect(run.code).toBe(0);
    file = await writeReport(DEMO, root);
    opened = await openReport(browser, file);
  });

  it('loads with no console error and no request beyond the file', () => {
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([]);
  });

  it('draws one bar per attempt (phase 3 twice: it passes on its retry) and one graph node per phase', async () => {
    expect((await barsOf(opened)).sort()).toEqual(['1.1', '2.1', '3.1', '3.2', '4.1', '5.1', '6.1', '7.1', '8.1']);
    expect(await nodesOf(opened)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("shows a bar's details in the tooltip on hover, and hides it when the pointer leaves", async () => {
    const tip = await tooltipOver(opened, '#timeline [data-phase-id="3"][data-attempt="1"]');
    expect(tip).toMatch(/^Phase 3: .+\nattempt 1 · failed\n/);
    await opened.page.mouse.move(1, 1);
    expect(await opened.page.$eval('#tip', (element) => element.hasAttribute('hidden'))).toBe(true);
  });

  it("jumps to a phase's row when its graph node is clicked, or focused and Enter pressed", async () => {
    await opened.page.click('#graph [data-phase-id="5"]');
    expect(new URL(opened.page.url()).hash).toBe('#phase-5');
    expect(await opened.page.$eval('#phase-5', (row) => row.matches(':target'))).toBe(true);
    // An SVG node, which puppeteer's focus() refuses: focused as a keyboard user's Tab would.
    await opened.page.evaluate(`document.querySelector('#graph [data-phase-id="7"]').focus()`);
    await opened.page.keyboard.press('Enter');
    expect(new URL(opened.page.url()).hash).toBe('#phase-7');
  });

  it("shows a graph node's phase and status in the tooltip on hover", async () => {
    await opened.page.$eval('#graph [data-phase-id="8"]', (node) => node.scrollIntoView({ block: 'center' }));
    expect(await tooltipOver(opened, '#graph [data-phase-id="8"]')).toMatch(/^Phase 8: Package the release\n.*success/);
  });

  it('writes its screenshot to the test output folder (and, when asked, the one the README shows)', async () => {
    await screenshot(opened.page, join(OUTPUT, 'demo.png'), { fullPage: true });
    expect(statSync(join(OUTPUT, 'demo.png')).size).toBeGreaterThan(10_000);
    if (DOCS_SCREENSHOT !== undefined) {
      const fresh = await openReport(browser, file);
      await screenshot(fresh.page, DOCS_SCREENSHOT, { fullPage: false });
      await fresh.page.close();
    }
    const dark = await openReport(browser, file, { dark: true });
    // The dark scheme's page background, not the light one's white.
    expect(await dark.page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(13, 17, 23)');
    await screenshot(dark.page, join(OUTPUT, 'demo-dark.png'), { fullPage: true });
    expect(dark.errors).toEqual([]);
    await dark.page.close();
  });

  it('shows every bar and node with scripts off, each with its details as an SVG title', async () => {
    const plain = await openReport(browser, file, { javaScript: false });
    expect(await barsOf(plain)).toHaveLength(9);
    expect(await nodesOf(plain)).toHaveLength(8);
    const title = await plain.page.$eval('#timeline [data-phase-id="3"][data-attempt="2"] > title', (element) => element.textContent);
    expect(title).toMatch(/^Phase 3: .+\nattempt 2 · succeeded\n/);
    await plain.page.close();
  });
});

describe('the report of a run with a failure and a retry, in Chromium', () => {
  let opened: OpenedReport;

  beforeAll(async () => {
    // Phase 2 fails once and passes on its retry; phase 3 fails both attempts, its log holding markup that must
    // stay text; phase 4 depends on it and is skipped.
    const project = await writePlan([
      { id: 1, run: 'echo one' },
      { id: 2, title: '"Fix <script>alert(1)</script> & \'quotes\'"', run: 'test "$HYPERVISOR_ATTEMPT" -gt 1 || { echo "flaky"; exit 1; }', dependsOn: [1] },
      { id: 3, run: 'echo "<script>window.pwned = true</script> & \\"quoted\\""; exit 3', dependsOn: [1] },
      { id: 4, run: 'echo four', dependsOn: [3] },
    ]);
    const run = await runBuilt(['run', 'plan', '--root', project.root, '--retries', '1', '--keep-going'], project.root);
    expect(run.code).toBe(1);
    opened = await openReport(browser, await writeReport(join(project.root, 'plan'), project.root));
  });

  it('loads with no console error, no request, and runs no script from a title or a log', async () => {
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([]);
    expect(await opened.page.evaluate('typeof window.pwned')).toBe('undefined');
    expect(await opened.page.$$eval('script', (scripts) => scripts.length)).toBe(1);
  });

  it('draws each attempt, the backoffs between them, and no bar for the phase that never ran', async () => {
    expect((await barsOf(opened)).sort()).toEqual(['1.1', '2.1', '2.2', '3.1', '3.2']);
    expect(await opened.page.$$eval('#timeline [data-wait-for]', (waits) => waits.map((wait) => wait.getAttribute('data-wait-for')).sort())).toEqual(['2', '3']);
    expect(await opened.page.$eval('#timeline [data-phase-id="3"][data-attempt="2"]', (bar) => bar.classList.contains('o-failed'))).toBe(true);
    expect(await nodesOf(opened)).toEqual([1, 2, 3, 4]);
  });

  it("shows the failure and the escaped log tail, and a title's markup as text", async () => {
    const tail = await opened.page.$eval('#failure-3 pre', (pre) => pre.textContent);
    expect(tail).toContain('<script>window.pwned = true</script> & "quoted"');
    expect(await opened.page.$eval('#phase-2', (row) => row.textContent)).toContain(`Fix <script>alert(1)</script> & 'quotes'`);
    const tip = await tooltipOver(opened, '#timeline [data-phase-id="3"][data-attempt="2"]');
    expect(tip).toMatch(/^Phase 3\nattempt 2 · failed\n.+\nreason: shell exited with code 3: <script>window.pwned = true<\/script> & "quoted"$/);
  });

  it('writes its screenshot to the test output folder', async () => {
    await screenshot(opened.page, join(OUTPUT, 'failure-and-retry.png'), { fullPage: true });
    expect(statSync(join(OUTPUT, 'failure-and-retry.png')).size).toBeGreaterThan(10_000);
  });
});
