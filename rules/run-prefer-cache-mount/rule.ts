import { defineRule, type Instruction, type SemanticModel, type Stage, type TextEdit } from '@stowage/core';
import { usesBuildKit } from '../_lib/buildkit.js';
import { isWindowsStage } from '../_lib/layers.js';
import { dockerCleanHandled, mountTargets } from '../_lib/mounts.js';
import {
  cacheCleanupOf,
  cacheDirsOf,
  cacheDisabledByEnv,
  cacheMountServes,
  classify,
  deletes,
  isWithin,
  mayRunManager,
  mayRunPackageManager,
  rpmCacheDir,
  type CacheDir,
  type EnvLookup,
  type Manager,
  type PackageManagerCommand,
} from '../_lib/package-managers.js';
import { rootStage, runEnv } from '../_lib/run-env.js';
import { runText } from '../_lib/run-text.js';
import { removeCommand, removeWord } from '../_lib/shell-edits.js';

interface Options {
  everywhere: boolean;
}

/** Actions that download into the tool's cache. */
const DOWNLOADING = new Set(['install-manifest', 'install-packages', 'upgrade', 'download', 'build']);

/** Options that make a command work from what is already on disk: a mount there would hide it. */
const OFFLINE: Partial<Record<Manager, RegExp>> = {
  pip: /^--no-index$/,
  uv: /^--offline$/,
  npm: /^--offline$|^--prefer-offline$/,
  yarn: /^--offline$/,
  pnpm: /^--offline$/,
  bun: /^--offline$/,
  cargo: /^--offline$|^--frozen$/,
  maven: /^-o$|^--offline$/,
  gradle: /^--offline$/,
  dotnet: /^--no-restore$/,
  bundler: /^--local$|^--deployment$|^--path/,
  composer: /^--offline$/,
  gem: /^--local$|^-l$/,
  poetry: /^--no-cache$/,
};

/** Environment settings that move a tool's downloads into the project (then a home mount misses them). */
const PROJECT_CACHE_ENV: Partial<Record<Manager, string[]>> = {
  bundler: ['BUNDLE_PATH', 'BUNDLE_DEPLOYMENT'],
  gem: ['BUNDLE_PATH'],
  npm: [],
};

const WHAT: Record<Manager, string> = {
  apt: 'packages and package lists', apk: 'packages and indexes', dnf: 'repository metadata', yum: 'repository metadata',
  microdnf: 'repository metadata', zypper: 'repository metadata and packages', pip: 'packages', uv: 'packages', poetry: 'packages',
  pipenv: 'packages', npm: 'packages', yarn: 'packages', pnpm: 'packages', bun: 'packages', go: 'modules', cargo: 'crates',
  bundler: 'gems', gem: 'gems', composer: 'packages', maven: 'dependencies', gradle: 'dependencies', dotnet: 'NuGet packages',
};

const APT_KEEP = "echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache";

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The command runs under a user-switching wrapper: `gosu`, `su-exec`, `chroot --userspec`, `sudo -u`, `runuser`, `setpriv`. */
function switchesUser(pm: PackageManagerCommand): boolean {
  if (pm.command.name === pm.tool) return false;
  const name = basename(pm.command.name.value ?? '');
  if (['gosu', 'su-exec', 'runuser', 'setpriv', 'setuser', 'chpst', 's6-setuidgid'].includes(name)) return true;
  if (name === 'sudo' || name === 'chroot') return pm.command.args.some((a) => /^(-u|--user|--userspec)/.test(a.value ?? ''));
  return false;
}

/** The stages that share a filesystem with `stage`: its FROM ancestors and the stages built on it. */
function stageFamily(model: SemanticModel, stage: Stage): Set<Stage> {
  const family = new Set<Stage>();
  for (let s: Stage | null = stage; s && !family.has(s); s = s.parent) family.add(s);
  for (const s of model.stages) {
    for (let p: Stage | null = s.parent; p; p = p.parent) {
      if (p === stage) {
        family.add(s);
        break;
      }
    }
  }
  return family;
}

