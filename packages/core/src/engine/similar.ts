import { distance } from 'fastest-levenshtein';

/** The candidate closest to `word` (case-insensitive) when it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    const cl = c.toLowerCase();
    if (cl === w) continue;
    let score = isTransposition(w, cl) ? 1 : distance(w, cl);
    // A name that contains the other whole (`base` in `test-base`) counts as close; not a 1- or
    // 2-letter name (`b` is in `busybox` by chance).
    if (Math.min(w.length, cl.length) >= 3 && (cl.includes(w) || w.includes(cl))) score = Math.min(score, 1);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(w.length, 4) / 3));
  return best !== null && bestScore <= limit ? best : null;
}

/** `a` and `b` differ only by two swapped neighbours (`chwon`/`chown`), the commonest typo; Levenshtein counts it as 2. */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}
