import type { BuildContext, FixInput, Instruction, RuleContext, SemanticModel, Stage } from '@stowage/core';
import {
  blockStart,
  contextCopy,
  globMatch,
  isIgnored,
  isWholeContext,
  lineEndOf,
  ownsItsLines,
  resolvePath,
  workdirAt,
  type ContextCopy,
} from '../_lib/layers.js';
import { cacheCleanupOf, classify, type Manager, type ManifestSpec } from '../_lib/package-managers.js';
import type { Install } from './rule.js';

/** Instructions that may sit between the broad COPY and the install without changing what the install sees. */
const INERT = new Set(['LABEL', 'EXPOSE', 'MAINTAINER', 'STOPSIGNAL', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT']);

const short = (s: string, n: number) => {
  const one = s.replace(/\\\s*\n/g, ' ').replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

/** The install RUN can move above the COPY: it only installs (and cleans caches), nothing between matters. */
function movable(model: SemanticModel, stage: Stage, seq: Instruction[], copy: ContextCopy, copyPos: number, install: Install, installPos: number): boolean {
  if (!stage.instructions.includes(copy.instr) || !stage.instructions.includes(install.run)) return false;
  for (let i = copyPos + 1; i < installPos; i++) if (!INERT.has(seq[i].kind)) return false;
  if (!ownsItsLines(model, copy.instr) || !ownsItsLines(model, install.run)) return false;
  const script = model.shellOf(install.run);
  if (!script || script.errors.length > 0) return false;
  return script.commands.every((c) => {
    const pm = classify(c);
    if (pm && pm.manager === install.pm.manager && !pm.readsSource && ['install-manifest', 'clean-cache', 'other'].includes(pm.action)) return true;
    const clean = cacheCleanupOf(c);
    return !!clean && clean.paths.length > 0 && clean.paths.every((p) => p.startsWith('/') || p.startsWith('~/'));
  });
}

function moveEdits(model: SemanticModel, copy: ContextCopy, install: Install, prefix: string) {
  const at = blockStart(model, copy.instr);
  const from = blockStart(model, install.run);
  const to = lineEndOf(model, install.run.range.end);
  let runText = model.text.slice(from, to);
  if (!runText.endsWith('\n')) runText += '\n';
  return [
    { range: { start: at, end: at }, text: prefix + runText },
    { range: { start: from, end: to }, text: '' },
  ];
}

/**
 * Moves the install above the broad COPY; with `addCopy`, first inserts a COPY of the manifests,
 * whose names are read from the build context on disk. Null when anything is uncertain.
 */
export function manifestFix(
  ctx: RuleContext<unknown>, stage: Stage, seq: Instruction[], copy: ContextCopy, copyPos: number, install: Install, installPos: number, addCopy: boolean,
): FixInput | null {
  const { model } = ctx;
  if (!movable(model, stage, seq, copy, copyPos, install, installPos)) return null;
  const installText = short(model.text.slice(install.pm.command.range.start, install.pm.command.range.end), 48);
  const copyText = short(model.text.slice(copy.instr.range.start, copy.instr.range.end), 40);
  const cwd = workdirAt(model, stage, install.run);

  if (!addCopy) {
    // The manifests copied earlier must land where the install reads them, and cover its lockfile.
    if (cwd === null || install.pm.dir !== null) return null;
    if (!earlierCopyServes(ctx, seq, copyPos, install, cwd)) return null;
    return { messageId: 'moveInstall', data: { install: installText, copy: copyText }, edits: moveEdits(model, copy, install, '') };
  }

  const bc = ctx.buildContext;
  if (!bc || cwd === null || install.pm.dir !== null) return null;
  // `COPY . <dir>` that puts the context root where the install runs.
  if (copy.sources.length !== 1 || !isWholeContext(copy.sources[0]) || copy.instr.kind !== 'COPY' && copy.instr.kind !== 'ADD') return null;
  const dest = resolvePath(cwd, copy.dest);
  if (dest !== cwd) return null;
  const files = manifestFiles(bc, install, dest);
  if (!files) return null;
  const flags = copy.instr.flags
    .filter((f) => ['chown', 'chmod', 'link'].includes(f.name.toLowerCase()))
    .map((f) => model.text.slice(f.range.start, f.range.end));
  const target = copy.dest.startsWith('/') ? copy.dest.replace(/\/*$/, '/') : './';
  const line = ['COPY', ...flags, ...files, target].join(' ') + '\n';
  return {
    messageId: 'insertManifestCopy',
    data: { manifests: files.join(', '), copy: copyText },
    edits: moveEdits(model, copy, install, line),
  };
}

/** An earlier COPY (before the broad one) put every manifest and lockfile of the install into `cwd`. */
function earlierCopyServes(ctx: RuleContext<unknown>, seq: Instruction[], copyPos: number, install: Install, cwd: string): boolean {
  const { model } = ctx;
  const specs = install.pm.manifests.filter((m) => m.role !== 'config' || (ctx.buildContext && m.names.some((n) => ctx.buildContext!.isFile(n))));
  const base = (s: string) => s.replace(/\/+$/, '').slice(s.replace(/\/+$/, '').lastIndexOf('/') + 1);
  const covered = (spec: ManifestSpec): boolean => {
    const names = spec.word ? [spec.word.value ?? spec.word.raw] : spec.names;
    if (names.some((n) => n.includes('/'))) return false;
    for (let i = copyPos - 1; i >= 0; i--) {
      const c = contextCopy(model, seq[i]);
      if (!c || c.unresolved) continue;
      const stage = model.stageOf(seq[i]);
      const wd = stage ? workdirAt(model, stage, seq[i]) : null;
      const dest = c.dest.startsWith('/') ? c.dest : wd === null ? null : `${wd}/${c.dest}`;
      if (dest === null) continue;
      const intoDir = c.dest.endsWith('/') || c.sources.length > 1 || /[*?[]/.test(c.sources.join(''));
      for (const src of c.sources) {
        const b = base(src);
        if (!/[A-Za-z0-9]/.test(b)) continue;
        for (const n of names) {
          if (!globMatch(b, n)) continue;
          const landed = intoDir ? resolvePath('/', dest) : resolvePath('/', dest).replace(/\/[^/]*$/, '') || '/';
          if (landed === cwd && (intoDir || base(dest) === n)) return true;
        }
      }
    }
    return false;
  };
  for (const spec of specs) {
    if (covered(spec)) continue;
    // An optional lockfile or config file the context is known not to have.
    if (!spec.required && ctx.buildContext && !spec.names.some((n) => ctx.buildContext!.isFile(n))) continue;
    return false;
  }
  return true;
}

/** Reads a context file as JSON, or null. */
function json(bc: BuildContext, path: string): Record<string, unknown> | null {
  const text = bc.read(path);
  if (text === null) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const NODE: ReadonlySet<Manager> = new Set(['npm', 'yarn', 'pnpm', 'bun']);

/**
 * The context files the install reads, when they can all be named for certain (in the context
 * root, not ignored, nothing else needed: no workspaces, install scripts, local path dependencies).
 */
function manifestFiles(bc: BuildContext, install: Install, dest: string): string[] | null {
  const pm = install.pm;
  if (!['npm', 'yarn', 'pnpm', 'bun', 'pip', 'uv', 'poetry', 'pipenv', 'go', 'bundler', 'composer', 'maven', 'dotnet'].includes(pm.manager)) return null;
  if (pm.manager === 'maven' && !/(^|\/)mvn$/.test(pm.tool.value ?? '')) return null;
  const ignore = bc.read('.dockerignore');
  const usable = (f: string) => bc.isFile(f) && !isIgnored(ignore, f);
  const out: string[] = [];
  const root = bc.list('.') ?? [];
  for (const spec of pm.manifests) {
    let names = spec.word ? [spec.word.value ?? spec.word.raw] : spec.names;
    names = names.map((n) => (n.startsWith('/') && n.startsWith(dest.replace(/\/*$/, '/')) ? n.slice(dest.replace(/\/*$/, '/').length) : n));
    if (names.some((n) => n.startsWith('/') || n.startsWith('..'))) return null;
    let found: string[];
    if (names.some((n) => /[*?[]/.test(n))) found = root.filter((f) => names.some((n) => globMatch(n, f)) && usable(f));
    else {
      // A directory among the names (`.mvn`, `gradle/wrapper`): more than a file copy.
      if (names.some((n) => bc.isDirectory(n))) return null;
      const first = names.find(usable);
      found = first ? [first] : [];
    }
    if (found.length === 0) {
      if (spec.required) return null;
      continue;
    }
    if (found.length > 1 || found.some((f) => f.includes('/'))) return null;
    out.push(found[0]);
  }
  if (!vetted(bc, install, out)) return null;
  // uv also reads the pinned interpreter.
  if (pm.manager === 'uv' && usable('.python-version')) out.push('.python-version');
  return out.length > 0 ? [...new Set(out)] : null;
}

/** Nothing beyond the manifests is needed for the install to work on its own. */
function vetted(bc: BuildContext, install: Install, files: string[]): boolean {
  const pm = install.pm;
  const read = (f: string) => bc.read(f) ?? '';
  if (NODE.has(pm.manager)) {
    const pkg = json(bc, 'package.json');
    if (!pkg || pkg.workspaces) return false;
    const scripts = (pkg.scripts ?? {}) as Record<string, unknown>;
    if (['preinstall', 'install', 'postinstall', 'prepare', 'prepublish'].some((s) => s in scripts)) return false;
    for (const key of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      const deps = (pkg[key] ?? {}) as Record<string, unknown>;
      if (Object.values(deps).some((v) => typeof v === 'string' && /^(file|link|workspace|portal):/.test(v))) return false;
    }
    if (pm.manager === 'yarn' && (bc.isFile('.yarnrc.yml') || bc.isDirectory('.yarn'))) return false;
    if (pm.manager === 'pnpm' && bc.isFile('pnpm-workspace.yaml')) return false;
    return true;
  }
  switch (pm.manager) {
    case 'pip':
      return files.every((f) => !/^\s*(-r|-c|-e|--requirement|--constraint|--editable|\.|\/)|file:/m.test(read(f)));
    case 'uv':
    case 'poetry':
    case 'pipenv':
      return !/\bpath\s*=|\[tool\.uv\.workspace\]|\bpackages\s*=\s*\[/.test(read(pm.manager === 'pipenv' ? 'Pipfile' : 'pyproject.toml'));
    case 'go':
      return !/=>\s*\.{1,2}\//.test(read('go.mod')) && !bc.isFile('vendor/modules.txt');
    case 'bundler':
      return !/^\s*(gemspec|eval_gemfile)\b|\bpath:/m.test(read('Gemfile'));
    case 'composer': {
      const repos = json(bc, 'composer.json')?.repositories;
      return !JSON.stringify(repos ?? []).includes('"path"');
    }
    case 'maven':
      return !/<modules>/.test(read('pom.xml'));
    case 'dotnet':
      return files.filter((f) => /\.(cs|fs|vb)proj$|\.slnx?$/.test(f)).length === 1;
    default:
      return false;
  }
}

/** `COPY go.mod go.sum ./` + `RUN go mod download` before the broad copy, for a Go build that fetches modules. */
export function depsStepFix(
  ctx: RuleContext<unknown>, stage: Stage, _seq: Instruction[], copy: ContextCopy, _copyPos: number, install: Install, _installPos: number,
): FixInput | null {
  const { model } = ctx;
  const bc = ctx.buildContext;
  if (!bc || install.kind !== 'build' || install.family !== 'go' || install.pm.dir !== null) return null;
  if (!stage.instructions.includes(copy.instr) || !ownsItsLines(model, copy.instr)) return null;
  if (copy.sources.length !== 1 || !isWholeContext(copy.sources[0])) return null;
  const cwd = workdirAt(model, stage, copy.instr);
  // The build runs in the module root, where the context root was copied.
  if (cwd === null || resolvePath(cwd, copy.dest) !== cwd || workdirAt(model, stage, install.run) !== cwd) return null;
  if (model.shellOf(install.run)?.commands.some((c) => c.name.value === 'cd')) return null;
  const ignore = bc.read('.dockerignore');
  if (!bc.isFile('go.mod') || !bc.isFile('go.sum') || isIgnored(ignore, 'go.mod') || isIgnored(ignore, 'go.sum')) return null;
  if (/=>\s*\.{1,2}\//.test(bc.read('go.mod') ?? '') || bc.isFile('vendor/modules.txt')) return null;
  const flags = copy.instr.flags
    .filter((f) => ['chown', 'chmod', 'link'].includes(f.name.toLowerCase()))
    .map((f) => model.text.slice(f.range.start, f.range.end));
  const target = copy.dest.startsWith('/') ? copy.dest.replace(/\/*$/, '/') : './';
  const at = blockStart(model, copy.instr);
  const text = `${['COPY', ...flags, 'go.mod', 'go.sum', target].join(' ')}\nRUN go mod download\n`;
  return {
    messageId: 'addDepsStep',
    data: { step: 'go mod download', copy: short(model.text.slice(copy.instr.range.start, copy.instr.range.end), 40) },
    edits: [{ range: { start: at, end: at }, text }],
  };
}
