import { expand, type Instruction, type Property, type Range, type SemanticModel, type Stage } from '@stowage/core';

// ---------------------------------------------------------------------------------------------
// Masking: the one way a secret's text may reach a message, a fix title or `data`.

/** Values shorter than this are never shown at all, not even in part. */
const MIN_SHOWN = 12;

/**
 * A secret as it may be printed: its first 4 characters and `…` when it has at least 12
 * characters, else `…` alone (a short value would be given away by any part of it).
 */
export function maskSecret(value: string): string {
  const chars = Array.from(value);
  if (chars.length < MIN_SHOWN) return '…';
  return `${chars.slice(0, 4).join('')}…`;
}

/** ` (`abcd…`)` for a value long enough to show its start, else nothing. */
export function shownSecret(value: string): string {
  const masked = maskSecret(value);
  return masked === '…' ? '' : ` (\`${masked}\`)`;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  const n = Array.from(s).length;
  for (const k of counts.values()) {
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

// ---------------------------------------------------------------------------------------------
// Names.

/** Words of a variable name: split on `_`, `-`, `.`, case changes and digits; lower-cased. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Za-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

export type SecretKind = 'password' | 'secret' | 'token' | 'apiKey' | 'key' | 'credential' | 'auth';

export interface SecretName {
  kind: SecretKind;
  /**
   * Any written-out value is a credential. For weak names (`*_KEY` without a word saying which
   * key, `*_AUTH`) only a value that looks like one is (`ProcessId` or a key fingerprint is not).
   */
  strong: boolean;
  /** How to call it in a message: "a password", "an API key". */
  what: string;
}

const WORD_KIND: Record<string, SecretKind> = {
  password: 'password', passwd: 'password', passphrase: 'password', pword: 'password', pwd: 'password', pass: 'password',
  secret: 'secret', secrets: 'secret',
  token: 'token', tokens: 'token',
  apikey: 'apiKey', apikeys: 'apiKey',
  credential: 'credential', credentials: 'credential', creds: 'credential', cred: 'credential',
  auth: 'auth',
  key: 'key', keys: 'key',
};

/** Words that make a `*_KEY` name a credential: `API_KEY`, `SECRET_KEY`, `PRIVATE_KEY`, `LICENSE_KEY`. */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'secret', 'private', 'priv', 'ssh', 'encryption', 'encrypt', 'crypt', 'crypto', 'master',
  'license', 'licence', 'client', 'app', 'application', 'service', 'account', 'deploy', 'auth', 'session',
  'csrf', 'jwt', 'hmac', 'cookie', 'storage', 'shared', 'subscription', 'consumer', 'webhook', 'write', 'admin',
  'root', 'rsa', 'tls', 'ssl', 'signer', 'aes', 'dsa', 'ecdsa', 'ed25519',
]);
/** `*_KEY` names of public signing keys (their values are fingerprints). */
const PUBLIC_KEY_CONTEXT = new Set([
  'gpg', 'pgp', 'gnupg', 'signing', 'sign', 'release', 'releases', 'keyring', 'keyrings', 'keyserver', 'keyservers',
  'fingerprint', 'fingerprints', 'repo', 'repository', 'apt', 'yum', 'rpm', 'deb', 'apk', 'host',
]);
/** Words anywhere in a name that say it is not the secret itself: `*_FILE`, `PUBLIC_*`, `*_VERSION`. */
const NEUTRAL_ANYWHERE = new Set([
  'public', 'pub', 'file', 'files', 'filename', 'path', 'paths', 'dir', 'dirs', 'directory', 'folder', 'version',
  'versions', 'keyserver', 'keyservers', 'keyring', 'keyrings', 'fingerprint', 'fingerprints',
  // switches: `MYSQL_ALLOW_EMPTY_PASSWORD`, `MYSQL_RANDOM_ROOT_PASSWORD`, `SKIP_AUTH`
  'allow', 'empty', 'random', 'generate', 'skip', 'disable', 'disabled', 'enable', 'enabled', 'require', 'required',
  'reset', 'no', 'without',
  // lifetimes: `ACCESS_TOKEN_EXPIRE_MINUTES`, `JWT_EXPIRATION_DELTA`, `TOKEN_TTL`
  'expire', 'expires', 'expired', 'expiry', 'expiration', 'lifetime', 'ttl', 'timeout', 'seconds', 'secs', 'minutes',
  'mins', 'hours', 'days', 'duration',
]);
/** Last words that make a name describe a secret rather than hold it: `TOKEN_URL`, `KEY_ID`, `PASSWORD_LENGTH`. */
const NEUTRAL_LAST = new Set([
  'url', 'urls', 'uri', 'uris', 'endpoint', 'endpoints', 'host', 'hostname', 'hosts', 'port', 'server', 'servers',
  'domain', 'user', 'username', 'login', 'name', 'names', 'id', 'ids', 'type', 'types', 'method', 'methods', 'mode',
  'length', 'len', 'size', 'bits', 'algorithm', 'algorithms', 'algo', 'alg', 'format', 'header', 'prefix', 'suffix',
  'env', 'var', 'vars', 'count', 'min', 'max', 'ttl', 'timeout', 'expiry', 'expires', 'expire', 'expiration',
  'lifetime', 'policy', 'hash', 'hashes', 'hashed', 'provider', 'providers', 'backend', 'manager', 'command', 'cmd',
  'script', 'plugin', 'plugins', 'module', 'modules', 'location', 'level', 'flag', 'flags', 'option', 'options',
  'opts', 'field', 'label', 'param', 'arn', 'ref', 'kind', 'source', 'src', 'checksum', 'sum', 'rounds',
  'iterations', 'cost', 'strength', 'complexity', 'regex', 'pattern', 'scope', 'scopes', 'audience', 'issuer',
  'interval', 'generator', 'template', 'prompt', 'sock', 'socket', 'agent', 'store', 'mount', 'volume', 'helper',
  'version', 'image', 'tag', 'namespace', 'region', 'zone', 'bucket', 'registry', 'repo', 'repository', 'lib',
  'library', 'package', 'pkg', 'tool', 'tools', 'cli', 'sdk', 'proxy', 'service', 'cache', 'db', 'database',
]);
const PAT_CONTEXT = new Set(['github', 'gh', 'gitlab', 'gl', 'ado', 'azure', 'devops', 'bitbucket', 'git', 'personal']);
/** Prefixes that make `ROOTPASS`, `DBPWD` one-word password names. */
const PASS_PREFIX = /^(root|admin|db|user|sa|super|master|app|ldap|mysql|pg|redis|smtp|ftp)(pass|pwd)$/;
const COMPOUND_SUFFIX: [RegExp, SecretKind][] = [
  [/^[a-z]+(password|passwd|passphrase)$/, 'password'],
  [/^[a-z]+secret$/, 'secret'],
  [/^[a-z]+token$/, 'token'],
  [/^[a-z]+apikey$/, 'apiKey'],
];