export default defineRule<Options>({
  meta: {
    id: 'run-prefer-cache-mount',
    summary: 'Prefer a cache mount for package downloads that every rebuild repeats',
    category: 'cache',
    severity: 'info',
    fix: 'unsafe',
    // hadolint's DL3042/DL3019/DL3009 ask for the opposite (delete the cache); nothing is equivalent.
    sources: [],
    presetOptions: { all: { everywhere: true } },
    onbuild: true,
    needsShell: true,
  },
  messages: {
    mount:
      '`{{command}}` {{what}} from scratch whenever this layer rebuilds. A cache mount keeps them between builds, outside the image: `{{mount}}`.',
    mountCleanup:
      '`{{command}}` {{what}} from scratch whenever this layer rebuilds, and `{{cleanup}}` throws them away. A cache mount keeps them between builds, outside the image: `{{mount}}` (and drop `{{cleanup}}`).',
    shared:
      '`{{command}}` {{what}} from scratch whenever this layer rebuilds. A cache mount keeps them between builds, outside the image: `{{mount}}`; other RUNs read what {{tool}} leaves on disk, so mount it on each of them too.',
    addMount: 'Add `{{mount}}`{{extra}}',
  },
  options: {
    schema: {
      type: 'object',
      properties: {
        everywhere: {
          type: 'boolean',
          default: false,
          description: 'Report in every file, not only in files that already use BuildKit features (the `all` preset sets it).',
        },
      },
      additionalProperties: false,
    },
    defaults: { everywhere: false },
  },
  create(ctx) {
    const { model, text } = ctx;
    let enabled: boolean | undefined;
    const esc = model.ast.escapeChar || '\\';

    /**
     * Whether a RUN reads `m`'s cache as left on disk by an earlier step, so that a mount there
     * (here or in that earlier step) would change what it finds: apt installs without their own
     * `apt-get update` read the lists of an earlier RUN; offline installs read an earlier download.
     */
    function relies(run: Instruction, m: Manager): boolean {
      if (!mayRunManager(runText(model, run), [m])) return false;
      const pms = (model.shellOf(run)?.commands ?? []).map(classify).filter((p): p is PackageManagerCommand => p !== null && p.manager === m);
      if (m === 'apt') {
        let updated = false;
        for (const p of pms) {
          if (p.action === 'update-index') updated = true;
          else if (!updated && (p.action === 'install-packages' || p.action === 'upgrade' || p.action === 'download')) return true;
        }
        return false;
      }
      const offline = OFFLINE[m];
      return offline !== undefined && pms.some((p) => p.args.some((a) => offline.test(a.value ?? '')));
    }

    // RUNs relying on a manager's cache, by stage and manager: found once, not once per RUN.
    const reliant = new Map<Stage, Map<Manager, Instruction[]>>();

    /** Up to 3 other RUNs of the stage family (FROM ancestors and descendants) that rely on `m`'s cache. */
    function reliantRuns(stage: Stage, m: Manager, except: Instruction): Instruction[] {
      let byManager = reliant.get(stage);
      if (!byManager) reliant.set(stage, (byManager = new Map()));
      let all = byManager.get(m);
      if (!all) {
        all = [];
        for (const s of stageFamily(model, stage)) {
          for (const outer of s.instructions) {
            const run = outer.kind === 'ONBUILD' ? outer.trigger : outer;
            if (run?.kind === 'RUN' && relies(run, m)) all.push(run);
          }
        }
        byManager.set(m, all);
      }
      const out: Instruction[] = [];
      for (const run of all) {
        if (run === except) continue;
        out.push(run);
        if (out.length === 3) break;
      }
      return out;
    }

    /** Where to mount for this command, or null when that is not certain. */
    function targets(pm: PackageManagerCommand, env: EnvLookup, stage: Stage): CacheDir[] | null {
      const m = pm.manager;
      if (m === 'apk') return [{ path: '/etc/apk/cache', what: 'packages and indexes' }];
      if (m === 'dnf' || m === 'yum' || m === 'microdnf') {
        const base = rootStage(stage).base;
        const dir = rpmCacheDir(m, base.repository, base.tag ?? '');
        return dir ? [{ path: dir, what: 'repository metadata', sharing: 'locked' }] : null;
      }
      for (const name of PROJECT_CACHE_ENV[m] ?? []) if (env(name) !== undefined) return null;
      const dirs = cacheDirsOf(m, env);
      if (!dirs) return null;
      if (m === 'go') {
        // `go mod download` fills only the module cache.
        // `go mod download`, `go mod tidy` and `go get` fill only the module cache.
        if (pm.subcommand === 'mod download' || pm.action === 'download' || pm.subcommand === 'get') return dirs.slice(0, 1);
        return dirs;
      }
      return dirs;
    }

    function mountText(dirs: CacheDir[]): string {
      return dirs.map((d) => `--mount=type=cache,target=${d.path}${d.sharing ? `,sharing=${d.sharing}` : ''}`).join(' ');
    }

    /** What the command repeats, for messages: `downloads packages and package lists`. */
    function what(dirs: CacheDir[], pm: PackageManagerCommand): string {
      if (pm.manager === 'go') return dirs.length > 1 ? 'downloads modules and recompiles every package' : 'downloads modules';
      return `downloads ${WHAT[pm.manager]}`;
    }

    function yarnBerry(): boolean {
      return /\.yarnrc\.yml|\.yarn\/|corepack|yarn set version|yarnPath|berry/.test(text);
    }

    function check(run: Instruction, stage: Stage | null): void {
      enabled ??= ctx.options.everywhere || usesBuildKit(model);
      if (!enabled || !stage || isWindowsStage(model, stage)) return;
      // Most RUNs name no package manager: no shell parse needed to know they run none.
      if (!mayRunPackageManager(runText(model, run))) return;
      const script = model.shellOf(run);
      if (!script || script.errors.length > 0) return;
      const pms = script.commands.map(classify).filter((p): p is PackageManagerCommand => p !== null);
      if (pms.length === 0) return;
      // Any mount (a tmpfs or bind too) already at the cache, or at a target this file does not
      // resolve, leaves no room for a cache mount there.
      const targets0 = mountTargets(model, run);
      if (targets0.some((t) => t === null)) return;
      const mounted = targets0 as string[];
      const env = runEnv(model, run);
      const seen = new Set<Manager>();
      for (const pm of pms) {
        const m = pm.manager;
        if (seen.has(m) || !DOWNLOADING.has(pm.action) || !pm.downloads) continue;
        seen.add(m);
        // Run as another user (`gosu app bundle install`): its home differs, and a cache mount is owned by root.
        if (switchesUser(pm)) continue;
        if (pm.command.nested > 0 && script.commands.some((c) => c.name.value !== null && /^(su|runuser|sudo)$/.test(basename(c.name.value)) && c.range.start <= pm.command.range.start && c.range.end >= pm.command.range.end)) continue;
        if (mounted.some((t) => cacheMountServes(t, m, env))) continue;
        if (m === 'yarn' && yarnBerry()) continue;
        // Offline installs (and apt installs without their own update) read what an earlier step
        // left on disk; a mount would hide it.
        if (relies(run, m)) continue;
        if (m === 'apk' && !apkFresh(pms)) continue;
        const dirs = targets(pm, env, stage);
        if (!dirs || dirs.length === 0) continue;
        report(run, stage, pm, pms, dirs, env);
      }
    }

    /** apk reads a fresh index in this RUN (`--no-cache`, `-U`, or an `apk update` first): the mount cannot serve a stale one. */
    function apkFresh(pms: PackageManagerCommand[]): boolean {
      const first = pms.find((p) => p.manager === 'apk' && p.action !== 'update-index');
      const updateFirst = pms.some((p) => p.manager === 'apk' && p.action === 'update-index' && first && p.command.range.start < first.command.range.start);
      return updateFirst || pms.every((p) => p.manager !== 'apk' || p.action === 'update-index' || p.action === 'remove' || p.args.some((a) => ['--no-cache', '-U', '--update', '--update-cache'].includes(a.value ?? '')));
    }

    function report(run: Instruction, stage: Stage, pm: PackageManagerCommand, pms: PackageManagerCommand[], dirs: CacheDir[], env: EnvLookup): void {
      const m = pm.manager;
      const tool = basename(pm.tool.value ?? pm.tool.raw);
      const command = `${tool}${pm.subcommand ? ` ${pm.subcommand}` : ''}`;
      const mount = mountText(dirs);
      const data: Record<string, string> = { command, what: what(dirs, pm), mount, tool };
      const others = reliantRuns(stage, m, run);
      const alone = others.length === 0;

      // What in this RUN would empty or bypass the suggested mount, and how to drop it.
      const drops: TextEdit[] = [];
      let cleanup: string | null = null;
      let removable = true;
      const argsEnd = run.argsRange?.end ?? run.range.end;
      const argsStart = run.argsRange?.start ?? run.range.start;
      const shellForm = !run.jsonForm && run.heredocs.length === 0;
      for (const p of pms) {
        if (p.manager !== m || !p.noCacheFlag) continue;
        cleanup ??= p.noCacheFlag.value ?? p.noCacheFlag.raw;
        if (m === 'apk') drops.push({ range: p.noCacheFlag.range, text: '--update-cache' });
        else if (shellForm) drops.push(removeWord(text, p.noCacheFlag));
        else removable = false;
      }
      const envOff = cacheDisabledByEnv(pm, env);
      if (envOff) {
        cleanup ??= envOff;
        removable = false;
      }
      for (const c of model.shellOf(run)!.commands) {
        const found = cacheCleanupOf(c);
        if (!found) continue;
        const hits = found.manager
          ? found.manager === m || (found.paths.length > 0 && dirs.some((d) => found.paths.some((p) => deletes(p, d.path))))
          : found.paths.some((p) => dirs.some((d) => deletes(p.startsWith('~/') && env('HOME')?.startsWith('/') ? env('HOME') + p.slice(1) : p, d.path)));
        if (!hits) continue;
        cleanup ??= text.slice(c.range.start, c.range.end).replace(/\s*\\\s*\n\s*/g, ' ').replace(/\s+/g, ' ');
        // An rm that also deletes other things must stay.
        const onlyCache = found.manager !== null || found.paths.every((p) => dirs.some((d) => isWithin(p.replace(/\/\*+$/, ''), d.path)));
        const edit = shellForm && onlyCache ? removeCommand(text, c, argsStart, argsEnd, esc) : null;
        if (edit) drops.push(edit);
        else removable = false;
      }

      let extra = '';
      const edits: TextEdit[] = [];
      const insertAt = run.flags.length > 0 ? run.flags[0].range.start : argsStart;
      let prefix = '';
      if (m === 'apt' && !dockerCleanHandled(model, stage, run)) {
        // Debian's docker-clean deletes downloaded packages after each install; `apt` (not apt-get) too unless told to keep them.
        prefix = `rm -f /etc/apt/apt.conf.d/docker-clean${pms.some((p) => p.manager === 'apt' && basename(p.tool.value ?? '') === 'apt') ? ` && ${APT_KEEP}` : ''} && `;
        if (!shellForm) removable = false;
        extra = ', and remove docker-clean, which deletes downloaded packages';
      }
      if (insertAt === argsStart) edits.push({ range: { start: insertAt, end: insertAt }, text: `${mount} ${prefix}` });
      else {
        edits.push({ range: { start: insertAt, end: insertAt }, text: `${mount} ` });
        if (prefix) edits.push({ range: { start: argsStart, end: argsStart }, text: prefix });
      }
      if (drops.length > 0) extra += `, and drop \`${cleanup}\``;
      edits.push(...drops);
      if (cleanup) data.cleanup = cleanup;
      const suggest = alone && removable;
      ctx.report({
        messageId: !alone ? 'shared' : cleanup ? 'mountCleanup' : 'mount',
        data,
        range: pm.command.range,
        related: others.length > 0 ? others.slice(0, 3).map((r) => ({ message: `This RUN reads what ${tool} left on disk before it.`, range: r.keyword.range })) : undefined,
        suggestions: suggest ? [{ messageId: 'addMount', data: { mount, extra }, edits }] : undefined,
      });
    }

    return { RUN: check };
  },
});
