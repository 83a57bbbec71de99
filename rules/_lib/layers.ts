import type { Instruction, SemanticModel, ShellCommand, ShellScript, ShellWord, Stage } from '@stowage/core';

/**
 * Shared helpers of the layer-order rules (copy-before-install, arg-declared-too-early,
 * copy-before-unrelated-run): Windows stages, variable references, moving whole lines, and which
 * shell commands provably read nothing but their arguments.
 */

// ---------------------------------------------------------------------------------------------
// Stages

const WINDOWS_IMAGE = /(^|[/:_.-])(windows|windowsservercore|servercore|nanoserver|ltsc20\d\d)([/:_.-]|$)|mcr\.microsoft\.com\/(windows|powershell)/i;
const WINDOWS_SHELL = /\b(powershell|pwsh|cmd)(\.exe)?\b/i;

// Several rules ask for every stage: computed once per stage.
const windowsStages = new WeakMap<Stage, boolean>();

/** A Windows (or PowerShell) stage, through its FROM chain: its RUNs are not POSIX shell. */
export function isWindowsStage(model: SemanticModel, stage: Stage): boolean {
  let w = windowsStages.get(stage);
  if (w === undefined) windowsStages.set(stage, (w = windowsStageNew(model, stage)));
  return w;
}

function windowsStageNew(model: SemanticModel, stage: Stage): boolean {
  for (let s: Stage | null = stage; s; s = s.parent) {
    if (s.instructions.some((i) => i.kind === 'SHELL' && WINDOWS_SHELL.test(i.args.map((a) => a.value).join(' ')))) return true;
    if (!s.parent && WINDOWS_IMAGE.test(s.base.expanded)) return true;
    if (s.instructions.some((i) => i.kind === 'RUN' && /^\s*(powershell|pwsh|cmd)(\.exe)?\b/i.test(i.args[0]?.value ?? ''))) return true;
  }
  return model.ast.directives.some((d) => d.name === 'escape' && d.value === '`');
}

/** The stages `stage` is built on, oldest first, then `stage` itself. */
export function stageChain(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | null = stage; s && !chain.includes(s); s = s.parent) chain.unshift(s);
  return chain;
}

// ---------------------------------------------------------------------------------------------
// Text

/** The instruction's source text. */
export function textOf(model: SemanticModel, instr: Instruction): string {
  return model.text.slice(instr.range.start, instr.range.end);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `$NAME` or `${NAME...}` appears in the text (quotes and escapes ignored: a conservative yes). */
export function refersTo(text: string, name: string): boolean {
  if (name === '') return refersToByRegExp(text, name);
  // Each place the name is, by a native search; a regex with a lookbehind tries every position.
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    if (isNameChar(text.charCodeAt(i + name.length))) continue;
    const before = text.charCodeAt(i - 1);
    if (before === 36 /* $ */) return true;
    if (before === 123 /* { */ && text.charCodeAt(i - 2) === 36) return true;
    if ((before === 33 /* ! */ || before === 35) /* # */ && text.charCodeAt(i - 2) === 123 && text.charCodeAt(i - 3) === 36) return true;
  }
  return false;
}

/** The name appears as a whole word anywhere (`printenv NAME`, `os.environ['NAME']`, `$NAME`). */
export function mentions(text: string, name: string): boolean {
  if (name === '') return mentionsByRegExp(text, name);
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    if (!isNameChar(text.charCodeAt(i - 1)) && !isNameChar(text.charCodeAt(i + name.length))) return true;
  }
  return false;
}

/** `[A-Za-z0-9_]` (NaN, before the start or past the end, is not). */
function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** The regex readings the searches above stand for; kept for the empty name, and for tests. */
export function refersToByRegExp(text: string, name: string): boolean {
  return new RegExp(`\\$(?:\\{[!#]?${escapeRe(name)}(?![A-Za-z0-9_])|${escapeRe(name)}(?![A-Za-z0-9_]))`).test(text);
}

export function mentionsByRegExp(text: string, name: string): boolean {
  return new RegExp(`(?<![A-Za-z0-9_])${escapeRe(name)}(?![A-Za-z0-9_])`).test(text);
}

/** Offset of the start of the line holding `offset`. */
export function lineStartOf(model: SemanticModel, offset: number): number {
  return model.lines.lineStarts[model.lines.lineOf(offset)];
}

/** Offset just past the line break of the line holding `offset` (or the end of the text). */
export function lineEndOf(model: SemanticModel, offset: number): number {
  const line = model.lines.lineOf(offset);
  const starts = model.lines.lineStarts;
  return line + 1 < starts.length ? starts[line + 1] : model.text.length;
}

