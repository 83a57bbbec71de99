import { defineRule, type Instruction, type SemanticModel, type Stage } from '@stowage/core';
import {
  contextCopy,
  globMatch,
  isSourceDir,
  isWholeContext,
  isWindowsStage,
  resolvePath,
  stageChain,
  workdirAt,
  type ContextCopy,
} from '../_lib/layers.js';
import { cacheMountServes, IMAGE_ENV, mayRunManager, packageManagerCommands, type Manager, type PackageManagerCommand } from '../_lib/package-managers.js';
import { runText } from '../_lib/run-text.js';
import { manifestFix, depsStepFix } from './fix.js';

/** Managers whose dependency installs share one dependency layer (a pip layer serves a later `pip install .`). */
export type Family = 'node' | 'python' | 'go' | 'cargo' | 'ruby' | 'php' | 'maven' | 'gradle' | 'dotnet';
const FAMILY: Partial<Record<Manager, Family>> = {
  npm: 'node', yarn: 'node', pnpm: 'node', bun: 'node',
  pip: 'python', uv: 'python', poetry: 'python', pipenv: 'python',
  go: 'go', cargo: 'cargo', bundler: 'ruby', composer: 'php', maven: 'maven', gradle: 'gradle', dotnet: 'dotnet',
};

const FAMILY_MANAGERS = Object.keys(FAMILY) as Manager[];

/** Build commands that fetch dependencies themselves, and the dependency-only step to run first. */
const BUILD_ADVICE: Partial<Record<Family, string>> = {
  go: 'Copy go.mod and go.sum first and run `go mod download` before copying the sources.',
  maven: 'Copy pom.xml first and run `mvn dependency:go-offline` before copying the sources.',
  gradle: 'Copy the Gradle build files first and resolve the dependencies (`gradle dependencies`) before copying the sources.',
  dotnet: 'Copy the project files (*.csproj) first and run `dotnet restore` before copying the sources.',
  cargo: 'Copy Cargo.toml and Cargo.lock first and build the dependencies alone (a stub src/main.rs, or cargo-chef) before copying the sources.',
};
const SOURCE_ADVICE: Partial<Record<Manager, string>> = {
  pip: 'Copy requirements*.txt (or pyproject.toml) first and install the dependencies before copying the sources; then install the project itself.',
  uv: 'Copy pyproject.toml and uv.lock first and run `uv sync --no-install-project` before copying the sources.',
  poetry: 'Copy pyproject.toml and poetry.lock first and run `poetry install --no-root` before copying the sources.',
  composer: 'Copy composer.json and composer.lock first and run `composer install --no-scripts --no-autoloader` before copying the sources; then `composer dump-autoload`.',
};

export interface Install {
  run: Instruction;
  pm: PackageManagerCommand;
  family: Family;
  /** deps: reads only manifests; source: installs the project too; build: a build that downloads dependencies. */
  kind: 'deps' | 'source' | 'build';
  /** The manifests come in through a bind mount, not through a COPY. */
  mounted: boolean;
}

const short = (s: string, n = 48) => {
  const one = s.replace(/\\\s*\n/g, ' ').replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};

export function instrLine(model: SemanticModel, i: Instruction): number {
  return model.lines.positionAt(i.range.start).line;
}

