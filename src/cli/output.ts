import { closeSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { UsageError } from '../errors.ts';
import { EXTENSIONS, FORMATS, type Format } from '../report/index.ts';

/** Parse `--format` values (repeatable, comma lists) against the known formats. */
export function parseFormats(values: string[], allowed: readonly string[] = FORMATS): Format[] {
  const out: Format[] = [];
  for (const v of values.flatMap((s) => s.split(','))) {
    const f = v.trim();
    if (!f) continue;
    if (!allowed.includes(f)) throw new UsageError(`unknown format "${f}" (choose from ${allowed.join(', ')})`);
    if (!out.includes(f as Format)) out.push(f as Format);
  }
  return out;
}

const BY_EXTENSION: Record<string, Format> = { '.json': 'json', '.md': 'md', '.markdown': 'md', '.html': 'html', '.htm': 'html', '.txt': 'table', '.sarif': 'sarif', '.xml': 'junit' };

/** The format a single output file implies by its extension. */
export function formatFromPath(path: string): Format | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}

export interface Destination {
  format: Format;
  /** Undefined: standard output. */
  path?: string;
}

/**
 * Where each format goes. No `-o`: one format to stdout. `-o file`: one format
 * to that file. `-o dir` (an existing directory, a path ending in `/`, or
 * several formats): `report.<ext>` per format in it.
 */
export function destinations(formats: Format[], output: string | undefined): Destination[] {
  if (!output) {
    if (formats.length > 1) throw new UsageError(`${formats.length} formats need -o <directory>`);
    return [{ format: formats[0]! }];
  }
  let isDir = output.endsWith('/') || formats.length > 1;
  try {
    isDir ||= statSync(output).isDirectory();
  } catch {
    /* does not exist yet */
  }
  if (!isDir) return [{ format: formats[0]!, path: output }];
  return formats.map((format) => ({ format, path: join(output, format === 'json' ? 'scan.json' : `report.${EXTENSIONS[format]}`) }));
}

export function writeOutput(path: string, content: string | Iterable<string>): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (typeof content === 'string') writeFileSync(path, content);
    else writeChunks(path, content);
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/** Write text given in pieces (e.g. renderJsonChunks) in blocks of about 1 MB: the whole never sits in memory. */
function writeChunks(path: string, chunks: Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    let pending = '';
    const flush = () => {
      const buf = Buffer.from(pending, 'utf8');
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
      pending = '';
    };
    for (const chunk of chunks) {
      pending += chunk;
      if (pending.length >= 1 << 20) flush();
    }
    if (pending) flush();
  } finally {
    closeSync(fd);
  }
}
