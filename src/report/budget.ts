/**
 * A length budget for Markdown meant to be posted where the length is capped (a pull-request
 * comment, a job summary): rows are kept while they fit, and the last line says how many did not.
 */

/** Characters of lines joined by newlines, with the newline that joins them to what follows. */
export function length(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) n += l.length + 1;
  return n;
}

/** What is left of a document's length. */
export class Budget {
  #left: number;
  #cut = false;
  constructor(chars: number) {
    this.#left = chars;
  }

  /** Whether fit() has left out any row. */
  get cut(): boolean {
    return this.#cut;
  }

  /** Give back `chars` set aside earlier (room reserved for a line that comes later). */
  give(chars: number): void {
    this.#left += chars;
  }

  /** Spend `chars` if they fit; false (nothing spent) if not. */
  take(chars: number): boolean {
    if (chars > this.#left) return false;
    this.#left -= chars;
    return true;
  }

  /**
   * As many of `rows` as fit, in order, then (when some did not, or `hidden` rows were never
   * offered) the line `more(left out)`, which is always kept room for.
   */
  fit(rows: readonly string[], more: (leftOut: number) => string, hidden = 0): string[] {
    const out: string[] = [];
    // The closing line's room, at its longest.
    const reserve = more(rows.length + hidden).length + 1;
    for (const [i, row] of rows.entries()) {
      const last = i === rows.length - 1 && hidden === 0;
      if (!this.take(row.length + 1 + (last ? 0 : reserve))) break;
      if (!last) this.#left += reserve;
      out.push(row);
    }
    const leftOut = rows.length - out.length + hidden;
    if (leftOut > 0) {
      this.#cut = true;
      const line = more(leftOut);
      this.take(line.length + 1);
      out.push(line);
    }
    return out;
  }
}