function article(s: string): string {
  // Initialisms read letter by letter: "an API key", "an SSH key", "a JWT key".
  const an = /^[aeiou]/i.test(s) ? !/^(user|uni)/i.test(s) : /^(SSH|SSL|RSA|HMAC)\b/.test(s);
  return an ? `an ${s}` : `a ${s}`;
}

const KIND_WHAT: Record<SecretKind, string> = {
  password: 'a password', secret: 'a secret', token: 'a token', apiKey: 'an API key', key: 'a key',
  credential: 'credentials', auth: 'credentials',
};

/**
 * Whether an ARG/ENV (or shell variable) name says it holds a credential, after BuildKit's
 * SecretsUsedInArgOrEnv words (`password`, `secret`, `token`, `apikey`, `credential(s)`,
 * `auth`, `key`...) matched as whole words of the name, minus the names of public material.
 */
export function secretName(name: string): SecretName | null {
  // Pure in the name, and names repeat across RUNs and files: memoised (bounded).
  let found = secretNames.get(name);
  if (found === undefined) {
    if (secretNames.size >= 20000) secretNames.clear();
    secretNames.set(name, (found = judgeName(name)));
  }
  return found;
}

const secretNames = new Map<string, SecretName | null>();

function judgeName(name: string): SecretName | null {
  const words = nameWords(name);
  if (words.length === 0) return null;
  if (words.some((w) => NEUTRAL_ANYWHERE.has(w))) return null;
  const last = words[words.length - 1];
  if (NEUTRAL_LAST.has(last)) return null;
  // `PWD` is the working directory.
  if (words.length === 1 && last === 'pwd') return null;

  let found: SecretName | null = null;
  const consider = (s: SecretName) => {
    // A strong kind wins over a weak one; the last strong one otherwise (`SECRET_TOKEN` is a token).
    if (!found || (s.strong && !found.strong) || s.strong === found.strong) found = s;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const isLast = i === words.length - 1;
    let kind: SecretKind | undefined = WORD_KIND[w];
    if (kind === 'password' && w === 'pass' && !isLast) kind = undefined;
    // `VNC_PW`, `DB_PW`: "pw" as the last of several words.
    if (w === 'pw' && isLast && words.length > 1) kind = 'password';
    if (kind === 'auth' && !isLast) kind = undefined;
    if (kind === 'key') {
      if (!isLast && words[i + 1] !== 'base') continue; // `KEY_*` words: only `SECRET_KEY_BASE` goes on
      if (words.some((x) => PUBLIC_KEY_CONTEXT.has(x))) continue;
      const q = i > 0 ? words[i - 1] : '';
      if (KEY_QUALIFIERS.has(q)) {
        // `AWS_SECRET_ACCESS_KEY`: "a secret access key".
        const q2 = i > 1 && KEY_QUALIFIERS.has(words[i - 2]) ? `${words[i - 2]} ` : '';
        const label = (w: string) => (w === 'api' || w === 'ssh' || w === 'tls' || w === 'ssl' || w === 'jwt' || w === 'rsa' || w === 'aes' || w === 'csrf' || w === 'hmac' ? w.toUpperCase() : w);
        const what = article(`${q2 ? `${label(words[i - 2])} ` : ''}${label(q)} key`);
        consider({ kind: 'key', strong: true, what });
      } else {
        consider({ kind: 'key', strong: false, what: 'a key' });
      }
      continue;
    }
    if (kind === 'auth') {
      consider({ kind, strong: false, what: KIND_WHAT.auth });
      continue;
    }
    if (kind) {
      consider({ kind, strong: true, what: KIND_WHAT[kind] });
      continue;
    }
    if (w === 'pat' && isLast && i > 0 && PAT_CONTEXT.has(words[i - 1])) {
      consider({ kind: 'token', strong: true, what: 'a personal access token' });
      continue;
    }
    // One-word compounds: `ACCESSTOKEN`, `PGPASSWORD`, `APIKEY`, `ROOTPASS`, `LICENSEKEY`.
    if (PASS_PREFIX.test(w)) {
      consider({ kind: 'password', strong: true, what: KIND_WHAT.password });
      continue;
    }
    const suffix = COMPOUND_SUFFIX.find(([re]) => re.test(w));
    if (suffix) {
      consider({ kind: suffix[1], strong: true, what: KIND_WHAT[suffix[1]] });
      continue;
    }
    const keyed = /^([a-z]+)keys?$/.exec(w);
    if (keyed && KEY_QUALIFIERS.has(keyed[1]) && isLast) {
      consider({ kind: 'key', strong: true, what: keyed[1] === 'api' ? 'an API key' : keyed[1] === 'ssh' ? 'an SSH key' : article(`${keyed[1]} key`) });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Values.

export interface SecretMatch {
  /** "a GitHub token". */
  what: string;
  /** Offsets in the searched text. */
  start: number;
  end: number;
}

/** Credential formats recognisable whatever the name (token prefixes, key headers, JWTs). */
const KNOWN_FORMATS: [RegExp, string][] = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, 'an AWS access key ID'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,255}/g, 'a GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, 'a GitLab token'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, 'a Slack token'],
  [/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g, 'a private key'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, 'a JWT'],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, 'an npm token'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, 'a Google API key'],
  [/\b[rs]k_live_[0-9A-Za-z]{20,}/g, 'a Stripe key'],
  [/\bdckr_pat_[A-Za-z0-9_-]{20,}/g, 'a Docker Hub token'],
  [/\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g, 'a PyPI token'],
  [/\bhf_[A-Za-z0-9]{34,}\b/g, 'a Hugging Face token'],
];

