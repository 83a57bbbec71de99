/** Quote removal for the static parts of bash words (no expansion). */

/**
 * Removes bash quoting from a word that has no expansions: `'...'`, `"..."`, `$'...'` and
 * backslash escapes. `$` and globs are kept as written.
 */
export function unquoteShell(raw: string): string {
  if (raw.indexOf('\\') < 0 && raw.indexOf("'") < 0 && raw.indexOf('"') < 0) return raw;
  const n = raw.length;
  let out = '';
  let i = 0;
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c === 39 /* ' */) {
      let j = raw.indexOf("'", i + 1);
      if (j < 0) j = n;
      out += raw.slice(i + 1, j);
      i = j + 1;
    } else if (c === 34 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = raw.charCodeAt(j);
        if (d === 34) break;
        j += d === 92 ? 2 : 1;
      }
      out += unescapeDouble(raw.slice(i + 1, Math.min(j, n)));
      i = j + 1;
    } else if (c === 36 /* $ */ && raw.charCodeAt(i + 1) === 39) {
      let j = i + 2;
      while (j < n) {
        const d = raw.charCodeAt(j);
        if (d === 39) break;
        j += d === 92 ? 2 : 1;
      }
      out += unescapeAnsiC(raw.slice(i + 2, Math.min(j, n)));
      i = j + 1;
    } else if (c === 36 && raw.charCodeAt(i + 1) === 34) {
      i++; // $"..." (translated string): as "..."
    } else if (c === 92 /* \\ */) {
      const d = raw.charCodeAt(i + 1);
      if (i + 1 >= n) {
        out += '\\';
        i++;
      } else if (d === 10) {
        i += 2;
      } else if (d === 13 && raw.charCodeAt(i + 2) === 10) {
        i += 3;
      } else {
        out += raw[i + 1];
        i += 2;
      }
    } else {
      out += raw[i];
      i++;
    }
  }
  return out;
}

/** The inside of a double-quoted string: only `\$`, `` \` ``, `\"`, `\\` and `\<newline>` are escapes. */
export function unescapeDouble(inner: string): string {
  if (inner.indexOf('\\') < 0) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner.charCodeAt(i);
    if (c !== 92 || i + 1 >= inner.length) {
      out += inner[i];
      continue;
    }
    const next = inner.charCodeAt(i + 1);
    if (next === 36 /* $ */ || next === 96 /* ` */ || next === 34 /* " */ || next === 92) {
      out += inner[i + 1];
      i++;
    } else if (next === 10) {
      i++;
    } else if (next === 13 && inner.charCodeAt(i + 2) === 10) {
      i += 2;
    } else {
      out += '\\';
    }
  }
  return out;
}

const SIMPLE_ANSI: Record<string, string> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** The inside of `$'...'`. */
export function unescapeAnsiC(inner: string): string {
  if (inner.indexOf('\\') < 0) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch !== '\\' || i + 1 >= inner.length) {
      out += ch;
      continue;
    }
    const next = inner[i + 1];
    const simple = SIMPLE_ANSI[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    let m: RegExpMatchArray | null;
    const rest = inner.slice(i + 1, i + 10);
    if ((m = /^[0-7]{1,3}/.exec(rest))) {
      out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
      i += m[0].length;
    } else if ((m = /^x([0-9a-fA-F]{1,2})/.exec(rest))) {
      out += String.fromCharCode(parseInt(m[1], 16));
      i += m[0].length;
    } else if ((m = /^u([0-9a-fA-F]{1,4})/.exec(rest)) || (m = /^U([0-9a-fA-F]{1,8})/.exec(rest))) {
      const cp = parseInt(m[1], 16);
      out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      i += m[0].length;
    } else if (next === 'c' && i + 2 < inner.length) {
      out += String.fromCharCode(inner.charCodeAt(i + 2) & 0x1f);
      i += 2;
    } else {
      out += '\\' + next;
      i++;
    }
  }
  return out;
}
