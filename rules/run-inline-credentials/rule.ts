import {
  defineRule, type Instruction, type Range, type RelatedLocation, type ReportInput, type SemanticModel, type ShellCommand, type ShellWord, type Stage,
} from '@stowage/core';
import {
  declaredAt, inFinalImage, isPlaceholder, judgeProperty, knownSecrets, lineAt, mayHoldKnownFormatIn, secretId, secretName, secretVariable, shownSecret,
  stageLabel, literalIsSecret, urlUserinfos, hasFormatDirective, type Declared, type Verdict,
} from '../_lib/secrets.js';
import { RunText, runText } from '../_lib/run-text.js';

const BUILDER_NOTE = "stage {{stage}} is not in the final image, but the {{what}} still lands in the builder's cache layers and in any pushed cache image";

export default defineRule({
  meta: {
    id: 'run-inline-credentials',
    summary: 'Disallow credentials on RUN command lines',
    category: 'security',
    severity: 'error',
    fix: 'none',
    sources: [],
    onbuild: true,
    needsShell: true,
  },
  messages: {
    literalCredential: '{{subject}} in plain text{{shown}}: {{where}}{{writes}}. Pass it with `--secret id=<id>` and read it in this RUN through `--mount=type=secret,id=<id>` (as a file, or with `env=<NAME>`) instead.',
    secretVariable: '`{{ref}}` expands {{keyword}} {{name}} (line {{line}}), which holds {{what}}{{use}}: {{where}}{{writes}}. Mount it instead with `RUN --mount=type=secret,id={{id}},env={{name}}` and drop the {{keyword}}.',
  },
  create(ctx) {
    return {
      RUN(run) {
        checkRun(ctx.model, run, ctx.report);
      },
    };
  },
});

/** The rule on one RUN. `mayHold` is the pre-check; tests pass `() => true` to compare it with the full reading. */
export function checkRun(
  model: SemanticModel, run: Instruction, report: (input: ReportInput) => void, mayHold: typeof mayHoldCredential = mayHoldCredential,
): void {
  if (!mayHold(model, run)) {
    // Only the known token formats, which need no shell; shellOf is null only without arguments.
    if (run.argsRange === null || !mayHoldKnownFormatIn(model, runText(model, run).raw)) return;
    const scan = new Scan(model, run);
    scan.knownFormats();
    scan.report(report);
    return;
  }
  const script = model.shellOf(run);
  if (!script) return;
  const scan = new Scan(model, run);
  for (let i = 0; i < script.commands.length; i++) scan.command(script.commands[i], script.commands[i + 1]);
  scan.heredocs(script.commands);
  scan.knownFormats();
  scan.report(report);
}

// ---------------------------------------------------------------------------------------------
// What a RUN's text must hold for the shell reading below to find anything: most RUNs hold none of
// it, and then their shell is not parsed at all. Word values only drop quotes and backslashes, so
// the text without them holds every command name, option and variable reference the shell reading
// can see, nested `sh -c` too. Only `$'...'` makes text of its own (see mayHoldCredential).

const MYSQL = /^(mysql|mysqladmin|mysqldump|mysqlimport|mysqlshow|mysqlcheck|mysqlslap|mysqlpump|mysql_upgrade|mariadb|mariadb-admin|mariadb-dump|mariadb-import|mariadb-show|mariadb-check|mariadb-slap|mariadb-upgrade)$/;
const MONGO = /^(mongo|mongosh|mongodump|mongorestore|mongoimport|mongoexport|mongostat|mongotop|mongofiles)$/;
const LOGIN_TOOLS = new Set(['docker', 'podman', 'buildah', 'skopeo', 'nerdctl', 'oras', 'crane', 'regctl', 'helm']);
const NPM_TOOLS = new Set(['npm', 'yarn', 'pnpm']);

/** A command name is a whole word of the text: not inside a longer name (`libcurl4`, `mysql-client`). */
const WORD_EDGE = '[A-Za-z0-9_.-]';

/**
 * Command names and the words their credential options need (see `Scan.command`), which come
 * after the name in the text.
 */
const LITERAL_SITES: [string[], RegExp | null][] = [
  // An option word starts after a separator (or a removed quote), never after a word character.
  // A header's value is only read after a credential header's name (AUTH_HEADER); references are
  // found by the reference check, so `-u` matters here for a literal password.
  [['curl'], /(?<![A-Za-z0-9_-])-[uU]|--user|--proxy-user|--oauth2-bearer|(?:authorization|token|api-?key|x-jfrog-art-api|x-registry-auth)\s*:/i],
  [['wget'], /pass|(?:authorization|token|api-?key|x-jfrog-art-api|x-registry-auth)\s*:/i],
  // `-pSECRET` or `--password=SECRET`: `-p` alone prompts.
  [MYSQL.source.slice(2, -2).split('|'), /--password=|(?<![A-Za-z0-9_-])-p\S/],
  [[...MONGO.source.slice(2, -2).split('|'), 'redis-cli', 'sqlcmd', 'bcp', 'sshpass', 'htpasswd'], null],
  [[...LOGIN_TOOLS], /login/],
  [[...NPM_TOOLS], /_auth|_password|npmAuth|npmPassword/],
  // chpasswd, npm auth keys, and a netrc file's `password` entry.
  [['echo', 'printf'], /passwd|_auth|password|npmAuth/],
];
const SITE_OF = new Map(LITERAL_SITES.flatMap(([names], site) => names.map((n) => [n, site] as const)));
/** Every site's names at once, each as a whole word: one scan of the text instead of one per site. */
const ANY_SITE = new RegExp(`(?<!${WORD_EDGE})(?:${[...SITE_OF.keys()].join('|')})(?!${WORD_EDGE})`, 'g');

