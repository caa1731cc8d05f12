// How the collector asks for and reads a page of each kind (kinds.ts: listRequest, pageOf). The
// real API server's answers are checked in test/integration/scan.test.ts; these are the shapes a
// server or proxy could send instead.
import { describe, expect, it } from 'vitest';
import { KINDS, listRequest, pageOf } from '../../src/collect/kinds.ts';

const crds = KINDS.customresourcedefinitions;

/** A Table page as the API server sends it with includeObject=None. */
function table(names: string[], columns = [{ name: 'Name', format: 'name' }, { name: 'Scope', format: '' }, { name: 'Created At', format: '' }], token?: string) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: token ? { continue: token } : {},
    columnDefinitions: columns.map((c) => ({ ...c, type: 'string', description: '', priority: 0 })),
    rows: names.map((n) => ({ cells: columns.map((c) => (c.format === 'name' ? n : 'Cluster')) })),
  };
}

describe('listRequest', () => {
  it('asks for names only (a Table without objects) where KINDS says so, metadata only for Secrets, else objects', () => {
    expect(listRequest(crds)).toEqual({ accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json', query: { includeObject: 'None' } });
    expect(listRequest(KINDS.secrets).accept).toContain('as=PartialObjectMetadataList');
    expect(listRequest(KINDS.secrets).accept).not.toContain('application/json,'); // no fallback to whole Secrets
    expect(listRequest(KINDS.secrets).accept.split(',').every((a) => a.includes('as=PartialObjectMetadataList'))).toBe(true);
    expect(listRequest(KINDS.pods)).toEqual({ accept: 'application/json', query: {} });
  });
});

describe('pageOf', () => {
  it('reads the names of a Table page, wherever its name column is, and the continue token', () => {
    const columns = [{ name: 'Scope', format: '' }, { name: 'Name', format: 'name' }];
    expect(pageOf(table(['a.example.com', 'b.example.com'], columns, 'next'), crds)).toEqual({
      items: [
        { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'a.example.com' } },
        { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'b.example.com' } },
      ],
      continue: 'next',
    });
    expect(pageOf(table([]), crds)).toEqual({ items: [] });
  });

  it('refuses a Table without a name column rather than listing nothing', () => {
    expect(() => pageOf(table(['a.example.com'], [{ name: 'Scope', format: '' }]), crds)).toThrow('a table without a name column');
  });

  it('keeps only the names when a server answers a names-only list with whole objects', () => {
    const whole = {
      kind: 'CustomResourceDefinitionList',
      metadata: { continue: '' },
      items: [{ metadata: { name: 'widgets.example.com', uid: 'u', annotations: { big: 'x'.repeat(1000) } }, spec: { group: 'example.com', versions: [] } }],
    };
    expect(pageOf(whole, crds)).toEqual({ items: [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' } }] });
  });

  it('keeps only the metadata of a Secret, whatever the server sent', () => {
    const sent = { kind: 'SecretList', metadata: {}, items: [{ metadata: { name: 's', namespace: 'n' }, data: { password: 'aHVudGVyMg==' }, type: 'Opaque' }] };
    expect(pageOf(sent, KINDS.secrets)).toEqual({ items: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' } }] });
  });
});
