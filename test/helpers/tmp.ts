import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A fresh directory under the system's temporary directory for one test file,
 * removed when the file's tests are done (K8S_AUDIT_KEEP_TMP=1 keeps it, to look
 * at what a failing test wrote). Call at the top level of a test file.
 */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => {
    if (!process.env.K8S_AUDIT_KEEP_TMP) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
  return dir;
}
