import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/engine/result.ts';
import { scanSchema, scanResultValidator } from '../helpers/schema.ts';
import { scanManifests } from '../helpers/scan.ts';

const repo = new URL('../../', import.meta.url).pathname;

describe('scan result JSON schema', () => {
  const validate = scanResultValidator();

  it('accepts the result of scanning the demo scenario', () => {
    const result = JSON.parse(JSON.stringify(scanManifests(`${repo}test/scenarios/demo`)));
    const ok = validate(result);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(result.results.length).toBeGreaterThan(0);
  });

  it('rejects a result with a status it does not know', () => {
    const result = JSON.parse(JSON.stringify(scanManifests(`${repo}test/scenarios/demo`)));
    result.results[0].status = 'passed-probably';
    expect(validate(result)).toBe(false);
  });

  it('rejects a result missing a required section', () => {
    const result = JSON.parse(JSON.stringify(scanManifests(`${repo}test/scenarios/demo`)));
    delete result.summary;
    expect(validate(result)).toBe(false);
  });

  it('matches the schema version the code writes', () => {
    expect(SCHEMA_VERSION).toMatch(new RegExp(scanSchema.properties.schemaVersion.pattern));
  });
});
