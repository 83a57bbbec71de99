import { isAbsolute, resolve } from 'node:path';
import { parseShell, type Range, type ShellCommand, type ShellWord } from '@stowage/core';
import { parseCacheSpec } from './cache.js';
import { envVar, expandShellWord, type Env, type EnvVar, type Opaque } from './expand.js';
import type {
  BakeOverride,
  BuildArg,
  BuildInvocation,
  BuildRun,
  BuildTool,
  CacheEntry,
  InvocationDetails,
  InvocationFile,
  InvocationKind,
  LegacySignal,
  PathSetting,
  Problem,
  PushSignal,
  Setting,
  Unresolved,
} from './model.js';
import { contextSetting, dockerfileSetting, resolveAgainst, uniq } from './paths.js';
import { addTag, normalizeRef, recordPush } from './refs.js';

/** One piece of shell text: a script file, a recipe line, a `run:` block, a `script:` item. */
export interface ShellSegment {
  /** The text given to the shell parser. */
  text: string;
  /** The text words are read from: the same length as `text` (differs where `${{ }}` was masked for the parser). */
  original: string;
  /** Maps an offset of `text` to a file offset. */
  toFile(offset: number): number;
  /** Starts a new shell: the environment and working directory are reset to `env` / `cwd`. */
  fresh: boolean;
  env?: Env;
  cwd?: string[];
  /** For a fresh segment: the working directory is unknown because of this (e.g. `working-directory: ${{ matrix.dir }}`). */
  cwdUnknown?: string;
  /** Substitution done before the shell reads a word (make variables, `${{ }}` expressions); unresolved parts as opaque marks. */
  pre?: (raw: string) => string;
  details?: InvocationDetails;
}

/** The state shared by the segments of one script, recipe, job. */
export interface ShellGroup {
  file: InvocationFile;
  kind: InvocationKind;
  /** The script's own folder (for `$(dirname "$0")`), or null for CI blocks. */
  scriptDir: string | null;
  root: string | null;
  /** Invocations of the group so far (later `docker push` / `docker tag` lines link to them). */
  invocations: BuildInvocation[];
  runs: BuildRun[];
  problems: Problem[];
  opaque: Opaque[];
  env: Env;
  cwd: string[];
  /** The `cd` that made the working directory unknown, or null. */
  cwdUnknown: string | null;
  /**
   * When set, `docker push` / `docker tag` lines are kept here and applied to every invocation of the
   * group once all are read (Makefiles: a `push` rule may come before the `build` rule it needs).
   */
  deferred: { tags: Array<() => void>; pushes: Array<() => void> } | null;
}

export function newGroup(file: InvocationFile, kind: InvocationKind, scriptDir: string | null, root: string | null, cwd: string[]): ShellGroup {
  return { file, kind, scriptDir, root, invocations: [], runs: [], problems: [], opaque: [], env: new Map(), cwd, cwdUnknown: null, deferred: null };
}

interface Field {
  /** Expanded text of this field. */
  text: string;
  word: ShellWord;
  /** The word as written (pre-substituted). */
  raw: string;
  unresolved: string[];
  /** The word is nothing but an unquoted expansion that did not resolve: it may hold several options. */
  opaque: boolean;
  /** One of several fields the word split into (`$(DOCKER_FLAGS)`): ranges are the word's. */
  split: boolean;
}

interface Assign {
  name: string;
  /** Local offsets of the value text, or null. */
  valueStart: number;
  valueEnd: number;
  append: boolean;
  range: Range;
}

interface Loop {
  name: string;
  items: string;
  itemsStart: number;
  bodyStart: number;
  bodyEnd: number;
}

type Event = { at: number; cmd: ShellCommand } | { at: number; assign: Assign };

/** Runs the segments in order, adding invocations, runs and problems to the group. */
export function analyzeShell(g: ShellGroup, segments: ShellSegment[]): void {
  for (const seg of segments) analyzeSegment(g, seg);
}

export function analyzeSegment(g: ShellGroup, seg: ShellSegment): void {
  if (seg.fresh) {
    g.env = new Map(seg.env ?? []);
    if (seg.cwd) g.cwd = seg.cwd.slice();
    g.cwdUnknown = seg.cwdUnknown ?? null;
  }
  const script = parseShell(seg.text, 0);
  const a = new Analyzer(g, seg);
  if (script.errors.length > 0) {
    const e = script.errors[0];
    g.problems.push({
      file: g.file,
      range: a.range(e.start, Math.max(e.end, e.start)),
      message: 'The shell parser could not read this part of the script: builds written here may be missed.',
      severity: 'warning',
    });
  }
  const events: Event[] = [];
  const heredocs = heredocBodies(seg.text, script.commands);
  for (const cmd of script.commands) {
    if (inSpans(heredocs, cmd.range.start)) continue;
    // tree-sitter-bash reads `A=1\ncmd` as one command: assignments before a line break are statements of their own.
    if (cmd.assignments.length > 0) {
      const nameStart = cmd.name.range.start;
      const kept = [];
      for (const as of cmd.assignments) {
        if (hasLineBreak(seg.text, as.range.end, nameStart)) {
          const eq = seg.text.indexOf('=', as.range.start);
          events.push({
            at: as.range.start,
            assign: {
              name: as.name,
              valueStart: as.value ? as.value.range.start : eq + 1,
              valueEnd: as.value ? as.value.range.end : eq + 1,
              append: seg.text[eq - 1] === '+',
              range: as.range,
            },
          });
        } else kept.push(as);
      }
      if (kept.length !== cmd.assignments.length) {
        cmd.assignments = kept;
        cmd.range = { start: kept.length > 0 ? kept[0].range.start : cmd.name.range.start, end: cmd.range.end };
        events.push({ at: cmd.range.start, cmd });
        continue;
      }
    }
    events.push({ at: cmd.range.start, cmd });
  }
  for (const as of standaloneAssignments(seg.text, script.commands, heredocs)) events.push({ at: as.range.start, assign: as });
  events.sort((x, y) => x.at - y.at);
  const loops = findLoops(seg.text, heredocs);
  a.run(events, 0, events.length, loops, 0);
}

