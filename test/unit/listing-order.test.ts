import { describe, expect, it } from 'vitest';
import { listingOrder } from '../../src/collect/kinds.ts';

describe('listingOrder', () => {
  it('starts Pods first, then the other kinds by name, each once', () => {
    expect(listingOrder(['roles', 'pods', 'deployments', 'clusterroles', 'roles'])).toEqual(['pods', 'clusterroles', 'deployments', 'roles']);
    expect(listingOrder(['namespaces', 'clusterroles'])).toEqual(['clusterroles', 'namespaces']);
  });
});
