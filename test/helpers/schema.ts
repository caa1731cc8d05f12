import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const repo = new URL('../../', import.meta.url).pathname;
export const scanSchema = JSON.parse(readFileSync(`${repo}schema/scan-result.schema.json`, 'utf8')) as { properties: { schemaVersion: { pattern: string } } };

/** A compiled validator for schema/scan-result.schema.json (draft 2020-12, strict mode, formats checked). */
export function scanResultValidator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv.compile(scanSchema);
}