function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (text[i] === '\n' && text[i - 1] !== '\\') return true;
  }
  return false;
}

function inSpans(spans: Range[], at: number): boolean {
  for (const s of spans) if (at >= s.start && at < s.end) return true;
  return false;
}

/** Bodies of `<<EOF` heredocs (local offsets). */
function heredocBodies(text: string, commands: ShellCommand[]): Range[] {
  const out: Range[] = [];
  for (const c of commands) {
    for (const r of c.redirects) {
      if ((r.op !== '<<' && r.op !== '<<-') || r.target === null) continue;
      const delim = r.target.raw.replace(/^['"]|['"]$/g, '').replace(/\\/g, '');
      if (delim === '') continue;
      const nl = text.indexOf('\n', Math.max(r.range.end, c.range.end));
      if (nl < 0) continue;
      let i = nl + 1;
      let end = text.length;
      while (i < text.length) {
        let j = text.indexOf('\n', i);
        if (j < 0) j = text.length;
        const line = text.slice(i, j).replace(/\r$/, '');
        if ((r.op === '<<-' ? line.replace(/^\t+/, '') : line) === delim) {
          end = j;
          break;
        }
        i = j + 1;
      }
      out.push({ start: nl + 1, end });
    }
  }
  return out;
}

/** Index just past the shell word starting at `i` (quotes, `$(...)`, `${...}`, backticks and escapes followed). */
export function wordEnd(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|' || c === '<' || c === '>' || c === ')') return i;
    if (c === '\\') i += 2;
    else if (c === "'") {
      const j = s.indexOf("'", i + 1);
      i = j < 0 ? n : j + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < n && s[j] !== '"') {
        if (s[j] === '\\') j++;
        else if (s[j] === '$' && s[j + 1] === '(') j = matchClose(s, j + 1, '(', ')') - 1;
        j++;
      }
      i = j + 1;
    } else if (c === '$' && (s[i + 1] === '(' || s[i + 1] === '{')) {
      i = matchClose(s, i + 1, s[i + 1], s[i + 1] === '(' ? ')' : '}');
    } else if (c === '`') {
      const j = s.indexOf('`', i + 1);
      i = j < 0 ? n : j + 1;
    } else if (c === '(') {
      i = matchClose(s, i, '(', ')');
    } else i++;
  }
  return Math.min(i, n);
}

function matchClose(s: string, open: number, o: string, c: string): number {
  let d = 0;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === '\\') i++;
    else if (ch === "'" && o === '(') {
      const j = s.indexOf("'", i + 1);
      if (j < 0) return s.length;
      i = j;
    } else if (ch === o) d++;
    else if (ch === c) {
      d--;
      if (d === 0) return i + 1;
    }
  }
  return s.length;
}

/**
 * Assignments that are statements of their own (`IMAGE=foo`, `A=1 B=2`): the shell parser gives
 * only commands, so they are read from the text between commands.
 */
function standaloneAssignments(text: string, commands: ShellCommand[], heredocs: Range[]): Assign[] {
  const covered: Range[] = [];
  for (const c of commands) {
    if (c.nested > 0) continue;
    const last = covered[covered.length - 1];
    if (last !== undefined && c.range.start < last.end) last.end = Math.max(last.end, c.range.end);
    else covered.push({ start: c.range.start, end: c.range.end });
  }
  covered.sort((x, y) => x.start - y.start);
  const isCovered = (at: number) => {
    let lo = 0;
    let hi = covered.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = covered[mid];
      if (at < r.start) hi = mid - 1;
      else if (at >= r.end) lo = mid + 1;
      else return true;
    }
    return false;
  };
  const out: Assign[] = [];
  const re = /(^|[\s;&|(){}])([A-Za-z_][A-Za-z0-9_]*)(\+?)=/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const start = m.index + m[1].length;
    if (isCovered(start) || inSpans(heredocs, start) || inCommentOrQuote(text, start)) continue;
    const vs = start + m[2].length + m[3].length + 1;
    const ve = text[vs] === '(' ? matchClose(text, vs, '(', ')') : wordEnd(text, vs);
    out.push({ name: m[2], valueStart: vs, valueEnd: ve, append: m[3] === '+', range: { start, end: ve } });
    re.lastIndex = Math.max(ve, re.lastIndex);
  }
  return out;
}

