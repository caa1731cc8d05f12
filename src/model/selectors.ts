import type { LabelSelector } from './k8s.ts';

/**
 * Label-selector matching with the API server's semantics. The one place in
 * the model that decides whether a selector matches a set of labels.
 *
 * - An empty selector (`{}`) matches everything.
 * - A null/absent selector matches nothing (callers decide what absence means
 *   for their field; see `matchesSelector`'s `absent` parameter).
 * - `matchLabels` and every `matchExpressions` entry must all hold (AND).
 * - `In`/`NotIn` compare against `values`; `NotIn` and `DoesNotExist` match
 *   objects that lack the key.
 * - An unknown operator matches nothing (the API server rejects such selectors),
 *   and so do `In`/`NotIn` without values and `Exists`/`DoesNotExist` with
 *   values, which it rejects too (only manifests can hold them).
 *
 * Labels are looked up as own properties only: a label key such as
 * `constructor` or `toString` must not find Object.prototype's members.
 *
 * test/integration/network-selectors.test.ts checks this function against the
 * API server's own `labelSelector` filtering of list requests.
 */
export function matchesSelector(
  selector: LabelSelector | null | undefined,
  labels: Record<string, string> | null | undefined,
  absent: 'matches-nothing' | 'matches-everything' = 'matches-nothing',
): boolean {
  if (selector == null) return absent === 'matches-everything';
  const l = labels ?? {};
  const get = (key: string): string | undefined => (Object.hasOwn(l, key) ? l[key] : undefined);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (get(k) !== v) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const value = get(req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
        if (values.length === 0 || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (values.length === 0 || (value !== undefined && values.includes(value))) return false;
        break;
      case 'Exists':
        if (values.length > 0 || value === undefined) return false;
        break;
      case 'DoesNotExist':
        if (values.length > 0 || value !== undefined) return false;
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

/**
 * A selector in the API's string syntax, as `kubectl get -l` and the
 * `labelSelector` query parameter take it: `app=web,tier in (a,b),!legacy`.
 * The empty selector is the empty string (which selects everything). Used for
 * display and to ask the API server the same question.
 */
export function selectorToString(selector: LabelSelector): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = (req.values ?? []).join(',');
    switch (req.operator) {
      case 'In':
        parts.push(`${req.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${req.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(req.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${req.key}`);
        break;
      default:
        parts.push(`${req.key} ${req.operator} (${values})`);
    }
  }
  return parts.join(',');
}