/**
 * Start of the block of comment lines directly above the instruction (no blank line between),
 * or of the instruction's own line when there is none. Such comments (and pragmas) belong to it.
 */
export function blockStart(model: SemanticModel, instr: Instruction): number {
  const starts = model.lines.lineStarts;
  let line = model.lines.lineOf(instr.range.start);
  while (line > 0) {
    const prev = model.text.slice(starts[line - 1], starts[line]).trim();
    if (!prev.startsWith('#')) break;
    line--;
  }
  return starts[line];
}

/** The instruction starts its line and nothing but a comment follows it on its last line. */
export function ownsItsLines(model: SemanticModel, instr: Instruction): boolean {
  const before = model.text.slice(lineStartOf(model, instr.range.start), instr.range.start);
  const after = model.text.slice(instr.range.end, lineEndOf(model, instr.range.end)).trim();
  return before.trim() === '' && after === '';
}

// ---------------------------------------------------------------------------------------------
// Shell commands

/** Command name without its directory (`/usr/bin/apt-get` -> `apt-get`), or null when not static. */
export function commandName(cmd: ShellCommand): string | null {
  const v = cmd.name.value;
  if (v === null || v === '') return null;
  const slash = v.lastIndexOf('/');
  return slash < 0 ? v : v.slice(slash + 1);
}

/** Static values of the arguments, or null when one is not static. */
export function argValues(cmd: ShellCommand): string[] | null {
  const out: string[] = [];
  for (const a of cmd.args) {
    if (a.value === null) return null;
    out.push(a.value);
  }
  return out;
}

/** Positional (non-option) static arguments; options taking a value are not known here. */
export function positionals(cmd: ShellCommand): ShellWord[] {
  return cmd.args.filter((a) => !(a.value ?? a.raw).startsWith('-') || (a.value ?? a.raw) === '-');
}

/** `sh -c '...'` and friends: the command only runs the commands listed after it (nested). */
export function isShellWrapper(cmd: ShellCommand, script: ShellScript): boolean {
  const name = commandName(cmd);
  if (!name || !SHELL_NAMES.has(name)) return false;
  const c = cmd.args.findIndex((a) => a.value !== null && /^-[a-z]*c[a-z]*$/.test(a.value));
  if (c < 0 || c + 1 >= cmd.args.length || cmd.args[c + 1].value === null) return false;
  // The inner script was parsed: some command lies inside its argument.
  const inner = cmd.args[c + 1].range;
  return script.commands.some((o) => o !== cmd && o.nested > cmd.nested && o.range.start >= inner.start && o.range.end <= inner.end);
}

export const SHELL_NAMES = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'busybox']);

/** Shell builtins and utilities that act only on their arguments (and read no arbitrary env). */
const PLAIN_UTILITIES = new Set([
  // shell builtins
  'true', 'false', ':', 'set', 'export', 'unset', 'cd', 'pwd', 'exit', 'test', '[', '[[', 'umask', 'shopt', 'hash', 'type', 'echo', 'printf', 'read', 'wait', 'sleep',
  // files
  'rm', 'rmdir', 'mkdir', 'ln', 'cp', 'mv', 'chmod', 'chown', 'chgrp', 'touch', 'install', 'ls', 'cat', 'tee', 'stat', 'file', 'readlink', 'realpath', 'basename', 'dirname', 'mktemp', 'du', 'df', 'sync', 'truncate', 'dd', 'mkfifo', 'setcap', 'chattr',
  // text
  'sed', 'grep', 'egrep', 'fgrep', 'head', 'tail', 'sort', 'uniq', 'wc', 'tr', 'cut', 'paste', 'comm', 'diff', 'cmp', 'rev', 'fold', 'nl', 'column', 'yes', 'seq', 'dos2unix', 'jq', 'envsubst',
  // archives and checksums
  'tar', 'unzip', 'zip', 'gzip', 'gunzip', 'zcat', 'bzip2', 'bunzip2', 'xz', 'unxz', 'zstd', 'unzstd', 'lz4', '7z', 'cpio',
  'sha1sum', 'sha256sum', 'sha512sum', 'md5sum', 'cksum', 'b2sum', 'base64', 'od', 'xxd', 'hexdump', 'strings',
  // downloads and keys
  'curl', 'wget', 'git', 'gpg', 'gpgv', 'gpg-agent', 'gpgconf', 'dirmngr', 'apt-key', 'update-ca-certificates', 'ssh-keyscan', 'openssl',
  // users and system setup
  'useradd', 'adduser', 'groupadd', 'addgroup', 'usermod', 'groupmod', 'userdel', 'deluser', 'groupdel', 'delgroup', 'passwd', 'chpasswd', 'id', 'whoami', 'getent',
  'locale-gen', 'localedef', 'update-locale', 'ldconfig', 'update-alternatives', 'update-rc.d', 'systemctl', 'which', 'uname', 'arch', 'nproc', 'date', 'tzdata', 'dpkg-reconfigure',
  'strip', 'ldd',
  // system package managers (their maintainer scripts do not read a build's own variables)
  'apt-get', 'apt', 'aptitude', 'apt-cache', 'apt-mark', 'apt-add-repository', 'add-apt-repository', 'dpkg', 'dpkg-divert', 'debconf-set-selections',
  'apk', 'yum', 'dnf', 'microdnf', 'tdnf', 'rpm', 'yum-config-manager', 'zypper', 'pacman', 'xbps-install', 'opkg', 'rpmkeys',
  'install-php-extensions', 'docker-php-ext-install', 'docker-php-ext-configure', 'docker-php-ext-enable', 'pecl', 'gem',
]);

