/**
 * Removes Dockerfile-level quoting from a word: double and single quotes, and the escape
 * character before another character (BuildKit's word processing, without expansion).
 */
export function unquote(raw: string, escapeChar = '\\'): string {
  if (raw.indexOf('"') < 0 && raw.indexOf("'") < 0 && raw.indexOf(escapeChar) < 0) return raw;
  let out = '';
  let quote = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      else out += c;
    } else if (c === escapeChar && i + 1 < raw.length) {
      const next = raw[i + 1];
      // Inside double quotes only quote-relevant characters are escaped.
      if (quote === '"' && next !== '"' && next !== escapeChar && next !== '$') out += c;
      out += next;
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = '';
      else out += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else {
      out += c;
    }
  }
  return out;
}
