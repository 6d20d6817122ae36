// Duck-typed on purpose: errors made by Node itself may come from another realm (a VM context, as under
// Jest), where `instanceof Error` is false.

/** The `code` of a Node system error (`ENOENT`, `ESRCH`, …), if it has one. */
export function errnoOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** The first line of an error's message, for messages that must stay one line. */
export function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  if (typeof message !== 'string') return 'unknown error';
  const newline = message.indexOf('\n');
  return newline === -1 ? message : message.slice(0, newline);
}