/** The manifests an install reads, for messages: `package.json and package-lock.json`. */
export function manifestNames(pm: PackageManagerCommand, dest: string | null = null): string[] {
  const out: string[] = [];
  for (const m of pm.manifests) {
    if (m.role === 'config') continue;
    // .NET lockfiles are opt-in and rare: name the project files only.
    if (m.role === 'lockfile' && !m.required && pm.manager === 'dotnet') continue;
    if (m.word) out.push(m.word.value ?? m.word.raw);
    else out.push(m.names[0]);
  }
  const dir = pm.dir && pm.dir !== '.' ? pm.dir.replace(/\/+$/, '') + '/' : '';
  return out.map((n) => {
    if (!n.startsWith('/')) return dir + n;
    // An absolute path inside the copy's destination: name it as it is in the build context.
    if (dest && n.startsWith(dest.replace(/\/*$/, '/'))) return n.slice(dest.replace(/\/*$/, '/').length);
    return n;
  });
}

export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export default defineRule({
  meta: {
    id: 'copy-before-install',
    summary: 'Copy dependency manifests and install dependencies before copying the source tree',
    category: 'cache',
    severity: 'warn',
    fix: 'unsafe',
    sources: [],
    // Triggers run in the downstream build, whose layers this file does not show.
    onbuild: false,
    needsShell: true,
  },
  messages: {
    copyManifestsFirst:
      '`{{copy}}` copies {{what}} before `{{install}}` (line {{line}}), so any edit {{where}} reruns the install. Copy {{manifests}} first, install, then copy the rest.',
    moveInstallUp:
      '`{{install}}` (line {{line}}) runs after `{{copy}}` although {{manifests}} {{were}} already copied on line {{copiedLine}}: any edit {{where}} reruns the install. Move the install above this COPY.',
    installDepsFirst:
      '`{{install}}` (line {{line}}) fetches every dependency after `{{copy}}`, which copies {{what}}: any edit {{where}} downloads them all again. {{advice}}',
    insertManifestCopy: 'Copy {{manifests}} and install before `{{copy}}`',
    moveInstall: 'Move `{{install}}` above `{{copy}}`',
    addDepsStep: 'Add `{{step}}` before `{{copy}}`',
  },
  create(ctx) {
    const { model } = ctx;
    const reported = new Set<Instruction>();
    const steps = new Map<Instruction, Set<Family>>();

    function envAt(stage: Stage, run: Instruction) {
      const scope = model.scopeAt(run);
      let root: Stage = stage;
      while (root.parent) root = root.parent;
      const repo = root.base.repository.toLowerCase();
      const image = IMAGE_ENV[repo.slice(repo.lastIndexOf('/') + 1)] ?? {};
      return (n: string) => scope.lookup(n) ?? image[n];
    }

    function installOf(stage: Stage, run: Instruction): Install | null {
      const script = model.shellOf(run);
      const mounts = run.flags.filter((f) => f.name.toLowerCase() === 'mount');
      const bindMounted = mounts.some((f) => {
        const type = f.options.find((o) => o.key.toLowerCase() === 'type')?.value ?? 'bind';
        return type === 'bind' && !f.options.some((o) => o.key.toLowerCase() === 'from');
      });
      for (const pm of packageManagerCommands(script)) {
        const family = FAMILY[pm.manager];
        if (!family || pm.global) continue;
        let kind: Install['kind'] | null = null;
        if (pm.action === 'install-manifest' || (pm.action === 'download' && !pm.readsSource && pm.manifests.length > 0)) {
          if (!pm.downloads) continue;
          if (pm.readsSource && pm.manager === 'pip' && pm.args.some((a) => a.value === '--no-deps')) continue;
          kind = pm.readsSource ? 'source' : 'deps';
        } else if (pm.action === 'build' && pm.downloads && pm.readsSource && BUILD_ADVICE[family]) {
          kind = 'build';
          if (family === 'go' && goVendored(stage, run, pm)) continue;
          const env = envAt(stage, run);
          const cached = mounts.some((f) => {
            const opt = (k: string) => f.options.find((o) => o.key.toLowerCase() === k)?.value;
            return opt('type') === 'cache' && !!opt('target') && cacheMountServes(opt('target')!, pm.manager, env);
          });
          // With the download cache mounted, a rebuild finds its dependencies there.
          if (cached) continue;
        }
        // `pip install -r https://...` reads nothing from the build context.
        if (kind !== 'build' && pm.manifests.some((m) => m.word && /^[a-z][a-z0-9+.-]*:\/\//i.test(m.word.value ?? m.word.raw))) continue;
        if (kind) return { run, pm, family, kind, mounted: bindMounted };
      }
      return null;
    }

    /** `nuget restore`, `go mod tidy`, `go get`, `poetry lock`: a step of the family that is not an install the rule reports. */
    function familyStep(run: Instruction): Set<Family> {
      // A stage's RUNs are read again for every stage built on it: once per RUN.
      let out = steps.get(run);
      if (out) return out;
      steps.set(run, (out = new Set<Family>()));
      const script = model.shellOf(run);
      for (const c of script?.commands ?? []) if (c.name.value && /(^|\/)nuget(\.exe)?$/i.test(c.name.value)) out.add('dotnet');
      for (const pm of packageManagerCommands(script)) {
        const family = FAMILY[pm.manager];
        if (!family || pm.global) continue;
        if ((pm.action === 'install-packages' && !pm.global && pm.manager !== 'pip' && !(pm.manager === 'uv' && pm.subcommand?.startsWith('pip'))) || pm.action === 'upgrade' || (pm.action === 'download' && pm.readsSource) || /^(mod (edit|tidy)|lock|export)$/.test(pm.subcommand ?? '')) out.add(family);
      }
      return out;
    }

    /** A command after the copy and before the install names the manifest (downloads, generates or edits it). */
    function manifestWritten(seq: Instruction[], from: number, to: number, install: Install): boolean {
      const base = (v: string) => v.replace(/\/+$/, '').slice(v.replace(/\/+$/, '').lastIndexOf('/') + 1);
      const names = new Set<string>();
      for (const m of install.pm.manifests) {
        if (m.role === 'config') continue;
        if (m.word) names.add(base(m.word.value ?? m.word.raw));
        else for (const n of m.names) names.add(base(n));
      }
      for (let i = from + 1; i <= to; i++) {
        const script = seq[i].kind === 'RUN' ? model.shellOf(seq[i]) : null;
        for (const c of script?.commands ?? []) {
          if (i === to && c.range.start >= install.pm.command.range.start) break;
          const words = [...c.args, ...c.redirects.map((r) => r.target).filter((w) => w !== null)];
          if (c.name.value === '[' || c.name.value === 'test') continue;
          if (words.some((w) => names.has(base(w.value ?? w.raw)))) return true;
        }
      }
      return false;
    }

    /** The build's dependencies are known to be downloaded (not vendored, not absent). */
    function buildFetches(seq: Instruction[], pos: number, install: Install): boolean {
      const lock: Partial<Record<Family, string>> = { go: 'go.sum', cargo: 'Cargo.lock' };
      const file = lock[install.family];
      if (!file) return true;
      if (ctx.buildContext) {
        const text = ctx.buildContext.read(file, 4096);
        if (!text || !text.trim()) return false;
        if (install.family === 'cargo' && ctx.buildContext.isDirectory('vendor')) return false;
        return true;
      }
      // Without the context: only when the file shows that the lockfile exists.
      return seq.slice(0, pos).some((i) => contextCopy(model, i)?.sources.some((src) => src.replace(/\/+$/, '').split('/').pop() === file));
    }

    function goVendored(stage: Stage, run: Instruction, pm: PackageManagerCommand): boolean {
      const env = envAt(stage, run);
      const flags = [env('GOFLAGS') ?? '', ...pm.command.assignments.filter((a) => a.name === 'GOFLAGS').map((a) => a.value?.value ?? '')];
      if (flags.some((f) => /-mod[= ]vendor/.test(f))) return true;
      if (pm.args.some((a, i) => a.value === '-mod=vendor' || (a.value === '-mod' && pm.args[i + 1]?.value === 'vendor'))) return true;
      const inline = pm.command.assignments.find((a) => a.name === 'GO111MODULE')?.value?.value;
      if ((inline ?? env('GO111MODULE') ?? '') === 'off') return true;
      return !!ctx.buildContext?.isFile('vendor/modules.txt');
    }

    function describe(c: ContextCopy): { what: string; where: string } {
      const whole = c.sources.some(isWholeContext);
      if (whole) return { what: 'the whole build context', where: 'in the build context' };
      const dir = c.sources.find(isSourceDir)!;
      return { what: `the source directory ${dir}`, where: `in ${dir}` };
    }

    /** A COPY of the install's manifests among seq[from..to), if any (the last one). */
    function manifestCopyIn(seq: Instruction[], from: number, to: number, install: Install): Instruction | null {
      const required = install.pm.manifests.filter((m) => m.role === 'manifest' && m.required);
      if (required.length === 0) return null;
      const base = (s: string) => s.replace(/\/+$/, '').slice(s.replace(/\/+$/, '').lastIndexOf('/') + 1);
      for (let i = to - 1; i >= from; i--) {
        const c = contextCopy(model, seq[i]);
        if (!c || c.sources.some((s) => isWholeContext(s) || isSourceDir(s))) continue;
        // A name or a name-like glob (`package*.json`), not a bare `*`.
        const names = c.sources.map(base).filter((n) => /[A-Za-z0-9]/.test(n));
        if (required.every((m) => m.names.some((n) => names.some((src) => globMatch(src, base(n)))))) return seq[i];
      }
      return null;
    }
    const isBroad = (c: ContextCopy | null) => !!c && !c.unresolved && c.sources.some((s) => isWholeContext(s) || isSourceDir(s));
    const manifestCopy = (seq: Instruction[], before: number, install: Install) => manifestCopyIn(seq, 0, before, install);
    const manifestCopyBetween = (seq: Instruction[], from: number, to: number, install: Install) => manifestCopyIn(seq, from + 1, to, install) !== null;

    return {
      stage(stage) {
        if (isWindowsStage(model, stage)) return;
        const seq: Instruction[] = [];
        for (const s of stageChain(stage)) for (const i of s.instructions) if (i.kind !== 'ONBUILD') seq.push(i);
        // Every finding points at a broad COPY of the chain: without one, no RUN needs its shell read.
        if (!seq.some((i) => (i.kind === 'COPY' || i.kind === 'ADD') && isBroad(contextCopy(model, i)))) return;
        const own = new Set(stage.instructions);
        const broad: { copy: ContextCopy; pos: number }[] = [];
        const installsAt = new Map<Family, number[]>();
        const stepsAt = new Map<Family, number[]>();

        seq.forEach((instr, pos) => {
          if (instr.kind === 'COPY' || instr.kind === 'ADD') {
            const c = contextCopy(model, instr);
            if (isBroad(c)) broad.push({ copy: c!, pos });
            return;
          }
          if (instr.kind !== 'RUN') return;
          // Neither an install nor a family step without a family's manager (or nuget) in the text: no parse.
          const text = runText(model, instr);
          if (!mayRunManager(text, FAMILY_MANAGERS) && !/nuget/i.test(text.plain)) return;
          for (const f of familyStep(instr)) stepsAt.set(f, [...(stepsAt.get(f) ?? []), pos]);
          const install = installOf(stage, instr);
          if (!install) return;
          const earlier = installsAt.get(install.family) ?? [];
          installsAt.set(install.family, [...earlier, pos]);
          // Only installs of this stage (an ancestor's were judged with it), read from the context.
          if (!own.has(instr) || install.mounted) return;
          // A dependency layer of this family already exists: this install finds its dependencies.
          if (earlier.length > 0) return;
          const hit = broad.find((b) => b.pos < pos);
          if (!hit || reported.has(hit.copy.instr)) return;
          // A manifest-changing step in between (`go mod tidy`, `poetry export`): the install needs the sources.
          if ((stepsAt.get(install.family) ?? []).some((p) => p > hit.pos && p <= pos)) return;
          if (install.kind === 'build' && !buildFetches(seq, pos, install)) return;
          // The manifest is fetched or written in between (`curl -o requirements.txt`): not from the context.
          if (manifestWritten(seq, hit.pos, pos, install)) return;
          // A source directory copied before the manifests, which are copied on their own after
          // it: the install needs that directory (a local dependency, a `replace` directive).
          if (!hit.copy.sources.some(isWholeContext) && manifestCopyBetween(seq, hit.pos, pos, install)) return;
          reported.add(hit.copy.instr);
          report(stage, seq, hit.copy, hit.pos, install, pos);
        });
      },
    };

    function report(stage: Stage, seq: Instruction[], copy: ContextCopy, copyPos: number, install: Install, installPos: number) {
      const { what, where } = describe(copy);
      const copyText = short(model.text.slice(copy.instr.range.start, copy.instr.range.end), 40);
      const installText = short(model.text.slice(install.pm.command.range.start, install.pm.command.range.end), 60);
      const line = instrLine(model, install.run);
      const wd = workdirAt(model, model.stageOf(copy.instr)!, copy.instr);
      const dest = copy.dest.startsWith('/') ? resolvePath('/', copy.dest) : wd !== null ? resolvePath(wd, copy.dest) : null;
      const names = manifestNames(install.pm, dest);
      const related = [{ message: `The install that reruns on every edit ${where}.`, range: install.pm.command.range }];
      const base = { copy: copyText, install: installText, line, what, where, manifests: listNames(names) };
      if (install.kind === 'deps') {
        const copied = manifestCopy(seq, copyPos, install);
        if (copied) {
          ctx.report({
            messageId: 'moveInstallUp',
            data: { ...base, were: names.length === 1 ? 'was' : 'were', copiedLine: instrLine(model, copied) },
            range: copy.instr.range,
            related: [...related, { message: 'The manifests are copied here.', range: copied.range }],
            fix: manifestFix(ctx, stage, seq, copy, copyPos, install, installPos, false) ?? undefined,
          });
          return;
        }
        ctx.report({
          messageId: 'copyManifestsFirst',
          data: base,
          range: copy.instr.range,
          related,
          fix: manifestFix(ctx, stage, seq, copy, copyPos, install, installPos, true) ?? undefined,
        });
        return;
      }
      const key = install.pm.manager === 'uv' && install.pm.subcommand?.startsWith('pip') ? 'pip' : install.pm.manager;
      const advice = install.kind === 'build' ? BUILD_ADVICE[install.family]! : SOURCE_ADVICE[key] ?? BUILD_ADVICE[install.family] ?? '';
      ctx.report({
        messageId: 'installDepsFirst',
        data: { ...base, advice },
        range: copy.instr.range,
        related,
        fix: depsStepFix(ctx, stage, seq, copy, copyPos, install, installPos) ?? undefined,
      });
    }
  },
});