/** AWS's documented example keys (`AKIAIOSFODNN7EXAMPLE`) and the like. */
const EXAMPLE = /EXAMPLE/;

/**
 * A literal part of every format above: one scan rules most texts out. Grouped by first letter,
 * which V8 scans ~20% faster than the flat list.
 */
const ANY_FORMAT = /A(?:KIA|SIA|Iza)|g(?:h[pousr]_|ithub_pat_|lpat-)|xox[abprs]-|-----BEGIN|eyJ|npm_|k_live_|dckr_pat_|pypi-|hf_/;

/** Whether `text` may hold a known credential format: false means knownSecrets finds none. */
export function mayHoldKnownFormat(text: string): boolean {
  return ANY_FORMAT.test(text);
}

const fileFormats = new WeakMap<SemanticModel, boolean>();

/**
 * `mayHoldKnownFormat` for a part of the file's own text (a RUN as written, not an expanded
 * value): one scan of the whole file answers for all its parts when it finds nothing, as for
 * almost every file.
 */
export function mayHoldKnownFormatIn(model: SemanticModel, part: string): boolean {
  let any = fileFormats.get(model);
  if (any === undefined) fileFormats.set(model, (any = ANY_FORMAT.test(model.text)));
  return any && ANY_FORMAT.test(part);
}

