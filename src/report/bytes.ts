import { constants as zlibConstants, crc32, deflateRawSync } from 'node:zlib';

/**
 * Text given in pieces, as UTF-8 in blocks of about 1 MB. Pieces are encoded into one reusable
 * buffer: the whole never sits in memory, and no piece is joined to another or copied into a
 * fresh Buffer of its own. (Joining pieces and Buffer.from()-ing each megabyte showed as 0.5 s in
 * a profile of a 130 MB scan.json at 10,000 Pods: new memory for every block, and a flattening
 * copy of every joined string.) Each block yielded is a view of that buffer, valid until the next
 * is asked for; their concatenation is Buffer.from() of the pieces' concatenation.
 */
export function* utf8Blocks(pieces: Iterable<string>): Generator<Uint8Array> {
  const buf = Buffer.allocUnsafe(BLOCK);
  let used = 0;
  let carry = ''; // a high surrogate that ended the last slice: its pair may start the next
  for (const whole of pieces) {
    // A piece longer than a block goes a block's worth of code units at a time; the carry keeps a
    // surrogate pair that a cut splits in one character.
    for (let at = 0; at < whole.length; at += MAX_UNITS) {
      let piece = whole.length <= MAX_UNITS ? whole : whole.slice(at, at + MAX_UNITS);
      if (carry) piece = carry + piece;
      const last = piece.charCodeAt(piece.length - 1);
      carry = last >= 0xd800 && last <= 0xdbff ? piece.slice(-1) : '';
      if (carry) piece = piece.slice(0, -1);
      // UTF-8 needs at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 for 2; a lone one: U+FFFD, 3),
      // so the slice always fits whole and buf.write never stops inside a character.
      if (used + piece.length * 3 > BLOCK) {
        if (used) yield buf.subarray(0, used);
        used = 0;
      }
      used += buf.write(piece, used, 'utf8');
    }
  }
  if (carry) used += buf.write(carry, used, 'utf8');
  if (used) yield buf.subarray(0, used);
}

const BLOCK = 1 << 20;
/** The most UTF-16 code units written at once: with a carried surrogate, at most 3 bytes each, they fit a block. */
const MAX_UNITS = Math.floor(BLOCK / 3) - 1;

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
export class GzipMember {
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

/** Text given in pieces, gzipped, as base64 in pieces: the same text as base64 of gzip's one-shot output would be, but never whole. */
export function* gzipBase64(pieces: Iterable<string>): Generator<string> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const member = new GzipMember((bytes) => {
    pending.push(bytes);
    pendingBytes += bytes.length;
  });
  // Base64 turns 3 bytes into 4 characters: emit whole groups of 3, carry the rest to the next block.
  const drain = function* (all: boolean): Generator<string> {
    if (pendingBytes === 0) return;
    const bytes = Buffer.concat(pending, pendingBytes);
    const whole = all ? bytes.length : bytes.length - (bytes.length % 3);
    if (whole) yield bytes.toString('base64', 0, whole);
    const rest = bytes.subarray(whole);
    pending = rest.length ? [rest] : [];
    pendingBytes = rest.length;
  };
  for (const block of utf8Blocks(pieces)) {
    member.write(block);
    yield* drain(false);
  }
  member.end();
  yield* drain(true);
}
