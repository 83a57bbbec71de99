/** What BuildKit drops from a shell-form RUN before the shell sees it, as file text spans. */
export interface DroppedSpan {
  start: number;
  end: number;
}

/**
 * The spans of `text` that BuildKit's parser drops: each line continuation (the escape character
 * as the last non-blank character of a line, the blanks after it and the line break), and the
 * blank and comment lines inside a continuation. In order; adjacent spans are merged.
 */
export function continuationSpans(text: string, esc: string): DroppedSpan[] {
  const spans: DroppedSpan[] = [];
  if (esc.length !== 1 || text.indexOf(esc) < 0) return spans;
  const escCode = esc.charCodeAt(0);
  const n = text.length;
  // Line ends by a native search (most texts have no \r): a loop over every character is slow
  // in the unoptimised code that runs for most of a lint run.
  const hasCR = text.indexOf('\r') >= 0;
  let lineStart = 0;
  let inContinuation = false;
  for (;;) {
    let le: number;
    if (hasCR) {
      le = lineStart;
      while (le < n) {
        const c = text.charCodeAt(le);
        if (c === 10 || c === 13) break;
        le++;
      }
    } else {
      le = text.indexOf('\n', lineStart);
      if (le < 0) le = n;
    }
    let next = le;
    if (le < n) next = text.charCodeAt(le) === 13 && text.charCodeAt(le + 1) === 10 ? le + 2 : le + 1;
    let dropFrom = -1;
    if (inContinuation && isBlankOrCommentLine(text, lineStart, le)) {
      dropFrom = lineStart;
    } else {
      let j = le - 1;
      while (j >= lineStart && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
      if (j >= lineStart && text.charCodeAt(j) === escCode) {
        dropFrom = j;
        inContinuation = true;
      } else {
        inContinuation = false;
      }
    }
    if (dropFrom >= 0 && next > dropFrom) {
      const last = spans[spans.length - 1];
      if (last !== undefined && last.end === dropFrom) last.end = next;
      else spans.push({ start: dropFrom, end: next });
    }
    if (le >= n) break;
    lineStart = next;
  }
  return spans;
}

function isBlankOrCommentLine(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) continue;
    return c === 35; /* # */
  }
  return true;
}

/** The text with the dropped spans replaced by spaces, so that offsets still map 1:1. */
export function blankContinuations(text: string, esc: string): string {
  const spans = continuationSpans(text, esc);
  if (spans.length === 0) return text;
  let out = '';
  let copied = 0;
  for (const s of spans) {
    out += text.slice(copied, s.start) + ' '.repeat(s.end - s.start);
    copied = s.end;
  }
  return out + text.slice(copied);
}

/** Where a joined script dropped text: before joined index `at`, `removed` characters so far. */
export interface Cut {
  at: number;
  removed: number;
}

/** The script the shell sees (the dropped spans removed, so lines join), or null when nothing is dropped. */
export function joinContinuations(text: string, esc: string): { script: string; cuts: Cut[] } | null {
  const spans = continuationSpans(text, esc);
  if (spans.length === 0) return null;
  let script = '';
  let copied = 0;
  let removed = 0;
  const cuts: Cut[] = [];
  for (const s of spans) {
    script += text.slice(copied, s.start);
    removed += s.end - s.start;
    cuts.push({ at: script.length, removed });
    copied = s.end;
  }
  return { script: script + text.slice(copied), cuts };
}
