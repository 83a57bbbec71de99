import { defineRule, type Instruction, type ShellWord, type Stage } from '@stowage/core';
import { isWindowsStage } from '../_lib/layers.js';
import { cacheMounts, dockerCleanHandled, lockEdit, optionValue, type CacheMount } from '../_lib/mounts.js';
import {
  MANAGERS,
  cacheCleanupOf,
  cacheDisabledByEnv,
  cacheMountServes,
  classify,
  deletes,
  isWithin,
  rpmCacheDir,
  type CacheCleanup,
  type EnvLookup,
  type Manager,
  type PackageManagerCommand,
} from '../_lib/package-managers.js';
import { rootStage, runEnv, stageSystemManager } from '../_lib/run-env.js';

const APT_DIRS = ['/var/cache/apt', '/var/lib/apt'];

/**
 * A mount that holds apt's state: at or inside /var/cache/apt or /var/lib/apt, or above them
 * (`/var/cache`) in a RUN that runs apt.
 */
function isAptMount(target: string, runsApt: boolean): boolean {
  return APT_DIRS.some((d) => isWithin(target, d) || (runsApt && isWithin(d, target) && target !== '/' && target !== '/var'));
}

/** The mount holds downloaded .deb files: /var/cache/apt, its archives, or a parent. */
function holdsDebs(target: string): boolean {
  return isWithin('/var/cache/apt/archives', target) && target !== '/' && target !== '/var';
}

export default defineRule({
  meta: {
    id: 'cache-mount-defeated',
    summary: 'Disallow cache mounts that the same RUN empties, disables or shares unsafely',
    category: 'cache',
    severity: 'warn',
    fix: 'safe',
    sources: [],
    onbuild: true,
    needsShell: true,
  },
  messages: {
    deleted:
      '`{{command}}` deletes what the cache mount at {{target}} keeps, so the next build finds it empty. Drop the cleanup: a cache mount is not part of the image.',
    disabledFlag:
      '`{{flag}}` turns off the {{tool}} cache that the mount at {{target}} is there to keep. Drop the flag: a cache mount is not part of the image.',
    disabledEnv:
      '{{env}} turns off the {{tool}} cache that the mount at {{target}} is there to keep. Unset it for this RUN (or drop the mount).',
    unlocked:
      'The apt cache mount at {{target}} is shared between concurrent builds, and apt cannot share it: a second build fails to get its lock or corrupts the cache. Add `sharing=locked`.',
    dockerClean:
      'The cache mount at {{target}} stays empty: {{image}} images ship /etc/apt/apt.conf.d/docker-clean, which deletes downloaded packages after every install. Remove it in an earlier RUN (`rm -f /etc/apt/apt.conf.d/docker-clean`).',
    lock: 'Add `sharing=locked`',
  },
  create(ctx) {
    const { model, text } = ctx;

    /** An RPM manager's clean command in an image whose release says where its cache is. */
    function knownRpmDir(cleanup: CacheCleanup, stage: Stage): CacheCleanup {
      if (!cleanup.oneOf || !cleanup.manager) return cleanup;
      const base = rootStage(stage).base;
      const dir = rpmCacheDir(cleanup.manager, base.repository, base.tag ?? '');
      return dir ? { ...cleanup, paths: [dir], oneOf: false } : cleanup;
    }

    function managersServed(m: CacheMount, env: EnvLookup, pms: PackageManagerCommand[]): Set<Manager> {
      const served = new Set<Manager>();
      if (!m.target) return served;
      for (const pm of pms) if (cacheMountServes(m.target, pm.manager, env)) served.add(pm.manager);
      return served;
    }

    function check(run: Instruction, stage: Stage | null): void {
      if (!stage || isWindowsStage(model, stage)) return;
      const mounts = cacheMounts(model, run);
      if (mounts.length === 0) return;
      const script = model.shellOf(run);
      const commands = script?.commands ?? [];
      const pms = commands.map(classify).filter((p): p is PackageManagerCommand => p !== null);
      const env = runEnv(model, run);
      const reported = new Set<unknown>();

      for (const m of mounts) {
        if (!m.target) continue;
        const target = m.target;
        const served = managersServed(m, env, pms);

        // 1. Commands of this RUN that delete the mount's contents.
        for (const c of commands) {
          if (reported.has(c)) continue;
          const found = cacheCleanupOf(c);
          if (!found) continue;
          const cleanup = knownRpmDir(found, stage);
          const hits = cleanup.manager
            ? cleanup.paths.length > 0
              ? cleanup.oneOf
                ? cleanup.paths.every((p) => deletes(p, target))
                : cleanup.paths.some((p) => deletes(p, target))
              : served.has(cleanup.manager) || cacheMountServes(target, cleanup.manager, env)
            : cleanup.paths.some((p) => deletes(p.startsWith('~/') && env('HOME')?.startsWith('/') ? env('HOME') + p.slice(1) : p, target));
          if (!hits) continue;
          reported.add(c);
          ctx.report({
            messageId: 'deleted',
            data: { command: text.slice(c.range.start, c.range.end).replace(/\s+/g, ' ').replace(/ \\ /g, ' '), target },
            range: c.range,
          });
        }

        // 2. Invocations that turn the cache off.
        for (const pm of pms) {
          if (!served.has(pm.manager)) continue;
          const flag: ShellWord | null = pm.noCacheFlag;
          if (flag && !reported.has(flag)) {
            reported.add(flag);
            ctx.report({ messageId: 'disabledFlag', data: { flag: flag.value ?? flag.raw, tool: MANAGERS[pm.manager].label, target }, range: flag.range });
            continue;
          }
          const envName = cacheDisabledByEnv(pm, env);
          if (envName && pm.downloads && !reported.has(`${pm.manager}:${m.flag.range.start}`)) {
            reported.add(`${pm.manager}:${m.flag.range.start}`);
            ctx.report({ messageId: 'disabledEnv', data: { env: envName, tool: MANAGERS[pm.manager].label, target }, range: m.targetOption?.range ?? m.flag.range });
          }
        }

        // 3. apt mounts without sharing=locked.
        if (isAptMount(target, pms.some((p) => p.manager === 'apt')) && (m.sharing === null || optionValue(m.sharing)?.toLowerCase() === 'shared')) {
          const edit = lockEdit(m);
          ctx.report({
            messageId: 'unlocked',
            data: { target },
            range: m.sharing?.range ?? m.targetOption?.range ?? m.flag.range,
            fix: edit ? { messageId: 'lock', edits: [edit] } : undefined,
          });
        }

        // 4. /var/cache/apt in a Debian/Ubuntu stage that keeps docker-clean.
        if (holdsDebs(target) && stageSystemManager(stage) === 'apt') {
          const installs = pms.some((p) => p.manager === 'apt' && (p.action === 'install-packages' || p.action === 'upgrade' || p.action === 'download'));
          if (installs && !dockerCleanHandled(model, stage, run)) {
            const repo = rootStage(stage).base.repository;
            ctx.report({
              messageId: 'dockerClean',
              data: { target, image: /ubuntu/i.test(repo) ? 'Ubuntu' : 'Debian-based' },
              range: m.targetOption?.range ?? m.flag.range,
            });
          }
        }
      }
    }

    return { RUN: check };
  },
});