/** Names of variables a plain utility may read from its environment. */
const TOOL_ENV: Record<string, RegExp> = {
  'apt-get': /^(DEBIAN_|DEBCONF_|APT_|DPKG_)/, apt: /^(DEBIAN_|DEBCONF_|APT_|DPKG_)/, aptitude: /^(DEBIAN_|DEBCONF_|APT_|DPKG_)/,
  dpkg: /^(DEBIAN_|DEBCONF_|DPKG_)/, 'dpkg-reconfigure': /^(DEBIAN_|DEBCONF_)/, 'debconf-set-selections': /^(DEBIAN_|DEBCONF_)/,
  'add-apt-repository': /^(DEBIAN_|APT_)/, 'apt-add-repository': /^(DEBIAN_|APT_)/,
  dnf: /^DNF_/, yum: /^(YUM|DNF)_/, microdnf: /^DNF_/, zypper: /^ZYPP/, pacman: /^PACMAN/,
  gem: /^(GEM_|BUNDLE_|RUBY)/, pecl: /^(PHP|PECL)/, 'install-php-extensions': /^(PHP|IPE_)/, 'docker-php-ext-install': /^PHP/, 'docker-php-ext-configure': /^PHP/,
  git: /^GIT_/, gpg: /^(GNUPG|GPG)/, 'gpg-agent': /^(GNUPG|GPG)/, gpgconf: /^(GNUPG|GPG)/, dirmngr: /^(GNUPG|GPG)/, 'apt-key': /^(GNUPG|GPG|APT_)/,
  curl: /^(CURL_|SSL_|CURLOPT)/, wget: /^(WGET|SSL_)/, openssl: /^(OPENSSL|SSL_)/,
  tar: /^TAR_/, gzip: /^GZIP/, gunzip: /^GZIP/, xz: /^XZ_/, unxz: /^XZ_/, bzip2: /^BZIP/, zstd: /^ZSTD_/, unzip: /^UNZIP/, zip: /^ZIP/,
  grep: /^GREP_/, ls: /^(LS_|COLUMNS|QUOTING_STYLE|TIME_STYLE|BLOCK)/, sort: /^(TMPDIR|_POSIX2)/, date: /^TZ$/, jq: /^JQ_/,
  // envsubst reads every exported variable; it is plain only when the name is not in its text.
  envsubst: /^/,
};

/** Variables many programs read (locale, paths, compilers, proxies). */
const COMMON_ENV = /^(PATH|HOME|USER|LOGNAME|SHELL|TERM|TMPDIR|TMP|TEMP|TZ|LANG|LANGUAGE|LC_[A-Z]+|IFS|ENV|CDPATH|POSIXLY_CORRECT|BASH.*|SHELLOPTS|PS[1-4]|LD_[A-Z_]+|CC|CXX|CPP|CFLAGS|CXXFLAGS|CPPFLAGS|LDFLAGS|LIBS|MAKEFLAGS|PKG_CONFIG.*|SSL_CERT_(FILE|DIR)|SOURCE_DATE_EPOCH|[A-Za-z]+_proxy|[A-Z]+_PROXY|JAVA_HOME|JAVA_OPTS|JDK_JAVA_OPTIONS|JAVA_TOOL_OPTIONS)$/;
/** Settings language tools read (`NODE_ENV`, `GOFLAGS`, `MAVEN_OPTS`), but not pinned versions or checksums. */
const TOOL_SETTINGS = /^(MAVEN|GRADLE|PYTHON|NODE|NPM|YARN|GO|CGO|CARGO|RUSTUP|GEM|BUNDLE|COMPOSER|PHP|PERL|DOTNET|NUGET)[A-Z0-9_]*$/;
const PINNED = /_(VERSION|VER|SHA\d*|SHA\d*SUM|URL|CHECKSUM|HASH|RELEASE|TAG)$/;

