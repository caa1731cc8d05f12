import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';
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
  return formats.map((format) => ({ format, path: join(output, format === 'json' ? 'scan.json' : `report.${EXTENSIONS[format]}`) }));
}

/** Write text to a file, gzip-compressed when the path ends in `.gz`. */
export function writeOutput(path: string, content: string | Iterable<string>): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeChunks(path, typeof content === 'string' ? [content] : content, isGzipPath(path));
  } catch (err) {
    throw new UsageError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/**
 * Write text given in pieces (e.g. renderJsonChunks) through one reusable buffer of about 1 MB: the
 * whole never sits in memory, and no piece is joined to another or copied into a fresh Buffer of its
 * own. (Joining pieces and Buffer.from()-ing each megabyte showed as 0.5 s in a profile of a 130 MB
 * scan.json at 10,000 Pods: new memory for every block, and a flattening copy of every joined
 * string.) The file holds the pieces' concatenation, encoded as UTF-8.
 */
function writeChunks(path: string, chunks: Iterable<string>, gzip = false): void {
  const fd = openSync(path, 'w');
  try {
    let buf = Buffer.allocUnsafe(BLOCK);
    let used = 0;
    const out = (bytes: Uint8Array) => {
      for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    };
    const member = gzip ? new GzipMember(out) : undefined;
    const flush = () => {
      if (member) member.write(buf.subarray(0, used));
      else for (let off = 0; off < used; ) off += writeSync(fd, buf, off, used - off);
      used = 0;
    };
    let carry = ''; // a high surrogate that ended the last piece: its pair may start the next
    for (let chunk of chunks) {
      if (carry) chunk = carry + chunk;
      const last = chunk.charCodeAt(chunk.length - 1);
      carry = last >= 0xd800 && last <= 0xdbff ? chunk.slice(-1) : '';
      if (carry) chunk = chunk.slice(0, -1);
      // UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 for 2; a lone one: U+FFFD, 3),
      // so the piece always fits whole and buf.write never stops inside a character.
      const most = chunk.length * 3;
      if (used + most > buf.length) {
        flush();
        if (most > buf.length) buf = Buffer.allocUnsafe(most);
      }
      used += buf.write(chunk, used, 'utf8');
    }
    if (carry) used += buf.write(carry, used, 'utf8');
    flush();
    member?.end();
  } finally {
    closeSync(fd);
  }
}

const BLOCK = 1 << 20;

/**
 * zlib's level 2 (its fast strategy): on a 130 MB scan.json of 10,000 Pods, 5.6 MB in 0.2 s, where
 * level 6 gives 3.4 MB in 0.5 s, block by block as written here. Findings repeat most of their text,
 * so even the fast levels compress them twentyfold.
 */
const GZIP_LEVEL = 2;

/**
 * One gzip member (RFC 1952) written a block at a time, synchronously: each block is deflated on its
 * own and ended with a sync flush, which leaves it byte-aligned and not final, so the blocks join
 * into one deflate stream that a final empty block closes (pigz does the same to compress blocks in
 * parallel). A block's back-references stay inside it: about 32 KB of context lost per megabyte.
 * The header has no file name and a zero mtime, so the same text always gives the same bytes.
 */
class GzipMember {
  #crc = 0;
  #size = 0;
  readonly #out: (bytes: Uint8Array) => void;
  constructor(out: (bytes: Uint8Array) => void) {
    this.#out = out;
    out(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3)); // deflate, no flags, mtime 0, Unix
  }
  write(block: Uint8Array): void {
    if (block.length === 0) return;
    this.#crc = crc32(block, this.#crc);
    this.#size = (this.#size + block.length) >>> 0; // ISIZE: the length modulo 2^32
    this.#out(deflateRawSync(block, { level: GZIP_LEVEL, finishFlush: zlibConstants.Z_SYNC_FLUSH }));
  }
  end(): void {
    this.#out(deflateRawSync(Buffer.alloc(0), { finishFlush: zlibConstants.Z_FINISH })); // the final, empty block
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.#crc >>> 0, 0);
    trailer.writeUInt32LE(this.#size, 4);
    this.#out(trailer);
  }
}
