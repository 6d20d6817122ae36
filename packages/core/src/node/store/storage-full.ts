/** The file system errors that say our own storage is full or cannot be written: no retry can help. */
const STORAGE_FULL_CODES: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EROFS: 'the file system is read-only',
};

/**
 * The errno code (`ENOSPC`, `EDQUOT`, `EROFS`) when `error`, or an error in its `cause` chain, says the storage
 * is full or read-only; undefined otherwise.
 * @example
 * storageFullCode(new CoreError('log_failed', 'cannot write log file …', {}, { cause: enospc })); // 'ENOSPC'
 */
export function storageFullCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 10 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in STORAGE_FULL_CODES) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What a storage-full code means, in words: `no space left on the device (ENOSPC)`. */
export function describeStorageFull(code: string): string {
  return `${STORAGE_FULL_CODES[code] ?? 'the storage cannot be written'} (${code})`;
}