/** `pip install <named packages>`: a third-party package's build does not read the build's own variables. */
function pipInstallsNamedOnly(cmd: ShellCommand, argsFrom: number): boolean {
  const args = cmd.args.slice(argsFrom);
  if (args[0]?.value !== 'install' && args[0]?.value !== 'uninstall' && args[0]?.value !== 'download') return false;
  for (let i = 1; i < args.length; i++) {
    const v = args[i].value;
    if (v === null) return false;
    if (/^(-r|--requirement|-e|--editable|-c|--constraint)(=|$)/.test(v)) return false;
    if (v.startsWith('-')) {
      // Options taking a value: skip the value.
      if (/^(-i|--index-url|--extra-index-url|-f|--find-links|--target|-t|--prefix|--root|--platform|--python-version|--implementation|--abi|--trusted-host|--timeout|--retries|--progress-bar|--cache-dir|--src|--upgrade-strategy)$/.test(v)) i++;
      continue;
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?([<>=!~]=?[^/\s]*)?(,[<>=!~]=?[^/\s]*)*$/.test(v)) return false;
  }
  return true;
}

/**
 * The command provably reads no variable named `name` from its environment: a known utility or
 * system package manager that acts only on its arguments, and not one that reads such a name.
 * The caller checks the text for `$name` itself.
 */
export function cannotReadEnv(cmd: ShellCommand, script: ShellScript, name: string): boolean {
  if (COMMON_ENV.test(name) || (TOOL_SETTINGS.test(name) && !PINNED.test(name))) return false;
  const cmdName = commandName(cmd);
  if (cmdName === null) return false;
  if (isShellWrapper(cmd, script)) return true;
  if (cmdName === 'pip' || cmdName === 'pip3' || /^pip3\.\d+$/.test(cmdName)) return !/^(PIP_|PYTHON)/.test(name) && pipInstallsNamedOnly(cmd, 0);
  if (/^python(\d(\.\d+)?)?$/.test(cmdName)) {
    const v = cmd.args.map((a) => a.value);
    return v[0] === '-m' && v[1] === 'pip' && !/^(PIP_|PYTHON)/.test(name) && pipInstallsNamedOnly(cmd, 2);
  }
  if (cmdName === 'command') return cmd.args.some((a) => a.value === '-v' || a.value === '-V');
  if (cmdName === 'tar' && cmd.args.some((a) => /^--(to-command|checkpoint-action|info-script|new-volume-script|rsh-command)/.test(a.value ?? a.raw))) return false;
  if (cmdName === 'find') {
    // -exec runs arbitrary commands.
    return !cmd.args.some((a) => a.value === null || /^-(exec|execdir|ok|okdir)$/.test(a.value));
  }
  if (!PLAIN_UTILITIES.has(cmdName)) return false;
  const env = TOOL_ENV[cmdName];
  return !(env && env.test(name));
}

/** Names of the RUN's shell commands, for messages. */
export function firstCommandOf(script: ShellScript | null): ShellCommand | null {
  return script?.commands.find((c) => c.nested === 0) ?? null;
}

// ---------------------------------------------------------------------------------------------
// COPY / ADD of the build context

export interface ContextCopy {
  instr: Instruction;
  /** Sources after variable expansion (context-relative as written: `.`, `./src/`, `package*.json`). */
  sources: string[];
  /** Destination after expansion, as written (`.`, `/app/`). */
  dest: string;
  /** Some source is not static (an unresolved variable). */
  unresolved: boolean;
}

/** A COPY/ADD from the build context (no `--from`, no heredoc, no URL sources), expanded. */
export function contextCopy(model: SemanticModel, instr: Instruction): ContextCopy | null {
  if (instr.kind !== 'COPY' && instr.kind !== 'ADD') return null;
  if (instr.heredocs.length > 0 || instr.args.length < 2) return null;
  if (instr.flags.some((f) => f.name.toLowerCase() === 'from')) return null;
  const scope = model.scopeAt(instr);
  let unresolved = false;
  const words = instr.args.map((a) => {
    const e = scope.expand(a.raw);
    if (e.unresolved.length > 0) unresolved = true;
    return instr.jsonForm ? a.value : e.value;
  });
  const sources = words.slice(0, -1);
  if (sources.some((s) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^git@/.test(s))) return null;
  return { instr, sources, dest: words[words.length - 1], unresolved };
}