const URL_PASSWORD = /:\/\/[^\s/@'"`<>]*:[^\s/@'"`<>]*@/;
/** `$NAME`, `${NAME`, `$env:NAME`: `$env:NAME` gives NAME; `${env:...}` gives `env`, as the scan reads them. */
const REFS = /\$(?:env:)?\{?([A-Za-z_][A-Za-z0-9_]*)/gi;
/** `$'...'` escapes that can make any character: only the shell can tell what the text says. */
const ANSI_C_ANY = /\\[0-7xuUc]/;
/** The other `$'...'` escapes, which make a control character. */
const ANSI_C_CONTROL = /\\([abeEfnrtv])/g;
const CONTROL: Record<string, string> = { a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
/** What the heredoc reading looks for in a body (NPM_AUTH_LINE's names). */
const NPM_AUTH_WORD = /_auth|_password|npmAuth/;

/** Whether the RUN may hold a credential the shell reading finds (false: provably none; known formats aside). */
const isDigit = (c: number) => c >= 48 && c <= 57;
/** `[A-Za-z0-9_]` */
const isWordChar = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

export function mayHoldCredential(model: SemanticModel, run: Instruction): boolean {
  if (run.argsRange === null) return true;
  const text = runText(model, run);
  const raw = text.raw;
  // Exec form: the words are JSON strings, whose escapes the text does not show.
  if (run.jsonForm && raw.includes('\\')) return true;
  // cmd's `%NAME%`: the only reading Windows adds that can find a credential.
  if (raw.includes('%') && isWindows(model, model.stageOf(run)) && refersToSecretPercent(model, run, text.plain)) return true;
  if (run.heredocs.length > 0) {
    // Bodies that are data are read as written: quotes are data there.
    if (NPM_AUTH_WORD.test(raw)) return true;
    if (raw.includes('$') && refersToSecret(model, run, raw)) return true;
  }
  if (raw.includes("$'")) {
    // `$'...'` turns `\n` into a line break (and `\t`, ...): read the text both ways, as no
    // quote reading is done here to tell which escapes are in `$'...'`.
    if (ANSI_C_ANY.test(raw)) return true;
    if (mayHold(model, run, new RunText(raw.replace(ANSI_C_CONTROL, (_, c: string) => CONTROL[c])).plain)) return true;
  }
  return mayHold(model, run, text.plain);
}

/**
 * Whether the text, with quotes and backslashes dropped (`RunText.plain`: a shell word's value
 * never adds them back), holds what the shell reading reports: every command name, option and
 * reference is there.
 */
function mayHold(model: SemanticModel, run: Instruction, t: string): boolean {
  // A URL's password (`scheme://user:password@`); a user alone only matters as a reference, below.
  if (t.includes('@') && URL_PASSWORD.test(t)) return true;
  // References to a variable that holds a credential (`$NAME`, `${NAME`, `$env:NAME`).
  if (t.includes('$') && refersToSecret(model, run, t)) return true;
  // `NAME=value` assignments and `export NAME=value` under a secret-looking name.
  if (t.includes('=')) {
    if (/\]\+?=/.test(t)) return true;
    // The name before each `=` / `+=`: a scan back from the `=`, linear where a regex over every
    // start position re-reads long words.
    for (let eq = t.indexOf('='); eq >= 0; eq = t.indexOf('=', eq + 1)) {
      const end = t.charCodeAt(eq - 1) === 43 /* + */ ? eq - 1 : eq;
      let start = end;
      while (start > 0 && isWordChar(t.charCodeAt(start - 1))) start--;
      while (start < end && isDigit(t.charCodeAt(start))) start++;
      if (start < end && secretName(t.slice(start, end))) return true;
    }
  }
  // Each site's first tool name, then its option words after it.
  let seen = 0;
  ANY_SITE.lastIndex = 0;
  for (let m = ANY_SITE.exec(t); m; m = ANY_SITE.exec(t)) {
    const site = SITE_OF.get(m[0])!;
    if (seen & (1 << site)) continue;
    seen |= 1 << site;
    const words = LITERAL_SITES[site][1];
    if (words === null || words.test(t.slice(m.index))) return true;
  }
  return false;
}

/** `%NAME%`, each `%` also read as the start of the next (the scan reads words, which may split there). */
const PERCENT_REFS = /%([A-Za-z_][A-Za-z0-9_]*)(?=%)/g;

function refersToSecretPercent(model: SemanticModel, run: Instruction, text: string): boolean {
  PERCENT_REFS.lastIndex = 0;
  for (let m = PERCENT_REFS.exec(text); m; m = PERCENT_REFS.exec(text)) if (secretVariable(model, run, m[1])) return true;
  return false;
}

function refersToSecret(model: SemanticModel, run: Instruction, text: string): boolean {
  REFS.lastIndex = 0;
  for (let m = REFS.exec(text); m; m = REFS.exec(text)) if (secretVariable(model, run, m[1])) return true;
  return false;
}

interface Literal {
  range: Range;
  subject: string;
  secret: string;
  writes: string;
}

interface VarUse {
  range: Range;
  ref: string;
  name: string;
  /** `, used as the password of `curl -u``: set when it sits where a credential goes. */
  use: string;
  writes: string;
  declared: Declared;
  verdict: Verdict;
}

/** A word with its quotes removed, each character mapped back to its offset in the raw text. */
interface Unquoted {
  text: string;
  /** Offset in the word's raw text of each character of `text`. */
  map: number[];
  /** The character cannot start an expansion (single-quoted or escaped). */
  literal: boolean[];
  /** File offset of the word's raw text. */
  base: number;
  /** `%NAME%` reads a variable (cmd.exe). */
  percent: boolean;
}

function unquote(word: ShellWord, percent: boolean): Unquoted {
  const raw = word.raw;
  const u: Unquoted = { text: '', map: [], literal: [], base: word.range.start, percent };
  const push = (c: string, at: number, lit: boolean) => {
    u.text += c;
    u.map.push(at);
    u.literal.push(lit);
  };
  let inDouble = false;
  for (let i = 0; i < raw.length; ) {
    const c = raw[i];
    if (c === "'" && !inDouble) {
      const end = raw.indexOf("'", i + 1);
      const stop = end < 0 ? raw.length : end;
      for (let j = i + 1; j < stop; j++) push(raw[j], j, true);
      i = stop + 1;
    } else if (c === '"') {
      inDouble = !inDouble;
      i++;
    } else if (c === '\\' && i + 1 < raw.length && (!inDouble || '$`"\\'.includes(raw[i + 1]))) {
      push(raw[i + 1], i + 1, true);
      i += 2;
    } else {
      push(c, i, false);
      i++;
    }
  }
  return u;
}

interface Span {
  text: string;
  range: Range;
  u: Unquoted;
  from: number;
  to: number;
}

function span(u: Unquoted, from: number, to: number): Span | null {
  if (to <= from) return null;
  return { text: u.text.slice(from, to), range: { start: u.base + u.map[from], end: u.base + u.map[to - 1] + 1 }, u, from, to };
}

interface Ref {
  name: string;
  /** Text indices of the reference (`$NAME`, `${NAME...}`, `%NAME%`, `$env:NAME`). */
  from: number;
  to: number;
}

/** Variable references in `u.text[from, to)`: `$NAME`, `${NAME...}`, and cmd's `%NAME%` / PowerShell's `$env:NAME`. */
function refsIn(u: Unquoted, from = 0, to = u.text.length): Ref[] {
  const out: Ref[] = [];
  const t = u.text;
  for (let i = from; i < to; i++) {
    const c = t[i];
    if (u.literal[i]) continue;
    if (c === '$') {
      if (t[i + 1] === '{') {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(i + 2, to));
        if (!m) continue;
        const close = t.indexOf('}', i + 2);
        const end = close < 0 || close >= to ? i + 2 + m[0].length : close + 1;
        out.push({ name: m[0], from: i, to: end });
        i = end - 1;
      } else if (/^env:/i.test(t.slice(i + 1, i + 5))) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(i + 5, to));
        if (!m) continue;
        out.push({ name: m[0], from: i, to: i + 5 + m[0].length });
        i += 4 + m[0].length;
      } else {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(i + 1, to));
        if (!m) continue;
        out.push({ name: m[0], from: i, to: i + 1 + m[0].length });
        i += m[0].length;
      }
    } else if (c === '%' && u.percent) {
      const m = /^%([A-Za-z_][A-Za-z0-9_]*)%/.exec(t.slice(i, to));
      if (!m) continue;
      out.push({ name: m[1], from: i, to: i + m[0].length });
      i += m[0].length - 1;
    }
  }
  return out;
}

