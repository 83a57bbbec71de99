/** Half-open range of UTF-16 offsets into the file text: [start, end). */
export interface Range {
  start: number;
  end: number;
}

/** 1-based line and column, as shown to users (column counts UTF-16 code units). */
export interface Position {
  line: number;
  column: number;
}

/** Maps offsets to lines and back; built once per file. */
export class LineIndex {
  readonly lineStarts: number[];

  /** `lineStarts` may be passed when already known for this text (dockerfile-ast computes the same). */
  constructor(readonly text: string, lineStarts?: number[]) {
    if (lineStarts) {
      this.lineStarts = lineStarts;
      return;
    }
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** Offset of a 0-based line and character (the form dockerfile-ast and LSP use). */
  offsetAt(line: number, character: number): number {
    if (line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[line];
    const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.text.length;
    return Math.min(start + character, end);
  }

  /** 0-based line containing the offset. */
  lineOf(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** 1-based position of an offset. */
  positionAt(offset: number): Position {
    const line = this.lineOf(offset);
    return { line: line + 1, column: offset - this.lineStarts[line] + 1 };
  }

  /** Offset just past the last character of a 0-based line, before its line break. */
  lineEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    let end = this.lineStarts[line + 1];
    if (this.text.charCodeAt(end - 1) === 10) end--;
    if (this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }
}

export function rangeText(text: string, range: Range): string {
  return text.slice(range.start, range.end);
}

export function containsRange(outer: Range, inner: Range): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

// Native searches for the readers that take text between the characters that matter: a loop per
// character is slow in the unoptimised code that runs for most of a lint run.

const charSets = new Map<string, RegExp>();

/** A global regex matching any one of `chars`, made once per set. */
export function anyOf(chars: string): RegExp {
  let re = charSets.get(chars);
  if (re === undefined) charSets.set(chars, (re = new RegExp(`[${chars.replace(/[\\\]^-]/g, '\\$&')}]`, 'g')));
  return re;
}

/** Where the global regex `re` first matches `text` at or after `from`, or `to` (the end by default) when not before it. */
export function nextMatch(re: RegExp, text: string, from: number, to = text.length): number {
  re.lastIndex = from;
  if (!re.test(text)) return to;
  const at = re.lastIndex - 1;
  return at < to ? at : to;
}