/** Whether `at` is after a `#` comment start or inside quotes on its line (a rough reading). */
function inCommentOrQuote(text: string, at: number): boolean {
  let i = text.lastIndexOf('\n', at - 1) + 1;
  let sq = false;
  let dq = false;
  for (; i < at; i++) {
    const c = text[i];
    if (c === '\\' && !sq) i++;
    else if (c === "'" && !dq) sq = !sq;
    else if (c === '"' && !sq) dq = !dq;
    else if (c === '#' && !sq && !dq && (i === 0 || /[\s;]/.test(text[i - 1]))) return true;
  }
  return sq || dq;
}

/** `for NAME in ITEMS; do ... done` loops (local offsets of the items and body). */
function findLoops(text: string, heredocs: Range[]): Loop[] {
  const out: Loop[] = [];
  const re = /(^|[\s;&|(])for\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b([^;\n]*?)\s*(?:;|\n)\s*do(?=[\s;])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const start = m.index + m[1].length;
    if (inSpans(heredocs, start) || inCommentOrQuote(text, start)) continue;
    const bodyStart = m.index + m[0].length;
    const itemsStart = text.indexOf(m[3], m.index + m[1].length + 3 + m[2].length);
    const bodyEnd = loopEnd(text, bodyStart);
    out.push({ name: m[2], items: m[3], itemsStart, bodyStart, bodyEnd });
  }
  return out;
}

/** Offset of the `done` closing a loop body starting at `from` (nested do/done followed). */
function loopEnd(text: string, from: number): number {
  let depth = 1;
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === "'") {
      const j = text.indexOf("'", i + 1);
      i = j < 0 ? n : j + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const j = text.indexOf('\n', i);
      i = j < 0 ? n : j;
      continue;
    }
    if ((i === 0 || /[\s;&|]/.test(text[i - 1])) && (text.startsWith('do', i) || text.startsWith('done', i))) {
      const isDone = text.startsWith('done', i);
      const len = isDone ? 4 : 2;
      const after = text[i + len];
      if (after === undefined || /[\s;&|)]/.test(after)) {
        depth += isDone ? -1 : 1;
        if (depth === 0) return i;
        i += len;
        continue;
      }
    }
    i++;
  }
  return n;
}

const MAX_ITERATIONS = 32;

const WRAPPERS = new Set(['sudo', 'env', 'time', 'nohup', 'exec', 'command', 'nice', 'timeout', 'stdbuf', 'ionice']);
const SUDO_VALUE = new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '--user', '--group']);