/** The text has expansions or substitutions: not a literal. */
function isDynamic(s: Span): boolean {
  for (let i = s.from; i < s.to; i++) if (!s.u.literal[i] && (s.u.text[i] === '$' || s.u.text[i] === '`')) return true;
  return s.u.percent && /%[A-Za-z_]\w*%/.test(s.text);
}

/** Commands that run the next word as a command. */
const WRAPPERS = new Set(['sudo', 'env', 'time', 'nohup', 'exec', 'command', 'nice', 'doas']);
const WRAPPER_VALUE_OPTIONS = new Set(['-u', '-g', '-C', '-n', '--user', '--group']);

/** npm/yarn config keys that hold a credential. */
const NPM_AUTH_KEY = /(^|:)_(authToken|auth|password)$|^(npmAuthToken|npmAuthIdent|npmPassword)$|^(\/\/.*:)?_authToken$/;
/** Credential settings written into npm config files: `//registry/:_authToken=...`. */
const NPM_AUTH_LINE = /(?:^|[\s:])(_authToken|_auth|_password|npmAuthToken|npmAuthIdent)\s*[=:]\s*/g;
/** Files that hold credentials. */
const CREDENTIAL_FILE = /(^|\/)(\.npmrc|\.netrc|_netrc|\.pypirc|\.git-credentials|\.yarnrc(\.yml)?|auth\.json|\.dockercfg|config\.json|\.htpasswd|pip\.conf|settings\.xml|credentials)$/;
/** Headers whose value is a credential. */
const AUTH_HEADER = /^\s*(authorization|proxy-authorization|private-token|job-token|deploy-token|x-api-key|api-key|apikey|x-auth-token|x-access-token|x-jfrog-art-api|x-vault-token|x-registry-auth|x-github-token|token)\s*:\s*/i;

