/**
 * `JSON.stringify(value, null, 2)` in pieces whose concatenation is byte for byte the
 * same, for documents with large arrays anywhere inside (SARIF's runs[0].results, say):
 * every array longer than `batch` — and every object or array on the way to one — is
 * written a part at a time, so the whole text is never one string. Plain JSON data only
 * (what the renderers build): values with toJSON are written whole, as JSON.stringify
 * would write them.
 */
export function* prettyJsonChunks(value: unknown, batch = 500): Generator<string> {
  yield* chunks(value, 0, batch);
}

/** prettyJsonChunks of a value as it reads `depth` levels down in a document (indented for that depth, no leading indentation). */
export function* prettyJsonChunksAt(value: unknown, depth: number, batch = 500): Generator<string> {
  yield* chunks(value, depth, batch);
}

const INDENT = '  ';

function* chunks(value: unknown, depth: number, batch: number): Generator<string> {
  if (!hasLargeArray(value, batch)) {
    yield atDepth(value, depth);
    return;
  }
  const inner = INDENT.repeat(depth + 1);
  if (Array.isArray(value)) {
    // Elements in batches; an element that itself holds a large array goes alone, in pieces.
    yield '[';
    let first = true;
    for (let i = 0; i < value.length; ) {
      if (hasLargeArray(value[i], batch)) {
        yield `${first ? '' : ','}\n${inner}`;
        yield* chunks(value[i], depth + 1, batch);
        i++;
      } else {
        let j = i;
        while (j < value.length && j - i < batch && !hasLargeArray(value[j], batch)) j++;
        const text = atDepth(value.slice(i, j), depth); // "[\n<inner>a,\n<inner>b\n<indent>]"
        if (!first) yield ','; // on its own, not prefixed to the batch: see renderJsonChunks
        yield text.slice(1, text.length - 1 - (INDENT.length * depth + 1));
        i = j;
      }
      first = false;
    }
    yield `\n${INDENT.repeat(depth)}]`;
    return;
  }
  yield '{';
  let first = true;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue; // as JSON.stringify skips them
    yield `${first ? '' : ','}\n${inner}${JSON.stringify(k)}: `;
    yield* chunks(v, depth + 1, batch);
    first = false;
  }
  yield `\n${INDENT.repeat(depth)}}`;
}

/** Whether the value is, or holds, an array longer than `batch` (plain objects and arrays only). */
function hasLargeArray(value: unknown, batch: number): boolean {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) {
    if (value.length > batch) return true;
    return value.some((v) => hasLargeArray(v, batch));
  }
  for (const v of Object.values(value)) if (hasLargeArray(v, batch)) return true;
  return false;
}

/**
 * JSON.stringify(value, null, 2) as it reads `depth` levels down in a document: stringified
 * inside `depth` one-element arrays, so that JSON.stringify indents it itself, and cut out.
 */
function atDepth(value: unknown, depth: number): string {
  let wrapped: unknown = value;
  for (let d = 0; d < depth; d++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2) ?? 'null';
  if (depth === 0) return text;
  let prefix = 0;
  let suffix = 0;
  for (let d = 0; d < depth; d++) {
    prefix += 2 + INDENT.length * (d + 1); // "[\n" and the next level's indentation
    suffix += 2 + INDENT.length * d; // "\n", this level's indentation and "]"
  }
  return text.slice(prefix, text.length - suffix);
}
