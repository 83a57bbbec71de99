import type { CacheSpec } from './model.js';

/** Splits `a=1,"b=2,3",c` at commas outside double quotes (the CSV form buildx reads), removing the quotes. */
export function splitCsv(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"') {
      if (q && s[i + 1] === '"') {
        cur += '"';
        i++;
      } else q = !q;
    } else if (c === ',' && !q) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * Parses a cache import/export entry as buildx does: `type=registry,ref=...,mode=max`,
 * `type=gha,scope=...`, `type=inline`, `type=local,src=...`, or a plain image reference (no `=`),
 * which is a registry cache of that image.
 */
export function parseCacheSpec(value: string): CacheSpec {
  const v = value.trim();
  if (!v.includes('=')) {
    return { type: 'registry', attrs: { ref: v }, ref: v === '' ? null : v, mode: null, scope: null, plainImage: true };
  }
  const attrs: Record<string, string> = {};
  for (const field of splitCsv(v)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    if (key === '') continue;
    attrs[key] = eq < 0 ? '' : field.slice(eq + 1).trim();
  }
  return specOf(attrs, false);
}

/** A spec from attributes (bake's object form `{ type = "gha", scope = "x" }`). */
export function specOf(attrs: Record<string, string>, plainImage: boolean): CacheSpec {
  const type = (attrs.type ?? (attrs.ref !== undefined ? 'registry' : '')).toLowerCase();
  return {
    type,
    attrs,
    ref: attrs.ref ?? null,
    mode: attrs.mode ?? null,
    scope: attrs.scope ?? null,
    plainImage,
  };
}
