import { readFileSync } from 'node:fs';
import type { ScanResult } from '../engine/result.ts';
import { SCHEMA_VERSION } from '../engine/result.ts';
import { UsageError } from '../errors.ts';

/** Read a saved scan (`scan --format json`), checking that it is one and that its schema's major version is ours. */
export function readScan(file: string): ScanResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let data: Partial<ScanResult>;
  try {
    data = JSON.parse(text) as Partial<ScanResult>;
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || typeof data.schemaVersion !== 'string' || !Array.isArray(data.results) || !Array.isArray(data.controls) || !data.summary || !data.scan) {
    throw new UsageError(`${file} is not a k8s-audit scan result (write one with: k8s-audit scan --format json -o scan.json)`);
  }
  if (data.schemaVersion.split('.')[0] !== SCHEMA_VERSION.split('.')[0]) {
    throw new UsageError(`${file} has schemaVersion ${data.schemaVersion}; this k8s-audit reads ${SCHEMA_VERSION.split('.')[0]}.x`);
  }
  return data as ScanResult;
}