class Scan {
  readonly literals: Literal[] = [];
  readonly uses: VarUse[] = [];
  /** Variables the RUN sets itself (or gets from a secret mount): its references are not build args. */
  private readonly own = new Set<string>();
  /** The stage when it is a builder, not in the final image: its history is not in the image, but its cache is. */
  private readonly builder: Stage | null;

  /** The RUN goes to cmd.exe: `%NAME%` reads a variable. */
  private readonly windows: boolean;

  constructor(
    private readonly model: SemanticModel,
    private readonly run: Instruction,
  ) {
    const stage = model.stageOf(run);
    this.windows = isWindows(model, stage);
    // Not a closure: with a closure made here for every RUN, V8's young-generation GCs promoted
    // most of what each file allocated (corpus, one thread: 265 ms of scavenges instead of 111).
    this.builder = stage !== null && !inFinalImage(model, stage) ? stage : null;
    for (const flag of run.flags) {
      if (flag.name.toLowerCase() !== 'mount') continue;
      const type = flag.options.find((o) => o.key.toLowerCase() === 'type')?.value?.toLowerCase();
      const env = flag.options.find((o) => o.key.toLowerCase() === 'env')?.value;
      if (type === 'secret' && env) this.own.add(env);
    }
  }

  /** Why it matters where this RUN is. */
  private where(what: 'command' | 'arg' | 'env'): string {
    if (this.builder) return BUILDER_NOTE.replace('{{stage}}', stageLabel(this.builder)).replace('{{what}}', what === 'command' ? 'command line' : 'value');
    if (what === 'command') return 'the command line is saved in the image history (`docker history`)';
    if (what === 'arg') return 'build args are saved in the image history (`docker history`) with every RUN after them';
    return 'the ENV keeps it in the image config (`docker inspect`)';
  }

  /** Whether the RUN sets `name` itself; its assignments are looked for on first need (most RUNs use no secret variable). */
  private owns(name: string): boolean {
    if (!this.assignmentsFound) {
      this.assignmentsFound = true;
      this.findAssignments();
    }
    return this.own.has(name);
  }

  private assignmentsFound = false;

  private readonly unquoted = new Map<ShellWord, Unquoted>();

  private unq(word: ShellWord): Unquoted {
    let u = this.unquoted.get(word);
    if (!u) this.unquoted.set(word, (u = unquote(word, this.windows)));
    return u;
  }

