import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { UsageError } from '../errors.ts';
import { GzipMember, utf8Blocks } from '../report/bytes.ts';
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

/** The format a single output file implies by its extension (under a `.gz`: `scan.json.gz` is JSON). */
export function formatFromPath(path: string): Format | undefined {
  return BY_EXTENSION[extname(isGzipPath(path) ? path.slice(0, -3) : path).toLowerCase()];
}

/** Whether a path asks for gzip-compressed output. */
export function isGzipPath(path: string): boolean {
  return path.toLowerCase().endsWith('.gz');
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
  // Several formats go into a directory; one named like a report file (out.json) is a mistake, not a directory to make.
  if (formats.length > 1 && !output.endsWith('/') && formatFromPath(output) !== undefined && !existsAsDirectory(output)) {
    throw new UsageError(`${formats.length} formats need -o <directory>; ${output} names a file`);
  }
  return formats.map((format) => ({ format, path: join(output, format === 'json' ? 'scan.json' : `report.${EXTENSIONS[format]}`) }));
}

function existsAsDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Write text to a file, gzip-compressed when the path ends in `.gz`. The text goes to a temporary file beside it,
 * renamed over the path once whole: a render or a write that fails leaves no half-written report where a full one
 * is expected. Only the file system's errors are "cannot write"; a renderer's own error is passed on as it is.
 */
export function writeOutput(path: string, content: string | Iterable<string>): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeChunks(temporary, typeof content === 'string' ? [content] : content, isGzipPath(path));
    renameSync(temporary, path);
  } catch (err) {
    rmSync(temporary, { force: true });
    if ((err as NodeJS.ErrnoException).code !== undefined && (err as NodeJS.ErrnoException).syscall !== undefined) throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
    throw err;
  }
}

/** Write text given in pieces (e.g. renderJsonChunks) a block at a time (utf8Blocks), gzipped on the way when asked. */
function writeChunks(path: string, chunks: Iterable<string>, gzip = false): void {
  const fd = openSync(path, 'w');
  try {
    const out = (bytes: Uint8Array) => {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    };
    const member = gzip ? new GzipMember(out) : undefined;
    for (const block of utf8Blocks(chunks)) {
      if (member) member.write(block);
      else out(block);
    }
    member?.end();
  } finally {
    closeSync(fd);
  }
}
