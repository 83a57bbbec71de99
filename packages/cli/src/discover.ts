import { existsSync, readdirSync, readFileSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import type { InvocationFileRef } from '@stowage/builds';
import { DEFAULT_INCLUDE, type ConfigLoader, type ResolvedConfig } from '@stowage/core';
import type { Ignore } from 'ignore';
import picomatch from 'picomatch';
import { configFor, type ConfigSettings } from './config.js';
import { UsageError } from './errors.js';
import type { Target } from './lint-file.js';

export interface Discovery {
  targets: Target[];
  /** `-` was given. */
  stdin: boolean;
  /** With `builds`: each directory walked (outermost only) and the invocation files found under it. */
  buildRoots: BuildRoot[];
}

/** A directory given on the command line, with the build invocation files found in the same walk. */
export interface BuildRoot {
  dir: string;
  files: InvocationFileRef[];
}

export interface DiscoverContext {
  loader: ConfigLoader;
  settings: ConfigSettings;
  /** Also collect build invocation files (compose, scripts, CI, bake) under directories. */
  builds?: boolean;
}

const SKIP_DIRS = new Set(['node_modules', '.git']);
const DOCKERFILE_NAME = /dockerfile|containerfile/i;
// Names that mention Dockerfiles but are not one: ignore files, docs and code, editor and fix leftovers.
const NOT_DOCKERFILE =
  /(\.(dockerignore|containerignore|md|markdown|txt|json|ya?ml|toml|[cm]?[jt]sx?|go|py|rb|rs|java|sh|ps1|swp|bak|orig|rej)|~|\.stowage-tmp-\d+)$/i;
const GLOB_CHARS = /[*?[\]{}]/;

/** Whether a file found in a directory walk is a Dockerfile by its name alone. */
export function isDockerfileName(name: string): boolean {
  return DOCKERFILE_NAME.test(name) && !NOT_DOCKERFILE.test(name);
}

/** Expands paths (files, directories, globs, `-`) to the files to lint, sorted by displayed path. */
export async function discover(paths: string[], ctx: DiscoverContext): Promise<Discovery> {
  const cwd = ctx.settings.cwd;
  const found = new Map<string, Target>();
  // Paths here are absolute and normalised, so on POSIX displayPath's answer is the rest of a path
  // inside cwd, else the path itself: no path.relative for each of thousands of files.
  const inCwd = childPath(cwd, '');
  const add = (abs: string) => {
    if (found.has(abs)) return;
    const display = abs.startsWith(inCwd) && abs.length > inCwd.length ? abs.slice(inCwd.length) : path.sep === '/' ? abs : displayPath(cwd, abs);
    found.set(abs, { path: abs, display });
  };
  const selector = new Selector(ctx);
  let stdin = false;
  const roots: BuildRoot[] = [];

  for (const arg of paths.length > 0 ? paths : ['.']) {
    if (arg === '-') {
      stdin = true;
      continue;
    }
    const abs = path.resolve(cwd, arg);
    const stats = statOrUndefined(abs);
    if (stats?.isDirectory()) {
      // Invocation files come from the same walk: a second one would double the cost on big trees.
      const root: BuildRoot | null = ctx.builds ? { dir: abs, files: [] } : null;
      for (const file of await walk(abs, selector, root)) add(file);
      if (root) roots.push(root);
    } else if (stats) {
      add(abs);
    } else if (GLOB_CHARS.test(arg)) {
      const { glob } = await import('tinyglobby');
      const matches = await glob(arg, { cwd, absolute: true, onlyFiles: true, expandDirectories: false, ignore: ['**/node_modules/**', '**/.git/**'] });
      if (matches.length === 0) throw new UsageError(`no files match '${arg}'.`);
      for (const file of matches) if (!selector.excluded(path.resolve(file))) add(path.resolve(file));
    } else {
      throw new UsageError(`no such file or directory: '${arg}'.`);
    }
  }
  const targets = [...found.values()].sort((a, b) => (a.display < b.display ? -1 : a.display > b.display ? 1 : 0));
  return { targets, stdin, buildRoots: outermost(roots) };
}

/** Drops directories inside another one given (`stowage . sub`): the outer walk found their files. */
function outermost(roots: BuildRoot[]): BuildRoot[] {
  const inside = (a: string, b: string) => a !== b && !path.relative(b, a).startsWith('..') && !path.isAbsolute(path.relative(b, a));
  const kept: BuildRoot[] = [];
  for (const r of roots) {
    if (roots.some((o) => inside(r.dir, o.dir)) || kept.some((k) => k.dir === r.dir)) continue;
    kept.push(r);
  }
  return kept;
}

/** Relative to the working directory when inside it, else absolute. */
export function displayPath(cwd: string, abs: string): string {
  const rel = path.relative(cwd, abs);
  return rel === '' || rel.split(path.sep)[0] === '..' || path.isAbsolute(rel) ? abs : rel;
}

interface Matchers {
  base: string;
  include: ((p: string) => boolean) | null;
  exclude: ((p: string) => boolean) | null;
}

/** Applies the config's include/exclude globs (relative to the config file's directory). */
class Selector {
  private readonly matchers = new WeakMap<ResolvedConfig, Matchers>();
  /**
   * By directory: include and exclude come from the config file (and what it extends), never
   * from a path's overrides, and every file of a directory finds the same config file.
   */
  private readonly byDir = new Map<string, Matchers>();

  constructor(private readonly ctx: DiscoverContext) {}

  /** A file found in a directory: a Dockerfile by name (or by `include`), and not excluded. */
  selected(abs: string, m = this.matchersFor(abs)): boolean {
    if (!m.include && !m.exclude) return isDockerfileName(path.basename(abs));
    const rel = toPosix(path.relative(m.base, abs));
    const included = m.include ? m.include(rel) : isDockerfileName(path.basename(abs));
    return included && !(m.exclude?.(rel) ?? false);
  }

  excluded(abs: string, m = this.matchersFor(abs)): boolean {
    return m.exclude?.(toPosix(path.relative(m.base, abs))) ?? false;
  }

  /** The matchers for the files directly in `dir`. */
  forDir(dir: string): Matchers {
    let m = this.byDir.get(dir);
    if (!m) {
      m = this.matchersFor(path.join(dir, 'Dockerfile'));
      this.byDir.set(dir, m);
    }
    return m;
  }

  private matchersFor(abs: string): Matchers {
    const config = configFor(this.ctx.loader, abs, this.ctx.settings);
    let m = this.matchers.get(config);
    if (!m) {
      m = {
        base: config.filePath ? path.dirname(config.filePath) : this.ctx.settings.cwd,
        // Without an `include` of its own, the config selects by the (case-insensitive) name test.
        include: config.include === DEFAULT_INCLUDE ? null : picomatch(config.include, { dot: true }),
        exclude: config.exclude.length > 0 ? picomatch(config.exclude, { dot: true }) : null,
      };
      this.matchers.set(config, m);
    }
    return m;
  }
}

interface GitIgnore {
  dir: string;
  rules: Ignore;
}

/**
 * Dockerfiles under a directory, skipping node_modules, .git and what .gitignore files ignore.
 * With `builds`, also collects the build invocation files there (config `exclude` applies to them too).
 */
async function walk(root: string, selector: Selector, builds: BuildRoot | null): Promise<string[]> {
  const { default: ignore } = await import('ignore');
  const load = (dir: string): GitIgnore | null => {
    const file = path.join(dir, '.gitignore');
    try {
      return { dir, rules: ignore().add(readFileSync(file, 'utf8')) };
    } catch {
      return null;
    }
  };
  const ignored = (abs: string, isDir: boolean, stack: GitIgnore[]): boolean => {
    if (stack.length === 0) return false;
    let result = false;
    // The deepest .gitignore with an opinion wins, as in git.
    for (const gi of stack) {
      const rel = toPosix(path.relative(gi.dir, abs)) + (isDir ? '/' : '');
      const t = gi.rules.test(rel);
      if (t.ignored) result = true;
      else if (t.unignored) result = false;
    }
    return result;
  };

  // Imported on demand: only directory walks classify build files.
  const classifyFile = builds ? (await import('@stowage/builds')).classifyFile : null;
  const out: string[] = [];
  const visit = (dir: string, stack: GitIgnore[]) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // an unreadable directory is skipped, as git would
    }
    const own = entries.some((e) => e.name === '.gitignore') ? load(dir) : null;
    if (own) stack = [...stack, own];
    // Looked up at the first file: a directory of directories needs no config of its own.
    let matchers: Matchers | undefined;
    for (const entry of entries) {
      const abs = childPath(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        // Linked files count; linked directories are not followed (no cycles).
        isFile = statOrUndefined(abs)?.isFile() ?? false;
        isDir = false;
      }
      if (isDir) {
        if (!SKIP_DIRS.has(entry.name) && !ignored(abs, true, stack)) visit(abs, stack);
      } else if (isFile && !ignored(abs, false, stack)) {
        matchers ??= selector.forDir(dir);
        if (selector.selected(abs, matchers)) out.push(abs);
        else if (builds && classifyFile) {
          const source = classifyFile(abs);
          if (source !== null && !selector.excluded(abs, matchers)) builds.files.push({ path: abs, source });
        }
      }
    }
  };
  const above = ancestorGitIgnores(root, load);
  // A directory named explicitly is linted even when a .gitignore above it ignores it.
  visit(root, ignored(root, true, above) ? [] : above);
  return out;
}

/** .gitignore files above `root` up to its git repository's top (none outside a repository). */
function ancestorGitIgnores(root: string, load: (dir: string) => GitIgnore | null): GitIgnore[] {
  if (existsSync(path.join(root, '.git'))) return [];
  const dirs: string[] = [];
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (existsSync(path.join(dir, '.git'))) {
      return dirs.map(load).filter((g): g is GitIgnore => g !== null);
    }
    if (path.dirname(dir) === dir) return [];
  }
}

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR, ELOOP, EACCES: as good as missing
  }
}

/** `path.join(dir, name)` for a normalised absolute `dir` and a plain entry name, without the join's normalising. */
function childPath(dir: string, name: string): string {
  return dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
}

function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}
