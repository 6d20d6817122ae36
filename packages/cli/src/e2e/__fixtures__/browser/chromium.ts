import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';
import type { Browser, Page } from 'puppeteer-core';

/**
 * Where a Chromium may be: `CHROMIUM_PATH` when set, then Debian's `chromium` package (which `.ci/run` installs when
 * it is absent), then the usual names of Chrome. Nothing is ever downloaded.
 */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/**
 * The Chromium the browser tests drive.
 * @throws Error naming how to install one, when there is none: these tests never pass by not running
 */
export function findChromium(): string {
  const wanted = process.env['CHROMIUM_PATH'];
  const found = wanted === undefined || wanted === '' ? CANDIDATES.find((path) => existsSync(path)) : wanted;
  if (found === undefined || !existsSync(found)) {
    throw new Error(`no Chromium found (${wanted ?? CANDIDATES.join(', ')}): install Debian's chromium (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH`);
  }
  return found;
}

/** A headless Chromium with no sandbox (CI runs as root), no GPU, and /tmp instead of a small /dev/shm. */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: findChromium(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'],
  });
}

/** A report opened in a browser tab, with what the page said and asked for while it loaded and after. */
export interface OpenedReport {
  readonly page: Page;
  /** Console messages of type error, uncaught exceptions, and refused requests (a CSP violation is one). */
  readonly errors: string[];
  /** Every URL the page requested besides the report itself and `data:` URLs (which are not fetched). */
  readonly requests: string[];
}

/**
 * Opens an HTML file in a new tab of `browser`, 1280 pixels wide, recording console errors, page errors and every
 * request. Requests other than the file itself and `data:` URLs are refused, so that a report that reaches for the network fails
 * loudly instead of hanging on a machine without one.
 */
export async function openReport(browser: Browser, file: string, options: { readonly javaScript?: boolean; readonly dark?: boolean } = {}): Promise<OpenedReport> {
  const page = await browser.newPage();
  const url = pathToFileURL(file).href;
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${String(error)}`));
  page.on('requestfailed', (request) => {
    if (request.url() !== url && !request.url().startsWith('data:')) errors.push(`request failed: ${request.url()}`);
  });
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url() === url || request.url().startsWith('data:')) {
      void request.continue();
      return;
    }
    requests.push(request.url());
    void request.abort();
  });
  await page.setViewport({ width: 1280, height: 900 });
  await page.setJavaScriptEnabled(options.javaScript ?? true);
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: options.dark === true ? 'dark' : 'light' }]);
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests };
}

/** Writes a PNG of the page (the whole page, or the first screenful), creating its folder. */
export async function screenshot(page: Page, file: string, options: { readonly fullPage: boolean }): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await page.screenshot({ path: file as `${string}.png`, fullPage: options.fullPage });
}