/** Options of the build commands that take a value (docker, buildx, podman, buildah, nerdctl). */
const BUILD_VALUE_OPTS = new Set(
  (
    '-f --file -t --tag -o --output -m --memory -c --cpu-shares --add-host --allow --annotation --attest --build-arg ' +
    '--build-context --builder --cache-from --cache-to --call --cgroup-parent --cpu-period --cpu-quota --cpuset-cpus ' +
    '--cpuset-mems --iidfile --isolation --label --memory-swap --metadata-file --network --no-cache-filter --platform ' +
    '--progress --provenance --sbom --secret --security-opt --shm-size --ssh --target --ulimit --policy ' +
    '--arch --authfile --cap-add --cap-drop --cert-dir --cgroupns --cpp-flag --creds --decryption-key --device --dns ' +
    '--dns-option --dns-search --env --format --from --group-add --hooks-dir --ignorefile --ipc --jobs --layer-label ' +
    '--logfile --manifest --os --os-feature --os-version --pid --retry --retry-delay --runtime --runtime-flag --sign-by ' +
    '--source-date-epoch --timestamp --unsetenv --unsetlabel --userns --userns-gid-map --userns-gid-map-group ' +
    '--userns-uid-map --userns-uid-map-group --uts --variant --volume -v --cache-ttl --build-arg-file --cw --signature-policy'
  ).split(' '),
);
const DOCKER_GLOBAL_VALUE = new Set(['--config', '-c', '--context', '-H', '--host', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
const COMPOSE_GLOBAL_VALUE = new Set(['-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile', '--ansi', '--parallel', '--progress']);
const COMPOSE_SUB_VALUE = new Set([
  '--build-arg', '--builder', '-m', '--memory', '--ssh', '--scale', '-t', '--timeout', '--exit-code-from', '--attach',
  '--no-attach', '--pull', '--wait-timeout', '-e', '--env', '-u', '--user', '-w', '--workdir', '--name', '--entrypoint',
  '-l', '--label', '-v', '--volume', '-p', '--publish', '--progress',
]);
const COMPOSE_BUILDING = new Set(['build', 'up', 'push', 'run', 'create']);
const BAKE_VALUE = new Set([
  '-f', '--file', '--set', '--builder', '--progress', '--metadata-file', '--provenance', '--sbom', '--call', '--allow', '--list',
]);
const PUSH_VALUE = new Set(['--platform', '--authfile', '--cert-dir', '--creds', '--digestfile', '--format', '-f', '--sign-by', '--compression-format', '--retry', '--retry-delay', '--encryption-key']);

class Analyzer {
  constructor(
    private readonly g: ShellGroup,
    private readonly seg: ShellSegment,
  ) {}

  range(start: number, end: number): Range {
    const s = this.seg.toFile(start);
    return { start: s, end: end > start ? this.seg.toFile(end - 1) + 1 : s };
  }

  private wordRange(w: ShellWord): Range {
    return this.range(w.range.start, w.range.end);
  }

  run(events: Event[], from: number, to: number, loops: Loop[], depth: number): void {
    let i = from;
    while (i < to) {
      const ev = events[i];
      const loop = depth < 4 ? loops.find((l) => l.bodyStart <= ev.at && ev.at < l.bodyEnd && !this.active.has(l)) : undefined;
      if (loop !== undefined) {
        let j = i;
        while (j < to && events[j].at < loop.bodyEnd) j++;
        const values = this.loopValues(loop);
        this.active.add(loop);
        if (values === null) this.run(events, i, j, loops, depth + 1);
        else {
          for (const v of values.slice(0, MAX_ITERATIONS)) {
            this.g.env.set(loop.name, envVar(v));
            this.loopVars.set(loop.name, v);
            this.run(events, i, j, loops, depth + 1);
          }
          this.loopVars.delete(loop.name);
        }
        this.active.delete(loop);
        i = j;
        continue;
      }
      if ('cmd' in ev) this.command(ev.cmd);
      else this.assign(ev.assign);
      i++;
    }
  }

  private readonly active = new Set<Loop>();
  private readonly loopVars = new Map<string, string>();

  private loopValues(loop: Loop): string[] | null {
    const out: string[] = [];
    let i = 0;
    const s = loop.items;
    while (i < s.length) {
      while (i < s.length && /\s/.test(s[i])) i++;
      if (i >= s.length) break;
      const e = Math.max(wordEnd(s, i), i + 1);
      const raw = this.seg.original.slice(loop.itemsStart + i, loop.itemsStart + e);
      const x = this.expand(raw);
      if (x.unresolved.length > 0) return null;
      out.push(...x.fields);
      i = e;
    }
    return out;
  }

  private expand(raw: string) {
    const pre = this.seg.pre ? this.seg.pre(raw) : raw;
    const g = this.g;
    return expandShellWord(pre, {
      lookup: (name) => g.env.get(name),
      opaque: g.opaque,
      scriptDir: g.scriptDir,
      cwd: g.cwdUnknown === null && g.cwd.length > 0 ? g.cwd[0] : null,
      root: g.root,
    });
  }

  private rawOf(w: ShellWord): string {
    return this.seg.original.slice(w.range.start, w.range.end);
  }

  private fields(words: ShellWord[]): Field[] {
    const out: Field[] = [];
    for (const w of words) {
      const raw = this.rawOf(w);
      const x = this.expand(raw);
      const opaque = x.unresolved.length > 0 && /^\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[^}]*\}|\(.*\)|\uE000\d+\uE001)$/s.test(raw.trim());
      if (x.fields.length === 0) {
        if (x.unresolved.length > 0) out.push({ text: x.value, word: w, raw, unresolved: x.unresolved, opaque, split: false });
        continue;
      }
      const split = x.fields.length > 1;
      for (const f of x.fields) out.push({ text: f, word: w, raw, unresolved: x.unresolved, opaque, split });
    }
    return out;
  }

  private assign(as: Assign): void {
    const raw = this.seg.original.slice(as.valueStart, as.valueEnd);
    const x = raw.startsWith('(') ? { value: raw, unresolved: [raw] } : this.expand(raw);
    const range = this.range(as.range.start, as.range.end);
    const prev = as.append ? this.g.env.get(as.name) : undefined;
    this.g.env.set(
      as.name,
      envVar((prev?.value ?? '') + x.value, range, [...(prev?.unresolved ?? []), ...x.unresolved], this.g.file),
    );
  }

  private command(cmd: ShellCommand): void {
    const all = this.fields([cmd.name, ...cmd.args]);
    const cmdEnv: Env = new Map();
    for (const as of cmd.assignments) {
      const raw = as.value ? this.rawOf(as.value) : '';
      const x = this.expand(raw);
      cmdEnv.set(as.name, envVar(x.value, this.range(as.range.start, as.range.end), x.unresolved, this.g.file));
    }
    // Unwrap `sudo`, `env`, `time`, ...
    let k = 0;
    for (let guard = 0; guard < 6 && k < all.length; guard++) {
      const base = basename(all[k].text);
      if (!WRAPPERS.has(base)) break;
      k++;
      while (k < all.length) {
        const t = all[k].text;
        if (base === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t)) {
          const eq = t.indexOf('=');
          cmdEnv.set(t.slice(0, eq), envVar(t.slice(eq + 1), this.wordRange(all[k].word), all[k].unresolved, this.g.file));
          k++;
        } else if (t.startsWith('-')) {
          k++;
          if ((base === 'sudo' && SUDO_VALUE.has(t)) || (base === 'env' && (t === '-u' || t === '-C')) || (base === 'nice' && t === '-n')) k++;
        } else if (base === 'timeout' && /^\d/.test(t)) k++;
        else break;
      }
    }
    if (k >= all.length) return;
    const name = all[k];
    const base = basename(name.text);
    const args = all.slice(k + 1);
    switch (base) {
      case 'export':
      case 'declare':
      case 'typeset':
      case 'local':
      case 'readonly':
        this.declare(cmd);
        return;
      case 'unset':
        for (const a of args) this.g.env.delete(a.text);
        return;
      case 'cd':
      case 'pushd':
        this.cd(args);
        return;
      case 'docker':
      case 'podman':
      case 'nerdctl':
        this.container(base, name, args, cmd, cmdEnv);
        return;
      case 'buildah':
        this.buildah(name, args, cmd, cmdEnv);
        return;
      case 'docker-compose':
      case 'podman-compose':
        this.compose(name, name, args, cmd, cmdEnv, base === 'docker-compose');
        return;
    }
  }

  private declare(cmd: ShellCommand): void {
    for (const w of cmd.args) {
      const raw = this.rawOf(w);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/.exec(raw);
      if (m === null) continue;
      const x = this.expand(raw.slice(m[0].length));
      const prev = m[2] === '+' ? this.g.env.get(m[1]) : undefined;
      this.g.env.set(m[1], envVar((prev?.value ?? '') + x.value, this.wordRange(w), [...(prev?.unresolved ?? []), ...x.unresolved], this.g.file));
    }
  }

  private cd(args: Field[]): void {
    const dir = args.find((a) => !a.text.startsWith('-') || a.text === '-');
    if (dir === undefined) {
      this.g.cwd = uniq([process.env.HOME ?? '/root']);
      return;
    }
    if (dir.unresolved.length > 0 || dir.text === '-') {
      this.g.cwdUnknown = `cd ${dir.raw}`;
      return;
    }
    if (isAbsolute(dir.text)) {
      this.g.cwd = [resolve(dir.text)];
      this.g.cwdUnknown = null;
    } else if (this.g.cwdUnknown === null) this.g.cwd = uniq(this.g.cwd.map((b) => resolve(b, dir.text)));
  }

  /** `docker ...`, `podman ...`, `nerdctl ...`. */
  private container(bin: string, name: Field, args: Field[], cmd: ShellCommand, cmdEnv: Env): void {
    let i = 0;
    while (i < args.length && args[i].text.startsWith('-')) {
      const t = args[i].text;
      i += DOCKER_GLOBAL_VALUE.has(t) ? 2 : 1;
    }
    const sub = args[i];
    if (sub === undefined) return;
    let s = sub.text;
    let next = i + 1;
    if ((s === 'image' || s === 'builder') && args[next] !== undefined) {
      const t = args[next].text;
      if (t === 'build' || (s === 'image' && (t === 'push' || t === 'tag'))) {
        s = t;
        next++;
      } else return;
    }
    const nameEnd = args[next - 1].word;
    if (s === 'buildx') {
      // `docker buildx [--builder x] build|b|bake`
      let j = next;
      while (j < args.length && args[j].text.startsWith('-')) j += args[j].text === '--builder' ? 2 : 1;
      const bx = args[j];
      if (bx === undefined) return;
      if (bx.text === 'build' || bx.text === 'b') {
        this.build(bin === 'docker' ? 'docker buildx build' : bin === 'podman' ? 'podman build' : 'nerdctl build', name, bx.word, args.slice(j + 1), cmd, cmdEnv, false);
      } else if (bx.text === 'bake') this.bake(name, bx.word, args.slice(j + 1), cmd);
      return;
    }
    const rest = args.slice(next);
    switch (s) {
      case 'build':
        if (bin === 'docker') this.build('docker build', name, nameEnd, rest, cmd, cmdEnv, true);
        else this.build(bin === 'podman' ? 'podman build' : 'nerdctl build', name, nameEnd, rest, cmd, cmdEnv, false);
        return;
      case 'compose':
        this.compose(name, sub, rest, cmd, cmdEnv, false);
        return;
      case 'push':
        this.push(rest, cmd);
        return;
      case 'tag':
        this.tag(rest);
        return;
    }
  }

  private buildah(name: Field, args: Field[], cmd: ShellCommand, cmdEnv: Env): void {
    let i = 0;
    while (i < args.length && args[i].text.startsWith('-')) i += args[i].text === '--storage-driver' || args[i].text === '--root' || args[i].text === '--runroot' ? 2 : 1;
    const sub = args[i];
    if (sub === undefined) return;
    const rest = args.slice(i + 1);
    if (sub.text === 'bud' || sub.text === 'build' || sub.text === 'build-using-dockerfile') this.build('buildah build', name, sub.word, rest, cmd, cmdEnv, false);
    else if (sub.text === 'push') this.push(rest, cmd);
    else if (sub.text === 'tag') this.tag(rest);
  }

  /** Splits options and positionals; `valueOpts` names options taking the next word. */
  private options(args: Field[], valueOpts: Set<string>): { opts: Opt[]; positionals: Field[] } {
    const opts: Opt[] = [];
    const positionals: Field[] = [];
    let onlyPositional = false;
    for (let i = 0; i < args.length; i++) {
      const f = args[i];
      const t = f.text;
      if (onlyPositional || t.length < 2 || t[0] !== '-' || f.opaque) {
        positionals.push(f);
        continue;
      }
      if (t === '--') {
        onlyPositional = true;
        continue;
      }
      const eq = t.indexOf('=');
      if (eq > 1 && (t[1] === '-' || eq === 2)) {
        // Offsets inside the word are known only when the word is written as `--name=value`.
        const rawEq = !f.split && f.raw.replace(/^["']/, '').startsWith(t.slice(0, eq + 1)) ? f.raw.indexOf('=') : -1;
        const wr = this.wordRange(f.word);
        const key = this.range(f.word.range.start, rawEq >= 0 ? f.word.range.start + rawEq : f.word.range.end);
        const vr = rawEq >= 0 ? this.range(f.word.range.start + rawEq + 1, f.word.range.end) : wr;
        opts.push({ name: t.slice(0, eq), value: t.slice(eq + 1), valueRaw: rawEq >= 0 ? f.raw.slice(rawEq + 1) : f.split ? t.slice(eq + 1) : f.raw, valueRange: vr, keyRange: key, unresolved: f.unresolved, field: f });
        continue;
      }
      if (t[1] !== '-' && t.length > 2 && valueOpts.has(t.slice(0, 2))) {
        // `-tname`
        const wr = this.wordRange(f.word);
        const exact = !f.split && f.raw.startsWith(t.slice(0, 2));
        opts.push({
          name: t.slice(0, 2),
          value: t.slice(2),
          valueRaw: exact ? f.raw.slice(2) : t.slice(2),
          valueRange: exact ? { start: wr.start + 2, end: wr.end } : wr,
          keyRange: exact ? { start: wr.start, end: wr.start + 2 } : wr,
          unresolved: f.unresolved,
          field: f,
        });
        continue;
      }
      if (valueOpts.has(t)) {
        const v = args[i + 1];
        if (v === undefined) {
          opts.push({ name: t, value: null, valueRaw: '', valueRange: this.wordRange(f.word), keyRange: this.wordRange(f.word), unresolved: [], field: f });
        } else {
          opts.push({ name: t, value: v.text, valueRaw: v.split ? v.text : v.raw, valueRange: this.wordRange(v.word), keyRange: this.wordRange(f.word), unresolved: v.unresolved, field: v });
          i++;
        }
        continue;
      }
      opts.push({ name: t, value: null, valueRaw: '', valueRange: this.wordRange(f.word), keyRange: this.wordRange(f.word), unresolved: [], field: f });
    }
    return { opts, positionals };
  }

  private setting(o: Opt): Setting {
    return { raw: o.valueRaw, value: o.value ?? '', range: o.valueRange, keyRange: o.keyRange, unresolved: uniq(o.unresolved) };
  }

  private legacyFor(cmdEnv: Env, composeV1: Field | null, fallback: Range): LegacySignal[] {
    const out: LegacySignal[] = [];
    const get = (n: string): EnvVar | undefined => cmdEnv.get(n) ?? this.g.env.get(n);
    const off = (v: EnvVar | undefined): v is EnvVar => v !== undefined && v.unresolved.length === 0 && /^(?:0|false)$/i.test(v.value.trim());
    const on = (v: EnvVar | undefined) => v !== undefined && v.unresolved.length === 0 && /^(?:1|true)$/i.test(v.value.trim());
    const bk = get('DOCKER_BUILDKIT');
    if (off(bk)) out.push({ via: 'DOCKER_BUILDKIT=0', file: bk.file ?? this.g.file, range: bk.range ?? fallback });
    if (composeV1 !== null) {
      const cli = get('COMPOSE_DOCKER_CLI_BUILD');
      if (off(cli)) out.push({ via: 'COMPOSE_DOCKER_CLI_BUILD=0', file: cli.file ?? this.g.file, range: cli.range ?? fallback });
      else if (!(on(cli) && on(bk))) out.push({ via: 'docker-compose', file: this.g.file, range: this.wordRange(composeV1.word) });
    }
    return out;
  }

  private build(tool: BuildTool, name: Field, lastNameWord: ShellWord, args: Field[], cmd: ShellCommand, cmdEnv: Env, honoursBuildkitEnv: boolean): void {
    const g = this.g;
    const { opts, positionals } = this.options(args, BUILD_VALUE_OPTS);
    const unresolved: Unresolved[] = [];
    const note = (s: Setting, setting: string) => {
      for (const u of s.unresolved) unresolved.push({ text: u, range: s.range, setting });
    };
    let file: Setting | null = null;
    let target: Setting | null = null;
    const cacheFrom: CacheEntry[] = [];
    const cacheTo: CacheEntry[] = [];
    const buildArgs: BuildArg[] = [];
    const tags: Setting[] = [];
    const push: PushSignal[] = [];
    let noCache: Range | null = null;
    for (const o of opts) {
      switch (o.name) {
        case '-f':
        case '--file':
          file = this.setting(o);
          note(file, 'file');
          break;
        case '--target':
          target = this.setting(o);
          note(target, 'target');
          break;
        case '--cache-from':
        case '--cache-to': {
          const s = this.setting(o);
          note(s, o.name.slice(2));
          (o.name === '--cache-from' ? cacheFrom : cacheTo).push({ ...s, spec: parseCacheSpec(s.value) });
          break;
        }
        case '--build-arg': {
          const a = this.buildArg(o);
          if (a.value) note(a.value, 'build-arg');
          buildArgs.push(a);
          break;
        }
        case '-t':
        case '--tag': {
          const s = this.setting(o);
          note(s, 'tag');
          tags.push(s);
          break;
        }
        case '--push':
          push.push({ via: 'flag', value: true, file: g.file, range: o.keyRange });
          break;
        case '-o':
        case '--output': {
          const v = o.value ?? '';
          if (/(?:^|,)type=registry(?:,|$)/.test(v) || (/(?:^|,)type=image(?:,|$)/.test(v) && /(?:^|,)push=true(?:,|$)/.test(v))) {
            push.push({ via: 'output', value: true, file: g.file, range: o.valueRange });
          }
          break;
        }
        case '--no-cache':
          if (o.value === null || o.value === 'true') noCache = o.keyRange;
          break;
      }
    }
    // The context is the last positional; words that may hide options are noted.
    const ctxField = positionals.length > 0 ? positionals[positionals.length - 1] : null;
    for (const p of positionals) {
      if (p !== ctxField && p.opaque) unresolved.push({ text: p.raw, range: this.wordRange(p.word), setting: 'args' });
    }
    const nameRange = this.range(name.word.range.start, lastNameWord.range.end);
    const range = this.range(cmd.range.start, cmd.range.end);
    const bases = this.bases(unresolved, nameRange);
    const ctxSet: Setting | null =
      ctxField === null
        ? null
        : { raw: ctxField.raw, value: ctxField.text, range: this.wordRange(ctxField.word), keyRange: null, unresolved: uniq(ctxField.unresolved) };
    if (ctxSet) note(ctxSet, 'context');
    const context = contextSetting(ctxSet, bases, nameRange);
    let dockerfile: PathSetting;
    if (file !== null && (tool === 'podman build' || tool === 'buildah build') && !context.remote) {
      // podman/buildah look for a relative -f in the context folder when it is not in the working directory.
      dockerfile = dockerfileSetting(file, context, bases, nameRange);
      if (!dockerfile.remote && !isAbsolute(file.value) && file.unresolved.length === 0) {
        dockerfile.candidates = uniq([...dockerfile.candidates, ...resolveAgainst(file.value, context.candidates, false)]);
      }
    } else dockerfile = dockerfileSetting(file, context, bases, nameRange);
    const legacy = honoursBuildkitEnv ? this.legacyFor(cmdEnv, null, range) : [];
    const inv: BuildInvocation = {
      kind: g.kind,
      tool,
      file: g.file,
      range,
      nameRange,
      name: this.seg.original.slice(name.word.range.start, lastNameWord.range.end).replace(/\s+/g, ' '),
      details: this.loopVars.size > 0 ? { ...this.seg.details, loop: Object.fromEntries(this.loopVars) } : { ...this.seg.details },
      context,
      dockerfile,
      target,
      cacheFrom,
      cacheTo,
      buildArgs,
      tags,
      push,
      legacy,
      noCache,
      unresolved: unresolved.sort((a, b) => a.range.start - b.range.start),
      runs: [],
    };
    g.invocations.push(inv);
  }

  /** The working-directory candidates; notes an unknown one (at `at`, the command). */
  private bases(unresolved: Unresolved[], at: Range): string[] {
    if (this.g.cwdUnknown !== null) {
      unresolved.push({ text: this.g.cwdUnknown, range: at, setting: 'cwd' });
      return [];
    }
    return this.g.cwd;
  }

  private buildArg(o: Opt): BuildArg {
    const v = o.value ?? '';
    const eq = v.indexOf('=');
    const whole = o.valueRange;
    const name = eq < 0 ? v : v.slice(0, eq);
    // Offsets inside the word are known only when it is written `NAME=...` (or `"NAME=..."`).
    const q = /^["']/.test(o.valueRaw) ? 1 : 0;
    const exact = !o.field.split && o.valueRaw.slice(q).startsWith(eq < 0 ? name : `${name}=`);
    const nameRange = exact ? { start: whole.start + q, end: whole.start + q + name.length } : whole;
    if (eq < 0) return { name, nameRange, value: null, range: whole };
    const rawEq = q + name.length;
    const valueRange = exact ? { start: whole.start + rawEq + 1, end: whole.end } : whole;
    return {
      name,
      nameRange,
      value: { raw: exact ? o.valueRaw.slice(rawEq + 1) : v.slice(eq + 1), value: v.slice(eq + 1), range: valueRange, keyRange: o.keyRange, unresolved: uniq(o.unresolved) },
      range: whole,
    };
  }

  private push(args: Field[], cmd: ShellCommand): void {
    const { opts, positionals } = this.options(args, PUSH_VALUE);
    const ref = positionals[0];
    if (ref === undefined) return;
    const allTags = opts.some((o) => o.name === '-a' || o.name === '--all-tags');
    const signal: PushSignal = { via: 'push-command', value: true, file: this.g.file, range: this.range(cmd.range.start, cmd.range.end), ref: ref.text };
    const g = this.g;
    if (g.deferred) g.deferred.pushes.push(() => recordPush(g.invocations, ref.text, allTags, signal));
    else recordPush(g.invocations, ref.text, allTags, signal);
  }

  private tag(args: Field[]): void {
    const pos = args.filter((a) => !a.text.startsWith('-'));
    if (pos.length < 2) return;
    const src = normalizeRef(pos[0].text);
    const g = this.g;
    for (const dst of pos.slice(1)) {
      const s: Setting = { raw: dst.raw, value: dst.text, range: this.wordRange(dst.word), keyRange: null, unresolved: uniq(dst.unresolved) };
      if (g.deferred) g.deferred.tags.push(() => addTag(g.invocations, src, s));
      else addTag(g.invocations, src, s);
    }
  }

  /** `docker compose ...` / `docker-compose ...`: a run of compose services. */
  private compose(bin: Field, nameEnd: Field, args: Field[], cmd: ShellCommand, cmdEnv: Env, v1: boolean): void {
    const files: Setting[] = [];
    let projectDir: Setting | null = null;
    let i = 0;
    while (i < args.length && args[i].text.startsWith('-')) {
      const t = args[i].text;
      const eq = t.indexOf('=');
      const nm = eq > 0 ? t.slice(0, eq) : t;
      let value: Field | null = null;
      let vtext = '';
      if (eq > 0) {
        value = args[i];
        vtext = t.slice(eq + 1);
        i++;
      } else if (COMPOSE_GLOBAL_VALUE.has(t)) {
        value = args[i + 1] ?? null;
        vtext = value?.text ?? '';
        i += 2;
      } else i++;
      if (value === null) continue;
      const s: Setting = { raw: value.raw, value: vtext, range: this.wordRange(value.word), keyRange: null, unresolved: uniq(value.unresolved) };
      if (nm === '-f' || nm === '--file') files.push(s);
      else if (nm === '--project-directory') projectDir = s;
    }
    const sub = args[i];
    if (sub === undefined || !COMPOSE_BUILDING.has(sub.text)) return;
    const { opts, positionals } = this.options(args.slice(i + 1), COMPOSE_SUB_VALUE);
    const push: PushSignal[] = [];
    const range = this.range(cmd.range.start, cmd.range.end);
    if (sub.text === 'push') push.push({ via: 'run', value: true, file: this.g.file, range });
    for (const o of opts) if (o.name === '--push') push.push({ via: 'run', value: true, file: this.g.file, range: o.keyRange });
    const unresolved: Unresolved[] = [];
    let cwd = this.bases(unresolved, range);
    if (projectDir !== null) cwd = resolveAgainst(projectDir.value, cwd, projectDir.unresolved.length > 0);
    const run: BuildRun = {
      tool: 'compose',
      file: this.g.file,
      range,
      nameRange: this.range(bin.word.range.start, nameEnd.word.range.end),
      files: files.map((f) => {
        const c = resolveAgainst(f.value, this.bases([], range), f.unresolved.length > 0);
        return { ...f, path: c[0] ?? null, candidates: c, defaulted: false };
      }),
      cwd,
      targets: positionals.map((p) => ({ raw: p.raw, value: p.text, range: this.wordRange(p.word), keyRange: null, unresolved: uniq(p.unresolved) })),
      push,
      legacy: this.legacyFor(cmdEnv, v1 ? bin : null, range),
      overrides: [],
      command: sub.text,
    };
    this.g.runs.push(run);
  }

  /** `docker buildx bake ...`: a run of bake targets. */
  private bake(bin: Field, nameEnd: ShellWord, args: Field[], cmd: ShellCommand): void {
    const { opts, positionals } = this.options(args, BAKE_VALUE);
    const range = this.range(cmd.range.start, cmd.range.end);
    const files: PathSetting[] = [];
    const push: PushSignal[] = [];
    const overrides: BakeOverride[] = [];
    const bases = this.bases([], range);
    for (const o of opts) {
      if ((o.name === '-f' || o.name === '--file') && o.value !== null) {
        const s = this.setting(o);
        const c = resolveAgainst(s.value, bases, s.unresolved.length > 0);
        files.push({ ...s, path: c[0] ?? null, candidates: c, defaulted: false });
      } else if (o.name === '--push') push.push({ via: 'run', value: true, file: this.g.file, range: o.keyRange });
      else if (o.name === '--set' && o.value !== null) {
        const ov = parseOverride(this.setting(o), this.g.file);
        if (ov) overrides.push(ov);
      }
    }
    this.g.runs.push({
      tool: 'bake',
      file: this.g.file,
      range,
      nameRange: this.range(bin.word.range.start, nameEnd.range.end),
      files,
      cwd: bases,
      targets: positionals.map((p) => ({ raw: p.raw, value: p.text, range: this.wordRange(p.word), keyRange: null, unresolved: uniq(p.unresolved) })),
      push,
      legacy: [],
      overrides,
      command: 'bake',
    });
  }
}

interface Opt {
  name: string;
  value: string | null;
  valueRaw: string;
  valueRange: Range;
  keyRange: Range;
  unresolved: string[];
  field: Field;
}

/** `pattern.key=value` of `--set` / bake-action `set:`. */
export function parseOverride(s: Setting, file: InvocationFile): BakeOverride | null {
  const eq = s.value.indexOf('=');
  if (eq < 0) return null;
  const lhs = s.value.slice(0, eq);
  const dot = lhs.indexOf('.');
  if (dot < 0) return null;
  const rawEq = s.raw.indexOf('=');
  const q = /^["']/.test(s.raw) ? 1 : 0;
  // A quoted word (`'*.cache-to=type=gha'`): the value ends before the closing quote.
  const end = q === 1 && s.raw.length > 1 && s.raw.endsWith(s.raw[0]) ? s.range.end - 1 : s.range.end;
  const valueRange = rawEq >= 0 ? { start: Math.min(s.range.start + rawEq + 1, end), end } : s.range;
  return {
    pattern: lhs.slice(0, dot),
    key: lhs.slice(dot + 1),
    value: {
      raw: rawEq >= 0 ? s.raw.slice(rawEq + 1) : s.raw,
      value: s.value.slice(eq + 1),
      range: valueRange,
      keyRange: { start: s.range.start + q, end: Math.min(s.range.start + q + lhs.length, s.range.end) },
      unresolved: s.unresolved,
      file,
    },
  };
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}
