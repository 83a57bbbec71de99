import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { initShell, type BuildsInfo } from '@stowage/core';
import ignore, { type Ignore } from 'ignore';
import { parseCacheSpec } from './cache.js';
import type { Env } from './expand.js';
import { initHcl } from './hcl.js';
import type { BuildInvocation, BuildRun, ParseResult, PathSetting, Problem, PushSignal, SourceKind } from './model.js';
import { invocationFile } from './file.js';
import { parseBakeFiles } from './sources/bake.js';
import { parseCompose, readDotEnv } from './sources/compose.js';
import { parseGithubWorkflow } from './sources/github.js';
import { parseGitlabCi } from './sources/gitlab.js';
import { parseMakefile } from './sources/makefile.js';
import { parseShellScript } from './sources/shell.js';

export interface InvocationFileRef {
  /** Absolute path. */
  path: string;
  source: SourceKind;
}

export interface FindOptions {
  /** gitignore-style patterns (relative to the root) of paths to skip, on top of `node_modules/` and `.git/`. */
  ignore?: string[];
  /** Follow `.gitignore` files (default true). */
  gitignore?: boolean;
  /** Stop after this many directory entries (default 200 000): a guard for huge trees. */
  maxEntries?: number;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

/** The kind of invocation file a path is, by its name (and `.github/workflows/` for workflows), or null. */
export function classifyFile(path: string): SourceKind | null {
  const name = basename(path);
  const lower = name.toLowerCase();
  if (/^(?:docker-compose[\w.-]*|compose(?:\.[\w.-]+)?)\.ya?ml$/.test(lower)) return 'compose';
  if (/\.ya?ml$/.test(lower) && dirname(path).endsWith(`${sep}.github${sep}workflows`)) return 'github-actions';
  if (lower === '.gitlab-ci.yml' || lower === '.gitlab-ci.yaml' || lower.endsWith('.gitlab-ci.yml')) return 'gitlab-ci';
  if (name === 'Makefile' || name === 'makefile' || name === 'GNUmakefile' || lower.endsWith('.mk')) return 'makefile';
  if (/^docker-bake(?:\.[\w-]+)*\.(?:hcl|json)$/.test(lower)) return 'bake';
  if (lower.endsWith('.sh') || lower.endsWith('.bash')) return 'shell';
  return null;
}

/**
 * Files under `root` that may build images: compose files, shell scripts (`*.sh`, `*.bash`),
 * Makefiles (`Makefile`, `*.mk`), GitHub workflows, GitLab CI files, bake files. Skips
 * `node_modules`, `.git` and what `.gitignore` files (at any level) and `ignore` exclude. Sorted by path.
 */
export function findInvocationFiles(root: string, options: FindOptions = {}): InvocationFileRef[] {
  const top = resolve(root);
  const out: InvocationFileRef[] = [];
  const extra = options.ignore && options.ignore.length > 0 ? ignore().add(options.ignore) : null;
  const useGitignore = options.gitignore !== false;
  let budget = options.maxEntries ?? 200_000;
  const walk = (dir: string, rules: Array<{ base: string; ig: Ignore }>) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    budget -= entries.length;
    if (budget < 0) return;
    let here = rules;
    if (useGitignore && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        here = [...rules, { base: dir, ig: ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8')) }];
      } catch {
        // unreadable: ignore
      }
    }
    const ignored = (full: string, isDir: boolean) => {
      const rel = relative(top, full).split(sep).join('/');
      if (extra !== null && extra.ignores(isDir ? `${rel}/` : rel)) return true;
      for (const r of here) {
        const p = relative(r.base, full).split(sep).join('/');
        if (p !== '' && r.ig.ignores(isDir ? `${p}/` : p)) return true;
      }
      return false;
    };
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || ignored(full, true)) continue;
        walk(full, here);
      } else if (e.isFile()) {
        const kind = classifyFile(full);
        if (kind !== null && !ignored(full, false)) out.push({ path: full, source: kind });
      }
    }
  };
  walk(top, []);
  return out;
}

export interface LoadOptions extends FindOptions {
  /** Variables known to every file (compose interpolation, bake variables, scripts). */
  env?: Env;
  /** The files to read instead of searching `root` (e.g. shebang scripts the caller found). */
  files?: InvocationFileRef[];
  /** Skip files larger than this (default 2 MiB). */
  maxBytes?: number;
}

export interface LoadResult {
  invocations: BuildInvocation[];
  runs: BuildRun[];
  problems: Problem[];
  /** One per file read. */
  results: ParseResult[];
}

