import type { LabelSelector } from './k8s.ts';

/**
 * Label-selector matching with the API server's semantics. The one place in
 * the model that decides whether a selector matches a set of labels.
 *
 * - An empty selector (`{}`) matches everything.
 * - A null/absent selector matches nothing (callers decide what absence means
 *   for their field; see `matchesSelector`'s `absent` parameter).
 * - `In`/`NotIn` compare against `values`; `NotIn` and `DoesNotExist` match
 *   objects that lack the key.
 * - An unknown operator matches nothing (the API server rejects such selectors).
 */
export function matchesSelector(
  selector: LabelSelector | null | undefined,
  labels: Record<string, string> | undefined,
  absent: 'matches-nothing' | 'matches-everything' = 'matches-nothing',
): boolean {
  if (selector == null) return absent === 'matches-everything';
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(l[req.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[req.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True when a selector selects every object: `{}` or one with no requirements. */
export function isEmptySelector(selector: LabelSelector | null | undefined): boolean {
  return selector != null && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}
