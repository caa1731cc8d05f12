import { accessSync, closeSync, constants, mkdirSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
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
  const name = isGzipPath(path) ? path.slice(0, -3) : path;
  if (name.toLowerCase().endsWith('.sarif.json')) return 'sarif'; // a name SARIF tools use too
  return BY_EXTENSION[extname(name).toLowerCase()];
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
 * Where each format goes. No `-o` (or `-o -`): one format to stdout. `-o file`: one format
 * to that file. `-o dir` (an existing directory, a path ending in `/`, or
 * several formats): `report.<ext>` per format in it.
 */
export function destinations(formats: Format[], output: string | undefined): Destination[] {
  if (!output || output === '-') {
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
 *
 * A path that is not a regular file — `/dev/null`, `/dev/stdout`, a named pipe a reader waits on — is written to
 * as it is: renaming over it would replace the device or the pipe with a file (as root, `-o /dev/null` would have
 * replaced /dev/null). A symbolic link is written through: the file it points to is replaced, the link stays.
 */
export function writeOutput(path: string, content: string | Iterable<string>): void {
  const pieces = typeof content === 'string' ? [content] : content;
  const existing = statOrUndefined(path);
  if (existing && !existing.isFile() && !existing.isDirectory()) {
    try {
      writeChunks(path, pieces, isGzipPath(path));
    } catch (err) {
      throw cannotWrite(path, err);
    }
    return;
  }
  const target = existing ? realpathSync(path) : path;
  const temporary = temporaryFor(target);
  try {
    makeDirectories(dirname(target));
    writeChunks(temporary, pieces, isGzipPath(path));
    renameSync(temporary, target);
  } catch (err) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // nothing was made there (a parent that is a file, say): the first error is the one to report
    }
    throw cannotWrite(path, err);
  }
}

function temporaryFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
}

/**
 * Check, before a scan, that `path` can be written as writeOutput writes it, so that a long scan is not lost to a
 * typo or a read-only mount at the end: the missing directories are made, and the temporary file is created and
 * removed (which also catches what access(2) does not see as root, such as /proc and /sys). A path that is not a
 * regular file (a device, a pipe) is only checked for write permission: opening a pipe would wait for its reader.
 */
export function checkWritable(path: string): void {
  const existing = statOrUndefined(path);
  try {
    if (existing?.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${path}'`), { code: 'EISDIR', syscall: 'open' });
    if (existing && !existing.isFile()) {
      accessSync(path, constants.W_OK);
      return;
    }
    const target = existing ? realpathSync(path) : path;
    makeDirectories(dirname(target));
    const temporary = temporaryFor(target);
    closeSync(openSync(temporary, 'w')); // 'w': a temporary file a killed run left behind (same name, same pid in a container) is no obstacle
    rmSync(temporary, { force: true });
  } catch (err) {
    throw cannotWrite(path, err);
  }
}

/**
 * mkdir -p. Node's own `mkdirSync(dir, { recursive: true })` never returns when mkdir(2) answers ENOENT under a
 * parent that exists (as in /proc): the missing directories are made one by one here instead, from the nearest one
 * that exists.
 */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  let current = resolve(dir);
  while (!statOrUndefined(current)) {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  if (!statSync(resolve(dir)).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR', syscall: 'mkdir' });
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path); // follows links: a link to /dev/null is a device
  } catch {
    return undefined;
  }
}

/** The file system's errors become "cannot write"; anything else (a renderer's own error) is passed on as it is. */
function cannotWrite(path: string, err: unknown): unknown {
  const e = err as NodeJS.ErrnoException;
  return e.code !== undefined && e.syscall !== undefined ? new UsageError(`cannot write ${path}: ${e.message}`, { cause: err }) : err;
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
