#!/usr/bin/env node
// The committed entry behind `bin`: npm links bins at install time, before dist/ is built, so the link must
// point at a file that exists in a fresh clone. It loads the built CLI, which runs on import.
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);

function isMissingMain(error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') return false;
  // `url` names the module that was not found; the message also names the importer, so match its start only.
  if (typeof error.url === 'string') return error.url === main.href;
  return String(error.message).startsWith(`Cannot find module '${fileURLToPath(main)}'`);
}

try {
  await import(main.href);
} catch (error) {
  // A module missing further down is a real bug, and is shown whole.
  if (!isMissingMain(error)) throw error;
  console.error('hypervisor: the CLI is not built yet: run `npx nx run @kazuba/cli:build` (or `npm run demo`)');
  process.exitCode = 1;
}