  /** Shell variables the RUN assigns (`X=...`, `export X=`, `read X`, `for X in`). */
  private findAssignments(): void {
    const script = this.model.shellOf(this.run);
    if (!script) return;
    // Statements that run no command (`X=1`, `for X in`): the variable name without a subscript.
    for (const a of script.assignments) this.own.add(a.name.replace(/\[.*$/s, ''));
    for (const c of script.commands) {
      for (const a of c.assignments) this.own.add(a.name);
      const name = c.name.value ?? '';
      if (/^(export|local|declare|typeset|readonly|read|getopts|mapfile|readarray)$/.test(name)) {
        for (const a of c.args) {
          const m = /^([A-Za-z_][A-Za-z0-9_]*)(=|$)/.exec(a.value ?? a.raw);
          if (m) this.own.add(m[1]);
        }
      }
    }
  }

  command(cmd: ShellCommand, next: ShellCommand | undefined): void {
    let name = base(cmd.name.value ?? '');
    let args = cmd.args;
    // `sudo -u x curl ...`, `env A=1 curl ...`
    while (WRAPPERS.has(name)) {
      let i = 0;
      while (i < args.length) {
        const v = args[i].value ?? '';
        if (WRAPPER_VALUE_OPTIONS.has(v) && name !== 'env') i += 2;
        else if (v.startsWith('-') || (name === 'env' && /^[A-Za-z_]\w*=/.test(v))) i++;
        else break;
      }
      if (i >= args.length) return this.generic(cmd);
      name = base(args[i].value ?? '');
      args = args.slice(i + 1);
    }
    const writesTo = this.writtenFile(cmd, next);
    const kept = writesTo !== null && !this.removes(writesTo, cmd.range.end);

    for (const a of cmd.assignments) {
      if (!a.value) continue;
      this.assignment(a.name, a.value, `\`${a.name}=\``);
    }
    if (/^(export|declare|typeset|local|readonly)$/.test(name)) {
      for (const a of args) {
        const u = this.unq(a);
        const eq = u.text.indexOf('=');
        if (eq <= 0 || !/^[A-Za-z_]\w*$/.test(u.text.slice(0, eq))) continue;
        const s = span(u, eq + 1, u.text.length);
        const n = u.text.slice(0, eq);
        const info = secretName(n);
        if (s && info && !isDynamic(s) && literalIsSecret(info, s.text)) {
          this.literal(s, `\`${name} ${n}=\` sets ${info.what}`, '');
        }
      }
    }

    const opt = (i: number) => (args[i] ? this.unq(args[i]).text : '');
    const nextWord = (i: number): Span | null => (args[i + 1] ? span(this.unq(args[i + 1]), 0, this.unq(args[i + 1]).text.length) : null);
    const attached = (i: number, prefix: string): Span | null => {
      const u = this.unq(args[i]);
      return u.text.startsWith(prefix) ? span(u, prefix.length, u.text.length) : null;
    };
    const valueOf = (i: number, longs: string[], shorts: string[], attachShort: boolean): Span | null => {
      const o = opt(i);
      if (longs.includes(o) || shorts.includes(o)) return nextWord(i);
      for (const l of longs) if (o.startsWith(`${l}=`)) return attached(i, `${l}=`);
      if (attachShort) for (const s of shorts) if (o.startsWith(s) && !o.startsWith('--') && o.length > s.length) return attached(i, s);
      return null;
    };

    if (name === 'curl') {
      for (let i = 0; i < args.length; i++) {
        const up = valueOf(i, ['--user', '--proxy-user'], ['-u', '-U'], true);
        if (up) this.userPassword(up, '`curl -u`');
        const h = valueOf(i, ['--header', '--proxy-header'], ['-H'], true);
        if (h) this.header(h, 'curl');
        const bearer = valueOf(i, ['--oauth2-bearer'], [], false);
        if (bearer) this.secret(bearer, '`curl --oauth2-bearer` passes a token', ', used as the token of `curl --oauth2-bearer`', '');
      }
    } else if (name === 'wget') {
      for (let i = 0; i < args.length; i++) {
        const p = valueOf(i, ['--password', '--http-password', '--http-passwd', '--ftp-password', '--ftp-passwd', '--proxy-password', '--proxy-passwd'], [], false);
        if (p) this.secret(p, '`wget --password` passes a password', ', used as the password of `wget`', '');
        const h = valueOf(i, ['--header'], [], false);
        if (h) this.header(h, 'wget');
      }
    } else if (MYSQL.test(name)) {
      for (let i = 0; i < args.length; i++) {
        const o = opt(i);
        // `-p` alone prompts (the next word is the database); only `-pSECRET` and `--password=SECRET`.
        const p = o.startsWith('--password=') ? attached(i, '--password=') : /^-p./.test(o) ? attached(i, '-p') : null;
        if (p) this.secret(p, `\`${name} -p\` passes a password`, `, used as the password of \`${name} -p\``, '');
      }
    } else if (MONGO.test(name) || name === 'redis-cli' || name === 'sqlcmd' || name === 'bcp' || name === 'sshpass') {
      const [longs, shorts, attach] =
        name === 'redis-cli' ? [['--pass'], ['-a'], false]
        : name === 'sqlcmd' || name === 'bcp' ? [[], ['-P'], true]
        : name === 'sshpass' ? [[], ['-p'], true]
        : [['--password'], ['-p'], false];
      for (let i = 0; i < args.length; i++) {
        const p = valueOf(i, longs, shorts, attach);
        if (p && !p.text.startsWith('-')) this.secret(p, `\`${name} ${shorts[0] ?? longs[0]}\` passes a password`, `, used as the password of \`${name}\``, '');
      }
    } else if (name === 'htpasswd') {
      const batch = args.some((a) => /^-[a-zA-Z]*b[a-zA-Z]*$/.test(a.value ?? ''));
      const positional = args.filter((a) => !(a.value ?? a.raw).startsWith('-'));
      const last = positional[positional.length - 1];
      if (batch && last && positional.length >= 2) {
        const u = this.unq(last);
        const s = span(u, 0, u.text.length);
        if (s) this.secret(s, '`htpasswd -b` passes a password', ', used as the password of `htpasswd -b`', '');
      }
    } else if (LOGIN_TOOLS.has(name)) {
      const firstWords = args.filter((a) => !(a.value ?? '').startsWith('-')).slice(0, 2).map((a) => a.value);
      if (firstWords[0] === 'login' || (firstWords[0] === 'registry' && firstWords[1] === 'login')) {
        for (let i = 0; i < args.length; i++) {
          const p = valueOf(i, ['--password'], ['-p'], false);
          if (p) this.secret(p, `\`${name} login -p\` passes a password`, `, used as the password of \`${name} login\``, '');
        }
      }
    } else if (name === 'git' && args[0]?.value === 'config' && args.some((a) => a.value === '--global' || a.value === '--system')) {
      // `git config --global url."https://$TOKEN@github.com/".insteadOf ...` stores the URL in ~/.gitconfig.
      const file = args.some((a) => a.value === '--system') ? '/etc/gitconfig' : '~/.gitconfig';
      const unset = args.some((a) => /^--(unset|unset-all|remove-section)$/.test(a.value ?? ''));
      if (!unset) {
        for (const a of args) {
          const u = this.unq(a);
          for (const info of urlUserinfos(u.text)) {
            const user = span(u, info.user.start, info.user.end);
            const pass = info.password && span(u, info.password.start, info.password.end);
            const writes = `; \`git config\` also writes it to ${file} in this layer`;
            if (user) for (const r of refsIn(u, user.from, user.to)) this.variable(u, r, `, used as the user of a URL that \`git config\` stores`, writes);
            if (pass) this.secret(pass, `\`git config\` stores a URL with a password`, `, used as the password of a URL that \`git config\` stores`, writes);
          }
        }
      }
    } else if (NPM_TOOLS.has(name)) {
      this.npmConfig(name, args, cmd.range.end);
    } else if (name === 'echo' || name === 'printf') {
      // `echo 'user:password' | chpasswd`, `echo password | passwd --stdin user`
      const sink = cmd.inPipeline && next?.inPipeline ? base(next.name.value ?? '') : '';
      const sinkArgs = next?.args.map((a) => a.value ?? a.raw) ?? [];
      if (sink === 'chpasswd' && !sinkArgs.some((a) => a === '-e' || a === '--encrypted' || /^-[a-z]*e/.test(a))) {
        for (const a of args) {
          const u = this.unq(a);
          const re = /([^\s:]+):([^\s:\\]+)/g;
          for (let m = re.exec(u.text); m; m = re.exec(u.text)) {
            const from = m.index + m[1].length + 1;
            const s = span(u, from, from + m[2].length);
            if (s) this.secret(s, '`chpasswd` sets a password', ', used as a password by `chpasswd`', '');
          }
        }
      } else if (sink === 'passwd' && sinkArgs.includes('--stdin')) {
        for (const a of args) {
          const u = this.unq(a);
          if (u.text.startsWith('-')) continue;
          const s = span(u, 0, u.text.length);
          if (s) this.secret(s, '`passwd --stdin` sets a password', ', used as a password by `passwd`', '');
        }
      }
      for (const a of args) {
        const u = this.unq(a);
        NPM_AUTH_LINE.lastIndex = 0;
        for (let m = NPM_AUTH_LINE.exec(u.text); m; m = NPM_AUTH_LINE.exec(u.text)) {
          const from = m.index + m[0].length;
          let to = from;
          while (to < u.text.length && !/[\s"']/.test(u.text[to])) to++;
          const s = span(u, from, to);
          const file = writesTo ? ` to ${writesTo}` : '';
          const writes = kept ? `; \`${name}\` also writes it to ${writesTo} in this layer` : '';
          if (s) this.secret(s, `\`${name}\` writes an npm auth token${file}`, `, written${file} as an npm auth token`, writes);
        }
        if (writesTo && /netrc$/.test(writesTo)) {
          const m = /\bpassword\s+/.exec(u.text);
          if (m) {
            const from = m.index + m[0].length;
            let to = from;
            while (to < u.text.length && !/\s/.test(u.text[to])) to++;
            const s = span(u, from, to);
            if (s) this.secret(s, `\`${name}\` writes a password to ${writesTo}`, `, written to ${writesTo}`, kept ? `; \`${name}\` also writes it to ${writesTo} in this layer` : '');
          }
        }
        if (writesTo) {
          // `echo "$TOKEN" > ~/.npmrc`: the whole credential goes into the file.
          for (const r of refsIn(u)) this.variable(u, r, `, written to ${writesTo}`, kept ? `; \`${name}\` also writes it to ${writesTo} in this layer` : '');
        }
      }
    }
    this.generic(cmd);
  }

  /** URLs with user info and variables in every word of the command. */
  private generic(cmd: ShellCommand): void {
    this.genericWord(cmd.name);
    for (const a of cmd.args) this.genericWord(a);
    for (const a of cmd.assignments) if (a.value) this.genericWord(a.value);
    for (const r of cmd.redirects) if (r.target) this.genericWord(r.target);
  }

  private genericWord(w: ShellWord): void {
    // A URL's user info needs `@`, a reference `$` (or `%` for cmd): most words have neither.
    const raw = w.raw;
    if (!raw.includes('@') && !raw.includes('$') && !(this.windows && raw.includes('%'))) return;
    const u = this.unq(w);
    for (const info of urlUserinfos(u.text)) {
      const user = span(u, info.user.start, info.user.end);
      if (user) for (const r of refsIn(u, user.from, user.to)) this.variable(u, r, ', used as the user of a URL', '');
      const pass = info.password && span(u, info.password.start, info.password.end);
      if (!pass) continue;
      if (/^(anonymous|ftp)$/i.test(info.user.text) || /^(x-oauth-basic|x-oauth|oauth2|x)$/i.test(pass.text)) continue;
      if (hasFormatDirective(pass.text)) continue;
      this.secret(pass, 'A URL passes a password', ', used as the password of a URL', '');
    }
    for (const r of refsIn(u)) this.variable(u, r, '', '');
  }

  /** `NAME=value` before a command (`PGPASSWORD=x psql`). */
  private assignment(name: string, value: ShellWord, label: string): void {
    const info = secretName(name);
    if (!info) return;
    const u = this.unq(value);
    const s = span(u, 0, u.text.length);
    if (s && !isDynamic(s) && literalIsSecret(info, s.text)) this.literal(s, `${label} sets ${info.what}`, '');
  }

  /** `user:password`: the password part. */
  private userPassword(s: Span, tool: string): void {
    const colon = s.text.indexOf(':');
    if (colon < 0) {
      // `-u "$CREDS"`: the whole pair in one variable.
      for (const r of refsIn(s.u, s.from, s.to)) this.variable(s.u, r, `, used as the credentials of ${tool}`, '');
      return;
    }
    for (const r of refsIn(s.u, s.from, s.from + colon)) this.variable(s.u, r, `, used as the user of ${tool}`, '');
    const p = span(s.u, s.from + colon + 1, s.to);
    if (p) this.secret(p, `${tool} passes a password`, `, used as the password of ${tool}`, '');
  }

  private header(s: Span, tool: string): void {
    const m = AUTH_HEADER.exec(s.text);
    if (!m) return;
    let from = s.from + m[0].length;
    // `Authorization: Bearer <token>`: the credential follows the scheme.
    const scheme = /^(basic|bearer|token|digest|negotiate|apikey|api-key)\s+/i.exec(s.u.text.slice(from, s.to));
    if (scheme) from += scheme[0].length;
    const v = span(s.u, from, s.to);
    const header = m[1].toLowerCase() === 'authorization' ? 'an Authorization header' : `a ${m[1]} header`;
    if (v) this.secret(v, `\`${tool}\` sends ${header} with a credential`, `, sent in ${header} by \`${tool}\``, '');
  }

  private npmConfig(tool: string, args: ShellWord[], end: number): void {
    const words = args.map((a) => this.unq(a));
    const positional = words.filter((u) => !u.text.startsWith('-'));
    const [a0, a1] = positional.map((u) => u.text);
    let rest: Unquoted[];
    if ((a0 === 'config' && a1 === 'set') || (tool === 'yarn' && a0 === 'config' && a1 === 'set')) rest = positional.slice(2);
    else if (a0 === 'set') rest = positional.slice(1);
    else return;
    const key = rest[0];
    if (!key) return;
    const eq = key.text.indexOf('=');
    const keyText = eq < 0 ? key.text : key.text.slice(0, eq);
    if (!NPM_AUTH_KEY.test(keyText) && !/_authToken$|_auth$|_password$/.test(keyText)) return;
    const value = eq < 0 ? rest[1] && span(rest[1], 0, rest[1].text.length) : span(key, eq + 1, key.text.length);
    const file = tool === 'yarn' ? '~/.yarnrc' : '~/.npmrc';
    const writes = this.removes(file, end) ? '' : `; \`${tool} config set\` also writes it to ${file} in this layer`;
    if (value) this.secret(value, `\`${tool} config set\` writes an npm auth token`, `, written by \`${tool} config set\` as an npm auth token`, writes);
  }

  /** A credential-position span: a literal is reported, variables in it are reported as credentials. */
  private secret(s: Span, subject: string, use: string, writes: string): void {
    const refs = refsIn(s.u, s.from, s.to);
    for (const r of refs) this.variable(s.u, r, use, writes);
    if (refs.length > 0 || isDynamic(s)) return;
    const t = s.text.trim();
    if (t.length === 0 || isPlaceholder(t) || /^-/.test(t)) return;
    this.literal(s, subject, writes);
  }

  private literal(s: Span, subject: string, writes: string): void {
    this.literals.push({ range: s.range, subject, secret: s.text, writes });
  }

  private variable(u: Unquoted, r: Ref, use: string, writes: string): void {
    // Undeclared names (most) need no look at the RUN's own assignments; judging order is kept.
    const d = declaredAt(this.model, this.run, r.name);
    if (!d || this.owns(r.name)) return;
    const verdict = judgeProperty(this.model, d.instruction, d.property);
    if (!verdict) return;
    const found = { declared: d, verdict };
    const range = { start: u.base + u.map[r.from], end: u.base + u.map[r.to - 1] + 1 };
    // Shown as `$NAME` / `${NAME}` / `%NAME%`: a default (`${NAME:-...}`) may be a literal secret.
    const text = u.text.slice(r.from, r.to);
    const ref = text.startsWith('${') ? `\${${r.name}}` : text.startsWith('%') ? `%${r.name}%` : /^\$env:/i.test(text) ? text.slice(0, 5) + r.name : `$${r.name}`;
    this.uses.push({ range, ref, name: r.name, use, writes, declared: found.declared, verdict: found.verdict });
  }

  /** The RUN deletes the file again (`rm .npmrc`), so the layer does not keep it. */
  private removes(file: string, after: number): boolean {
    const name = base(file);
    const script = this.model.shellOf(this.run);
    return !!script?.commands.some((c) =>
      c.range.start > after && (c.name.value === 'rm' || c.name.value === 'shred') && c.args.some((a) => base(a.value ?? a.raw) === name),
    );
  }

  /** Where `echo`/`printf` output goes when it is a credentials file: `> ~/.npmrc`, `| tee .npmrc`. */
  private writtenFile(cmd: ShellCommand, next: ShellCommand | undefined): string | null {
    for (const r of cmd.redirects) {
      if ((r.op === '>' || r.op === '>>' || r.op === '>|') && r.target) {
        const t = r.target.value ?? r.target.raw;
        if (CREDENTIAL_FILE.test(t)) return shownPath(t);
      }
    }
    if (cmd.inPipeline && next?.inPipeline && next.name.value === 'tee') {
      const t = next.args.map((a) => a.value ?? a.raw).find((v) => CREDENTIAL_FILE.test(v));
      if (t) return shownPath(t);
    }
    return null;
  }

  /** Heredoc bodies that are data for a command (`cat <<EOF > ~/.npmrc`), not the script. */
  heredocs(commands: ShellCommand[]): void {
    const text = this.model.text;
    for (const h of this.run.heredocs) {
      const body = h.contentRange;
      if (!body) continue;
      if (commands.some((c) => c.range.start >= body.start && c.range.start < body.end)) continue;
      const opener = text.slice(h.range.start, h.range.end);
      const expands = !/['"\\]/.test(opener);
      // Quotes are data here, not quoting: characters map 1:1.
      const u: Unquoted = {
        text: h.content, map: Array.from(h.content, (_, i) => i), literal: Array.from(h.content, () => !expands),
        base: body.start, percent: false,
      };
      NPM_AUTH_LINE.lastIndex = 0;
      for (let m = NPM_AUTH_LINE.exec(u.text); m; m = NPM_AUTH_LINE.exec(u.text)) {
        const from = m.index + m[0].length;
        let to = from;
        while (to < u.text.length && !/[\s"']/.test(u.text[to])) to++;
        const s = span(u, from, to);
        if (s) this.secret(s, 'The heredoc writes an npm auth token', ', written by the heredoc as an npm auth token', '');
      }
      for (const r of refsIn(u)) this.variable(u, r, '', '');
    }
  }

  /** Token formats anywhere in the RUN text (words, comments, heredocs): the whole text is kept in the history. */
  knownFormats(): void {
    const ar = this.run.argsRange;
    if (!ar) return;
    const text = this.model.text.slice(ar.start, ar.end);
    if (!mayHoldKnownFormatIn(this.model, text)) return;
    for (const m of knownSecrets(text)) {
      this.literals.push({ range: { start: ar.start + m.start, end: ar.start + m.end }, subject: `This RUN holds ${m.what}`, secret: text.slice(m.start, m.end), writes: '' });
    }
  }

  report(report: (input: ReportInput) => void): void {
    // Literals: one finding per place, the most specific.
    const lits = this.literals.filter((l, i) =>
      !this.literals.some((o, j) => j !== i && overlaps(o.range, l.range) && (width(o.range) < width(l.range) || (width(o.range) === width(l.range) && j < i))),
    );
    for (const l of lits) {
      report({
        messageId: 'literalCredential',
        data: { subject: l.subject, shown: shownSecret(l.secret), where: this.where('command'), writes: l.writes },
        range: l.range,
      });
    }
    // Variables: one finding per variable and RUN, where it is used as a credential if anywhere.
    const byName = new Map<string, VarUse>();
    for (const v of this.uses) {
      const seen = byName.get(v.name);
      if (!seen || (!seen.use && v.use) || (!seen.writes && v.writes && !seen.use)) byName.set(v.name, v);
    }
    for (const v of [...byName.values()].sort((a, b) => a.range.start - b.range.start)) {
      const keyword = v.declared.kind === 'arg' ? 'ARG' : 'ENV';
      const where = this.where(v.declared.kind);
      const related: RelatedLocation[] = [
        { message: `${keyword} ${v.name} is declared here.`, range: v.declared.property.valueRange ?? v.declared.property.nameRange },
      ];
      report({
        messageId: 'secretVariable',
        data: {
          ref: v.ref, keyword, name: v.name, line: lineAt(this.model, v.declared.instruction.range.start),
          what: whatOf(this.model, v.verdict), use: v.use, where, writes: v.writes, id: secretId(v.name),
        },
        range: v.range,
        severity: 'warn',
        related,
      });
    }
  }
}

/** The stage runs Windows commands: backtick escapes, a cmd/PowerShell SHELL, or a Windows base image. */
function isWindows(model: SemanticModel, stage: Stage | null): boolean {
  if (model.ast.escapeChar === '`') return true;
  if (!stage) return false;
  let w = windowsStages.get(stage);
  if (w === undefined) windowsStages.set(stage, (w = windowsChain(stage)));
  return w;
}

const windowsStages = new WeakMap<Stage, boolean>();

function windowsChain(stage: Stage | null): boolean {
  for (let s = stage; s; s = s.parent) {
    if (/windows|nanoserver|servercore/i.test(s.base.expanded)) return true;
    if (s.instructions.some((i) => i.kind === 'SHELL' && /cmd|powershell|pwsh/i.test(i.args.map((a) => a.value).join(' ')))) return true;
  }
  return false;
}

function whatOf(model: SemanticModel, v: Verdict): string {
  if (v.type !== 'copy') return v.what;
  const of = judgeProperty(model, v.of.instruction, v.of.property);
  return of && of.type !== 'copy' ? of.what : 'a credential';
}

/** A file path as it may appear in a message: plain paths only (no variables, nothing long). */
function shownPath(path: string): string {
  return /^[~\w./-]{1,60}$/.test(path) ? path : base(path).replace(/[^\w.-]/g, '') || 'a credentials file';
}

function base(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

function overlaps(a: Range, b: Range): boolean {
  return a.start < b.end && b.start < a.end;
}

function width(r: Range): number {
  return r.end - r.start;
}