/** Normalises a context path: no leading `./` or `/`, no trailing `/` (`.` for the root). */
export function contextPath(p: string): string {
  let s = p.replace(/\/+/g, '/').replace(/(^|\/)\.(\/|$)/g, '$1').replace(/^\/+/, '').replace(/\/+$/, '');
  while (s.startsWith('./')) s = s.slice(2);
  return s === '' ? '.' : s;
}

/** The source copies the whole context (`.`, `./`, `/`, `*`, `./*`). */
export function isWholeContext(source: string): boolean {
  const p = contextPath(source);
  return p === '.' || p === '*';
}

/**
 * Directories that hold a project's code (edited all the time), as opposed to manifests or assets.
 * Workspace roots (`packages/`, `apps/`, `crates/`) are left out: a workspace install needs the
 * manifests inside them.
 */
export const SOURCE_DIRS = new Set([
  'src', 'source', 'sources', 'app', 'lib', 'cmd', 'pkg', 'internal', 'server', 'client', 'api',
  'frontend', 'backend', 'components', 'pages',
]);

/** A source naming a code directory (`src`, `./app/`, `cmd/server`); `src/package.json` is not one. */
export function isSourceDir(source: string): boolean {
  const p = contextPath(source);
  if (p === '.' || /[*?[]/.test(p)) return false;
  const parts = p.split('/');
  const last = parts[parts.length - 1];
  if (/\./.test(last)) return false;
  return parts.some((x) => SOURCE_DIRS.has(x.toLowerCase()));
}

/** Glob match of one context path segment pattern against a name (`*`, `?`, `[...]`). */
export function globMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += '[' + pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  try {
    return new RegExp(re + '$').test(name);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// WORKDIR

/** `/a/b/../c` -> `/a/c`; relative `p` is joined to `base`. */
export function resolvePath(base: string, p: string): string {
  const parts = (p.startsWith('/') ? p : `${base}/${p}`).split('/');
  const out: string[] = [];
  for (const x of parts) {
    if (x === '' || x === '.') continue;
    if (x === '..') out.pop();
    else out.push(x);
  }
  return '/' + out.join('/');
}

/**
 * The working directory an instruction runs in, when the file alone tells it: the WORKDIRs of the
 * stage and the stages it is built FROM. Null when an image from elsewhere sets it (no WORKDIR in
 * the chain) or a variable in it cannot be resolved.
 */
export function workdirAt(model: SemanticModel, stage: Stage, instr: Instruction): string | null {
  let dir: string | null = null;
  for (const s of stageChain(stage)) {
    for (const i of s.instructions) {
      if (s === stage && i.index >= instr.index) break;
      if (i.kind !== 'WORKDIR' || i.args.length === 0) continue;
      const raw = i.args.map((a) => a.raw).join(' ');
      const e = model.scopeAt(i).expand(raw);
      if (e.unresolved.length > 0) return null;
      const v = e.value.trim();
      if (v.startsWith('/')) dir = resolvePath('/', v);
      else if (dir !== null) dir = resolvePath(dir, v);
      else return null;
    }
  }
  return dir;
}

// ---------------------------------------------------------------------------------------------
// .dockerignore

/**
 * Whether the build context's `.dockerignore` excludes a context path (BuildKit's rules: patterns
 * are matched against the whole path, `**` spans directories, `!` re-includes, the last match wins;
 * a pattern that matches a parent directory excludes everything below it).
 */
export function isIgnored(ignoreText: string | null, path: string): boolean {
  if (!ignoreText) return false;
  const target = contextPath(path);
  let ignored = false;
  for (let line of ignoreText.split(/\r?\n/)) {
    line = line.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pat = contextPath(negate ? line.slice(1).trim() : line);
    if (pat === '.') continue;
    const re = ignoreRegExp(pat);
    const parts = target.split('/');
    let hit = false;
    for (let n = 1; n <= parts.length && !hit; n++) hit = re.test(parts.slice(0, n).join('/'));
    if (hit) ignored = !negate;
  }
  return ignored;
}

function ignoreRegExp(pat: string): RegExp {
  let re = '^';
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i];
    if (c === '*' && pat[i + 1] === '*') {
      re += '.*';
      i++;
      if (pat[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(re + '$');
}