const BAKE_DEFAULT_ORDER = ['docker-bake.json', 'docker-bake.override.json', 'docker-bake.hcl', 'docker-bake.override.hcl'];

/**
 * Finds and reads the invocation files of a repository; links compose / bake runs (shell
 * `docker compose ...`, `docker buildx bake ...`, `docker/bake-action`) to the services and targets
 * they build; settles each relative path on the candidate that exists on disk. Loads the shell
 * parser when needed and the HCL grammar only when a `.hcl` bake file exists.
 */
export async function loadInvocations(root: string, options: LoadOptions = {}): Promise<LoadResult> {
  const top = resolve(root);
  const refs = options.files ?? findInvocationFiles(top, options);
  const needsShell = refs.some((r) => r.source !== 'compose' && r.source !== 'bake');
  const needsHcl = refs.some((r) => r.source === 'bake' && !r.path.toLowerCase().endsWith('.json'));
  await Promise.all([needsShell ? initShell() : null, needsHcl ? initHcl() : null]);
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const results: ParseResult[] = [];
  const problems: Problem[] = [];
  const bakeSets = new Map<string, Array<{ path: string; text: string }>>();
  const env = options.env;
  for (const ref of refs) {
    let text: string;
    try {
      if (statSync(ref.path).size > maxBytes) {
        problems.push({ file: invocationFile(ref.path, ref.source, ''), range: { start: 0, end: 0 }, message: `Skipped: larger than ${maxBytes} bytes.`, severity: 'warning' });
        continue;
      }
      text = readFileSync(ref.path, 'utf8');
    } catch (e) {
      problems.push({ file: invocationFile(ref.path, ref.source, ''), range: { start: 0, end: 0 }, message: `Cannot read the file: ${(e as Error).message}`, severity: 'error' });
      continue;
    }
    switch (ref.source) {
      case 'compose': {
        const composeEnv: Env = new Map(env ?? []);
        try {
          readDotEnv(readFileSync(join(dirname(ref.path), '.env'), 'utf8'), composeEnv);
        } catch {
          // no .env
        }
        results.push(parseCompose(text, ref.path, { env: composeEnv }));
        break;
      }
      case 'shell':
        results.push(parseShellScript(text, ref.path, { root: top, env }));
        break;
      case 'makefile':
        results.push(parseMakefile(text, ref.path, { root: top, env }));
        break;
      case 'github-actions':
        results.push(parseGithubWorkflow(text, ref.path));
        break;
      case 'gitlab-ci':
        results.push(parseGitlabCi(text, ref.path, { root: top }));
        break;
      case 'bake': {
        const name = basename(ref.path).toLowerCase();
        const key = BAKE_DEFAULT_ORDER.includes(name) ? dirname(ref.path) : ref.path;
        let set = bakeSets.get(key);
        if (set === undefined) bakeSets.set(key, (set = []));
        set.push({ path: ref.path, text });
        break;
      }
    }
  }
  for (const set of bakeSets.values()) {
    set.sort((a, b) => BAKE_DEFAULT_ORDER.indexOf(basename(a.path).toLowerCase()) - BAKE_DEFAULT_ORDER.indexOf(basename(b.path).toLowerCase()));
    results.push(...parseBakeFiles(set, { env }));
  }
  const invocations = results.flatMap((r) => r.invocations);
  const runs = results.flatMap((r) => r.runs);
  for (const inv of invocations) settle(inv);
  linkRuns(invocations, runs);
  problems.push(...results.flatMap((r) => r.problems));
  return { invocations, runs, problems, results };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Picks the dockerfile candidate that exists (and the context candidate of the same working directory). */
function settle(inv: BuildInvocation): void {
  const df = inv.dockerfile;
  const ctx = inv.context;
  if (df.candidates.length > 1) {
    const i = df.candidates.findIndex(isFile);
    if (i >= 0) {
      df.path = df.candidates[i];
      df.candidates = [df.path];
      // Candidates come from the same list of working directories: keep the context of that one.
      const c = ctx.candidates.length > 1 ? ctx.candidates[i] : undefined;
      if (c !== undefined && isDir(c)) {
        ctx.path = c;
        ctx.candidates = [c];
      }
    }
  }
  if (ctx.candidates.length > 1) {
    const c = ctx.candidates.find(isDir);
    if (c !== undefined) ctx.path = c;
  }
}

function settlePaths(p: PathSetting): string[] {
  return p.candidates.length > 0 ? p.candidates : p.path !== null ? [p.path] : [];
}

const COMPOSE_DEFAULTS = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml', 'compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

function globMatch(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === name;
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(name);
}

/**
 * Links compose / bake runs to the invocations they build: the run is added to `runs`, its push and
 * legacy-builder signals to the invocation's, and (for bake targets) `--set` overrides of
 * `cache-from`, `cache-to`, `tags`, `target`, `output`, `push`, `no-cache` and `args.NAME` are
 * applied (their settings carry the run's file).
 */
export function linkRuns(invocations: BuildInvocation[], runs: BuildRun[]): void {
  for (const run of runs) {
    const files = new Set<string>();
    if (run.files.length > 0) for (const f of run.files) for (const p of settlePaths(f)) files.add(p);
    else {
      const names = run.tool === 'compose' ? COMPOSE_DEFAULTS : [...BAKE_DEFAULT_ORDER, ...COMPOSE_DEFAULTS];
      for (const d of run.cwd) for (const n of names) files.add(join(d, n));
    }
    const wanted = run.targets.map((t) => t.value);
    const services = run.tool === 'compose' && run.command === 'run' ? wanted.slice(0, 1) : wanted;
    for (const inv of invocations) {
      if (!files.has(inv.file.path)) continue;
      if (run.tool === 'compose') {
        if (inv.kind !== 'compose-service') continue;
        if (services.length > 0 && !services.includes(inv.name)) continue;
      } else {
        if (inv.kind !== 'bake-target' && inv.kind !== 'compose-service') continue;
        const groups = inv.details.bakeGroups ?? [];
        const names = wanted.length > 0 ? wanted : ['default'];
        if (!names.includes(inv.name) && !groups.some((g) => names.includes(g))) continue;
      }
      if (inv.runs.includes(run)) continue;
      inv.runs.push(run);
      inv.push.push(...run.push);
      inv.legacy.push(...run.legacy);
      if (inv.kind === 'bake-target') applyOverrides(inv, run);
    }
  }
}

function applyOverrides(inv: BuildInvocation, run: BuildRun): void {
  const replaced = new Set<string>();
  for (const o of run.overrides) {
    if (!globMatch(o.pattern, inv.name)) continue;
    const v = o.value;
    const first = !replaced.has(o.key);
    replaced.add(o.key);
    switch (o.key) {
      case 'cache-from':
      case 'cache-to': {
        const list = o.key === 'cache-from' ? inv.cacheFrom : inv.cacheTo;
        if (first) list.length = 0;
        list.push({ ...v, spec: parseCacheSpec(v.value) });
        break;
      }
      case 'tags':
        if (first) inv.tags.length = 0;
        inv.tags.push(v);
        break;
      case 'target':
        inv.target = v;
        break;
      case 'push':
        if (/^true$/i.test(v.value)) inv.push.push({ via: 'run', value: true, file: run.file, range: v.range } satisfies PushSignal);
        break;
      case 'output':
        if (/(?:^|,)type=registry(?:,|$)/.test(v.value) || /push=true/.test(v.value)) inv.push.push({ via: 'output', value: true, file: run.file, range: v.range });
        break;
      case 'no-cache':
        if (/^true$/i.test(v.value)) inv.noCache = v.range;
        break;
      default:
        if (o.key.startsWith('args.')) {
          const name = o.key.slice(5);
          inv.buildArgs = inv.buildArgs.filter((a) => a.name !== name);
          inv.buildArgs.push({ name, nameRange: v.keyRange ?? v.range, value: v, range: v.range, file: run.file });
        }
    }
  }
}


/** The invocations that build the Dockerfile at `dockerfilePath`. */
export function invocationsFor(dockerfilePath: string, invocations: BuildInvocation[]): BuildInvocation[] {
  const p = resolve(dockerfilePath);
  return invocations.filter((inv) => inv.dockerfile.path === p || inv.dockerfile.candidates.includes(p));
}

/** What the core's rules see of a Dockerfile's builds (`RuleContext.builds`). */
export function buildsInfoFor(dockerfilePath: string, invocations: BuildInvocation[]): BuildsInfo {
  const found = invocationsFor(dockerfilePath, invocations);
  const targets = new Set<string>();
  for (const inv of found) if (inv.target !== null && inv.target.unresolved.length === 0) targets.add(inv.target.value.toLowerCase());
  return { invocations: found.length, targets };
}