/** Known credential formats in `text`, in order. */
export function knownSecrets(text: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  if (!mayHoldKnownFormat(text)) return out;
  for (const [re, what] of KNOWN_FORMATS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (EXAMPLE.test(m[0])) continue;
      out.push({ what, start: m.index, end: m.index + m[0].length });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

export interface UrlUserinfo {
  /** Offsets in the searched text: the user part, and the password part (after `:`), if any. */
  user: { start: number; end: number; text: string };
  password: { start: number; end: number; text: string } | null;
}

/** `scheme://user:password@` (or `scheme://user@`) in `text`. */
const URL_USERINFO = /\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^\s/@'"`<>]*)@/g;

export function urlUserinfos(text: string): UrlUserinfo[] {
  const out: UrlUserinfo[] = [];
  URL_USERINFO.lastIndex = 0;
  for (let m = URL_USERINFO.exec(text); m; m = URL_USERINFO.exec(text)) {
    const info = m[1];
    const start = m.index + m[0].length - 1 - info.length;
    if (info.length === 0) continue;
    const colon = info.indexOf(':');
    const userText = colon < 0 ? info : info.slice(0, colon);
    const user = { start, end: start + userText.length, text: userText };
    const password = colon < 0 ? null : { start: start + colon + 1, end: start + info.length, text: info.slice(colon + 1) };
    out.push({ user, password });
  }
  return out;
}

/** printf / Python / Go template directives (`%s`, `%(pw)s`, `{}`, `{password}`, `{{.Pass}}`): the text is a format. */
export function hasFormatDirective(t: string): boolean {
  return /%[-#0 +]?\d*(?:\.\d+)?[sdvqxXi]|%\([^)]*\)[sd]|\{[^{}\s]*\}/.test(t);
}

/** Users whose password is no secret: anonymous FTP. */
const ANONYMOUS_USER = /^(anonymous|ftp)$/i;
/** GitHub's dummy password when the token is the user name. */
const DUMMY_PASSWORD = /^(x-oauth-basic|x-oauth|oauth2|x)$/i;

/**
 * A literal password in a URL's user info (`https://user:pass@host`), as offsets in `text`, when
 * the password is written out (not a variable, not a placeholder).
 */
export function literalUrlPasswords(text: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  for (const u of urlUserinfos(text)) {
    const p = u.password;
    if (!p || p.text.length === 0 || p.text.includes('$') || hasFormatDirective(p.text)) continue;
    if (ANONYMOUS_USER.test(u.user.text) || DUMMY_PASSWORD.test(p.text)) continue;
    if (isPlaceholder(p.text) || /^\W*$/.test(p.text)) continue;
    out.push({ what: 'a URL with a password', start: p.start, end: p.end });
  }
  return out;
}

const BOOLEANISH = /^(true|false|yes|no|y|n|on|off|0|1|none|null|nil|undefined|unset|empty|enabled?|disabled?|required|optional|auto|default|-)$/i;

/** Values that stand for a credential without being one: "fill this in", or a deliberate fake. */
export function isPlaceholder(v: string): boolean {
  return isFillIn(v) || isFake(v);
}

/** A deliberately fake value (`dummy`, `fake-key`, `example`): no real credential will replace it. */
function isFake(v: string): boolean {
  const t = v.trim();
  return /dummy|placeholder|redacted/i.test(t) || /^(fake|example|sample)/i.test(t);
}

/** A value that asks for the real one (`<token>`, `xxxx`, `your-token-here`, `%%TOKEN%%`). */
function isFillIn(v: string): boolean {
  const t = v.trim();
  if (t.length === 0 || !/[A-Za-z0-9]/.test(t)) return true;
  if (/^(.)\1*$/s.test(t)) return true; // xxxxxx, ******, 000000
  if (/^<[^<>]*>$/.test(t) || /^\{[^{}]*\}$/.test(t) || /^\[[^[\]]*\]$/.test(t) || /^\{\{.*\}\}$/s.test(t) || /^@[\w.-]+@$/.test(t) || /^__[\w.-]+__$/.test(t) || /^%+[\w.-]+%+$/.test(t)) return true;
  if (/^\$\{?[A-Za-z_]\w*\}?$/.test(t) || t.includes('$(')) return true;
  if (hasFormatDirective(t) && t.length <= 24) return true;
  if (/^your[-_ .]/i.test(t) || /^(<|\[)?your\b/i.test(t)) return true;
  if (/(^|[-_ .])(replace[-_ ]?me|replaceme|fixme|todo|tbd|example|sample)([-_ .]|$)/i.test(t)) return true;
  return false;
}

/** A path (or file name) to a secret rather than the secret: `/run/secrets/db`, `./key.pem`, `C:\\x`. */
export function isPathLike(v: string): boolean {
  const t = v.trim();
  if (/\s/.test(t)) return false;
  if (/^(\/|\.\.?\/|~\/|[A-Za-z]:[\\/]|\\\\)/.test(t)) return true;
  return /^[\w.-]+\.(pem|key|crt|cer|der|json|txt|pass|asc|gpg|pgp|p12|pfx|jks|keystore|ya?ml|env|conf|cfg|ini|properties|xml|toml|pub)$/i.test(t);
}

function isUrl(v: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(v.trim());
}

/** Hex digits (with `0x`, spaces or colons): key fingerprints, key ids, digests. */
function isHexish(v: string): boolean {
  const t = v.trim().replace(/^0x/i, '');
  return /^[0-9A-Fa-f]+([\s:][0-9A-Fa-f]+)*$/.test(t) && /[0-9A-Fa-f]{8}/.test(t);
}

/** Looks machine-generated: long, no spaces, mixed character classes, high entropy. */
export function looksRandom(v: string): boolean {
  const t = v.trim();
  if (t.length < 16 || /\s/.test(t)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(t)).length;
  if (classes < 2) return false;
  return shannonEntropy(t) >= (t.length >= 20 ? 3.5 : 3.2);
}

/**
 * Whether a literal value under a secret-looking name is a credential. Any written-out password,
 * token or secret is (a default password like `postgres` is still the image's password), but not
 * switches (`false`, `yes`), paths to secret files, plain URLs, placeholders (`<token>`, `xxx`,
 * `your-token-here`) or several words of prose. Weak names (`*_KEY`, `*_AUTH`) need a value that
 * looks machine-generated (or `user:password` for auth) and is not a hex fingerprint.
 */
export function literalIsSecret(name: SecretName, value: string): boolean {
  const t = value.trim();
  if (t.length === 0 || BOOLEANISH.test(t) || isPlaceholder(t) || isPathLike(t) || isUrl(t)) return false;
  if (t.split(/\s+/).length >= 3) return false;
  // A number under a token or key name is a setting (a count, a length); a password may be digits.
  if (/^\d+$/.test(t) && name.kind !== 'password') return false;
  if (!name.strong) {
    if (name.kind === 'auth' && /^[^\s:]+:[^\s:]+$/.test(t)) return true;
    return looksRandom(t) && !isHexish(t);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// ARG and ENV: what a property holds.

export interface Declared {
  kind: 'arg' | 'env';
  instruction: Instruction;
  property: Property;
}

export type Verdict =
  /** A credential written in the Dockerfile: `secret` is the text (for masking only). */
  | { type: 'literal'; what: string; secret: string; range: Range }
  /** A credential that comes in as a build arg: the ARG itself (no value), or a value copied from `from`. */
  | { type: 'arg'; what: string; range: Range; from: Declared | null }
  /** The value copies another ARG/ENV that is reported itself: not reported again. */
  | { type: 'copy'; of: Declared };

/** The ARG/ENV declaring `name` as seen by `instr` (the model gives a trigger the earlier triggers and the image's ENV). */
export function declaredAt(model: SemanticModel, instr: Instruction, name: string): Declared | undefined {
  const b = model.scopeAt(instr).binding(name);
  return b ? { kind: b.kind, instruction: b.instruction, property: b.property } : undefined;
}

// A trailing colon is tolerated: legacy `ENV KEY: value` sets a variable named `KEY:`.
const VALID_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*:?$/;

/** A default that stands for "no value yet": empty, a switch, a fill-in placeholder (not a deliberate fake). */
function isSentinel(v: string): boolean {
  const t = v.trim();
  return t.length === 0 || BOOLEANISH.test(t) || isFillIn(t);
}

/** `${NAME:-default}` / `${NAME-default}` alone: the default, as written. */
const DEFAULT_ONLY = /^(["']?)\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}\1$/s;

/**
 * What an ARG or ENV property holds, judged by its value first (credential formats, URLs with a
 * password), then by its name. Null: nothing to report. Cached per property.
 */
export function judgeProperty(model: SemanticModel, instr: Instruction, prop: Property): Verdict | null {
  let cache = verdicts.get(model);
  if (!cache) verdicts.set(model, (cache = new Map()));
  if (cache.has(prop)) return cache.get(prop)!;
  cache.set(prop, null); // cycles (`ENV A=$B` ... `ENV B=$A`) end here
  const v = judge(model, instr, prop);
  cache.set(prop, v);
  return v;
}

const verdicts = new WeakMap<SemanticModel, Map<Property, Verdict | null>>();

function judge(model: SemanticModel, instr: Instruction, prop: Property): Verdict | null {
  const isArg = instr.kind === 'ARG';
  const global = model.stageOf(instr) === null;
  // Template text (`ARG TOKEN}}`) is not a variable name.
  const name = VALID_NAME.test(prop.name) ? secretName(prop.name) : null;
  const esc = model.ast.escapeChar;

  if (prop.value === null || prop.valueRange === null) {
    // A global ARG without a value does nothing until a stage declares it (and is reported there).
    if (!isArg || global || !name) return null;
    return { type: 'arg', what: name.what, range: prop.nameRange, from: null };
  }
  const raw = prop.rawValue ?? prop.value;
  const e = expand(raw, () => undefined, esc);
  const literal = e.value;

  const known = knownSecrets(literal)[0] ?? literalUrlPasswords(literal)[0];
  if (known) return { type: 'literal', what: known.what, secret: literal.slice(known.start, known.end), range: prop.valueRange };
  if (!name) return null;

  if (e.names.length === 0) {
    if (literalIsSecret(name, literal)) return { type: 'literal', what: name.what, secret: literal, range: prop.valueRange };
    // `ARG SMTP_PASSWORD=false`, `ARG TOKEN=""`: a build arg waiting for the real value.
    if (isArg && !global && isSentinel(literal)) return { type: 'arg', what: name.what, range: prop.nameRange, from: null };
    return null;
  }
  // `ARG TOKEN=${TOKEN}` reads nothing (the ARG is not declared yet): the same as `ARG TOKEN`.
  const self = e.names.every((n) => n === prop.name) && literal.trim() === '';
  if (self && isArg) return global ? null : { type: 'arg', what: name.what, range: prop.nameRange, from: null };
  const dflt = DEFAULT_ONLY.exec(raw.trim());
  if (dflt && literalIsSecret(name, expand(dflt[2], () => undefined, esc).value)) {
    return { type: 'literal', what: name.what, secret: literal, range: prop.valueRange };
  }
  // Only a value made of variables passes a credential on; `Bearer $T` or `--opt=$X` is prose.
  if (!isVarsOnly(raw)) return null;
  for (const ref of e.names) {
    const d = declaredAt(model, instr, ref);
    if (!d || d.property === prop) continue; // the base image's ENV or nothing: not this file's doing
    const v = judgeProperty(model, d.instruction, d.property);
    if (v?.type === 'copy') return v;
    if (v) return { type: 'copy', of: d };
    const origin = argOrigin(model, d, 0);
    if (!origin) continue;
    const value = origin.property.value;
    if (value !== null && literalIsSecret(name, expand(origin.property.rawValue ?? value, () => undefined, esc).value)) {
      return { type: 'literal', what: name.what, secret: value, range: prop.valueRange };
    }
    return { type: 'arg', what: name.what, range: prop.valueRange, from: origin };
  }
  return null;
}

/** The value is variables only (`$A`, `${A}`, `"${A}"`, `$A$B`), no literal text. */
function isVarsOnly(raw: string): boolean {
  const t = raw.trim().replace(/^"(.*)"$/s, '$1');
  return /^(\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\})+$/.test(t);
}

/** The build arg a declaration's value comes from: itself for an ARG, through ENV copies. */
function argOrigin(model: SemanticModel, d: Declared, depth: number): Declared | null {
  if (d.kind === 'arg') return d;
  if (depth > 4 || d.property.rawValue === null || !isVarsOnly(d.property.rawValue)) return null;
  const e = expand(d.property.rawValue, () => undefined, model.ast.escapeChar);
  for (const ref of e.names) {
    const next = declaredAt(model, d.instruction, ref);
    const o = next && argOrigin(model, next, depth + 1);
    if (o) return o;
  }
  return null;
}

/**
 * Whether a variable, as seen by `instr`, holds a credential (a secret-looking ARG/ENV, or one
 * holding a credential), and the declaration to point at.
 */
export function secretVariable(model: SemanticModel, instr: Instruction, name: string): { declared: Declared; verdict: Verdict } | null {
  const d = declaredAt(model, instr, name);
  if (!d) return null;
  const v = judgeProperty(model, d.instruction, d.property);
  return v ? { declared: d, verdict: v } : null;
}

// ---------------------------------------------------------------------------------------------
// Stages.

/** The final stage and the stages it is built `FROM`: their layers and config make the image. */
export function inFinalImage(model: SemanticModel, stage: Stage | null): boolean {
  if (!stage) return true;
  for (let s = model.finalStage; s; s = s.parent) if (s === stage) return true;
  return false;
}

/** `'build'` or `2`, for messages. */
export function stageLabel(stage: Stage): string {
  return stage.name ? `'${stage.name}'` : String(stage.index);
}

/** The id to suggest for `--mount=type=secret,id=<id>`. */
export function secretId(name: string): string {
  return name.toLowerCase();
}

/** 1-based line of an offset. */
export function lineAt(model: SemanticModel, offset: number): number {
  return model.lines.positionAt(offset).line;
}
