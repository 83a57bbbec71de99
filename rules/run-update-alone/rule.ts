import { defineRule, joinContinuations, type Instruction, type ShellCommand, type Stage } from '@stowage/core';
import { isWindowsStage } from '../_lib/layers.js';
import { cacheCleanupOf, classify, deletes, mayRunManager, type Manager, type PackageManagerCommand } from '../_lib/package-managers.js';
import { leadingCommandsOf } from '../_lib/leading-commands.js';
import { runText } from '../_lib/run-text.js';

/** Managers that share one package index. */
const FAMILY: Partial<Record<Manager, string>> = { apt: 'apt', apk: 'apk', dnf: 'rpm', yum: 'rpm', microdnf: 'rpm', zypper: 'zypper' };

/** Each family's managers. */
const MANAGERS_OF: Record<string, Manager[]> = { apt: ['apt'], apk: ['apk'], rpm: ['dnf', 'yum', 'microdnf'], zypper: ['zypper'] };

/** The managers that update an index. */
const UPDATERS = Object.values(MANAGERS_OF).flat();

/** Where each family keeps its index: an update followed by a delete of it leaves nothing stale. */
const INDEX_DIRS: Record<string, string[]> = {
  apt: ['/var/lib/apt/lists'],
  apk: ['/var/cache/apk'],
  rpm: ['/var/cache/dnf', '/var/cache/yum', '/var/cache/libdnf5'],
  zypper: ['/var/cache/zypp'],
};

/**
 * Commands that cannot install packages or read the index, so a RUN made of them and an update
 * installs nothing: file edits, repository and key setup, downloads.
 */
const INERT = new Set([
  'echo', 'printf', 'true', 'false', ':', 'set', 'export', 'rm', 'mkdir', 'ln', 'cp', 'mv', 'chmod', 'chown', 'touch',
  'cat', 'tee', 'sed', 'ls', 'cd', 'test', '[', 'sleep', 'apt-key', 'gpg', 'gpg2', 'curl', 'wget', 'debconf-set-selections',
  'locale-gen', 'update-ca-certificates', 'add-apt-repository', 'apt-add-repository', 'find', 'grep', 'head', 'tail',
  'base64', 'dirmngr', 'install', 'sh', 'bash', 'dash', 'ash',
]);

/** Every index update command (`apt-get update`, `apk update`, `dnf makecache`, `zypper ref[resh]`) has one of these words. */
const UPDATE_WORD = /\b(update|makecache|refresh|ref)\b/;

/** Commands that change the shell state a merged RUN would carry into the next RUN's commands. */
const STATEFUL = new Set(['cd', 'set', 'export', 'source', '.', 'umask', 'alias', 'shopt', 'ulimit', 'pushd', 'popd', 'unset', 'trap', 'exec']);

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

interface Update {
  pm: PackageManagerCommand;
  family: string;
}

/** A letter, then a continuation: a word that goes on on the next line (by escape character). */
const wordContinuesByEsc = new Map<string, RegExp>();
function wordContinuesFor(esc: string): RegExp {
  let re = wordContinuesByEsc.get(esc);
  if (!re) wordContinuesByEsc.set(esc, (re = new RegExp(`[A-Za-z]${esc.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}[ \t]*\r?\n`)));
  return re;
}

type Role =
  | { role: 'update'; update: Update }
  | { role: 'clean'; deletesIndexOf: string | null }
  | { role: 'inert' }
  | { role: 'other' };

/** What a command is to a RUN that may only update an index: `other` is anything that makes it more. */
function roleOf(cmd: ShellCommand): Role {
  const pm = classify(cmd);
  if (pm) {
    const family = FAMILY[pm.manager];
    if (family && pm.action === 'update-index') return { role: 'update', update: { pm, family } };
    if (family && pm.action === 'clean-cache') {
      // `dnf clean all` after `dnf makecache` deletes the metadata it fetched; `apt-get clean`
      // and `apk cache clean` delete packages only.
      if (family === 'rpm' && /\b(all|metadata|dbcache)\b/.test(pm.subcommand ?? '')) return { role: 'clean', deletesIndexOf: family };
      if (family === 'zypper' && pm.args.some((a) => ['-a', '--all', '-m', '--metadata'].includes(a.value ?? ''))) return { role: 'clean', deletesIndexOf: family };
      return { role: 'clean', deletesIndexOf: null };
    }
    return { role: 'other' };
  }
  const name = cmd.name.value;
  if (name === null) return { role: 'other' };
  const base = basename(name);
  // `sh -c '...'`: its inner commands follow in the list.
  if ((base === 'sh' || base === 'bash' || base === 'dash' || base === 'ash') && !cmd.args.some((a) => a.value?.startsWith('-') && a.value.includes('c'))) return { role: 'other' };
  if (base === 'dpkg') return cmd.args[0]?.value === '--add-architecture' ? { role: 'inert' } : { role: 'other' };
  return INERT.has(base) ? { role: 'inert' } : { role: 'other' };
}

export default defineRule({
  meta: {
    id: 'run-update-alone',
    summary: 'Disallow a package index update in a RUN that installs nothing',
    category: 'cache',
    severity: 'warn',
    fix: 'safe',
    // hadolint's DL3009 asks to delete the apt lists, a different check; nothing is equivalent.
    sources: [],
    onbuild: true,
    needsShell: true,
  },
  messages: {
    stale:
      '`{{command}}` updates the package index in a RUN that installs nothing: the cached layer keeps that day\'s index, and later `{{tool}}` installs use it after the mirrors have moved on (removed versions fail to download). Update in the RUN that installs.',
    unused:
      '`{{command}}` updates the package index in a RUN that installs nothing, and no later RUN of this stage installs with `{{tool}}`: the layer only stores an index that goes stale. Drop it, or update in the RUN that installs.',
    wasted:
      '`{{command}}` fetches repository metadata in a RUN that installs nothing: the layer stores metadata that goes stale, and {{tool}} refreshes expired metadata when it installs anyway. Run it in the RUN that installs, or drop it.',
    merge: 'Merge it into the next RUN, which installs with {{tool}}',
  },
  create(ctx) {
    const { model, text } = ctx;
    const esc = model.ast.escapeChar || '\\';
    const wordContinues = wordContinuesFor(esc);

    /** The update commands of a RUN that installs nothing, or null when it does something else. */
    function updatesAlone(run: Instruction): Update[] | null {
      // Most RUNs update nothing: skip the shell parse unless an update word is there at all, also
      // one a continuation joins (`up\⏎date`), which needs a letter right before the escape.
      const shell = shellText(run);
      const named = UPDATE_WORD.test(text.slice(run.range.start, run.range.end));
      if (!named && (shell === null || !wordContinues.test(shell))) return null;
      if (!named && !UPDATE_WORD.test(joinContinuations(shell!, esc)?.script ?? shell!)) return null;
      if (!mayRunManager(runText(model, run), UPDATERS)) return null;
      // Most that do, install in the next command: seen without a parse when the script starts plainly.
      if (leadingCommandsOf(model, run).some((cmd) => roleOf(cmd).role === 'other')) return null;
      const script = model.shellOf(run);
      if (!script || script.errors.length > 0 || script.commands.length === 0) return null;
      const updates: Update[] = [];
      const deleted: string[] = [];
      for (const cmd of script.commands) {
        const r = roleOf(cmd);
        if (r.role === 'other') return null;
        if (r.role === 'update') updates.push(r.update);
        else if (r.role === 'clean') {
          if (r.deletesIndexOf) deleted.push(r.deletesIndexOf);
        } else if (r.role === 'inert') {
          const cleanup = cacheCleanupOf(cmd);
          if (cleanup) {
            for (const [family, dirs] of Object.entries(INDEX_DIRS)) {
              if (cleanup.paths.some((p) => dirs.some((d) => deletes(p, d)))) deleted.push(family);
            }
          }
        }
      }
      const kept = updates.filter((u) => !deleted.includes(u.family));
      return kept.length > 0 ? kept : null;
    }

    /** The instruction after `run` in its stage (triggers pair with triggers), or null. */
    function next(run: Instruction, stage: Stage): Instruction | null {
      const outer = run.onbuild ?? run;
      const list = stage.instructions;
      const i = list.indexOf(outer);
      const after = i >= 0 ? list[i + 1] : undefined;
      if (!after) return null;
      if (run.onbuild) return after.trigger;
      return after.kind === 'ONBUILD' ? null : after;
    }

    /** The RUN's installs of `family`, if it installs with it. */
    function installsWith(run: Instruction, family: string): boolean {
      if (!mayRunManager(runText(model, run), MANAGERS_OF[family])) return false;
      const script = model.shellOf(run);
      return (script?.commands ?? []).some((c) => {
        const pm = classify(c);
        return pm !== null && FAMILY[pm.manager] === family && (pm.action === 'install-packages' || pm.action === 'upgrade');
      });
    }

    /**
     * The installs with `family` that can use an index updated in `stage`, in order: the stage's
     * own, by the index of their instruction, then those of stages built on it. With `triggers`,
     * only ONBUILD ones. Found once per stage, family and kind, not once per update.
     */
    const installs = new Map<string, { own: { at: number; run: Instruction }[]; later: Instruction | null }>();
    function installsAfter(stage: Stage, family: string, triggers: boolean) {
      const key = `${stage.index}\0${family}\0${triggers}`;
      let found = installs.get(key);
      if (found) return found;
      // A plain RUN's index also serves the ONBUILD installs of images built on this one.
      const targets = (instr: Instruction) => (triggers ? [instr.trigger] : [instr, instr.trigger]);
      const own: { at: number; run: Instruction }[] = [];
      for (const instr of stage.instructions) {
        for (const target of targets(instr)) if (target?.kind === 'RUN' && installsWith(target, family)) own.push({ at: instr.index, run: target });
      }
      const builtOn = (s: Stage) => {
        for (let p = s.parent; p; p = p.parent) if (p === stage) return true;
        return false;
      };
      let later: Instruction | null = null;
      for (const s of model.stages) {
        if (later || s.index <= stage.index || !builtOn(s)) continue;
        for (const instr of s.instructions) {
          later = targets(instr).find((t): t is Instruction => t?.kind === 'RUN' && installsWith(t, family)) ?? null;
          if (later) break;
        }
      }
      installs.set(key, (found = { own, later }));
      return found;
    }

    /** The first later RUN of the stage (or of stages built on it) that installs with `family`. */
    function laterInstall(run: Instruction, stage: Stage, family: string): Instruction | null {
      const outer = run.onbuild ?? run;
      const { own, later } = installsAfter(stage, family, run.onbuild !== null);
      // The first of the stage's installs past `outer`, by binary search.
      let lo = 0;
      let hi = own.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (own[mid].at <= outer.index) lo = mid + 1;
        else hi = mid;
      }
      return lo < own.length ? own[lo].run : later;
    }

    /** The shell text of a shell-form RUN, or null for exec form and heredocs. */
    function shellText(run: Instruction): string | null {
      if (run.jsonForm || run.heredocs.length > 0 || !run.argsRange) return null;
      return text.slice(run.argsRange.start, run.argsRange.end);
    }

    function flagText(run: Instruction): string {
      return run.flags.map((f) => text.slice(f.range.start, f.range.end)).join(' ');
    }

    /**
     * An edit that appends the next RUN's commands to `run` with `&&`, when that keeps what runs
     * and what fails: both shell form, the same flags, nothing between them, `run` ends in a
     * command (no trailing comment or operator) and leaves no shell state behind, and the next RUN
     * is a plain `&&` chain (a `;` or `||` there would run commands after a failed update).
     */
    function mergeEdit(run: Instruction, nextRun: Instruction) {
      const a = shellText(run);
      const b = shellText(nextRun);
      if (a === null || b === null || !run.argsRange || !nextRun.argsRange) return null;
      if (flagText(run) !== flagText(nextRun)) return null;
      const between = text.slice(run.range.end, (nextRun.onbuild ?? nextRun).range.start);
      if (between.trim() !== '') return null;
      const script = model.shellOf(run)!;
      const end = Math.max(...script.commands.map((c: ShellCommand) => c.range.end));
      if (text.slice(end, run.argsRange.end).trim() !== '') return null;
      if (script.commands.some((c) => c.name.value !== null && STATEFUL.has(basename(c.name.value)))) return null;
      // A bare `NAME=value` sets a shell variable the next RUN's commands would now see.
      if (/(^|&&|\|\||;|\n)\s*[A-Za-z_][A-Za-z0-9_]*=\S*\s*(?=$|&&|\|\||;|\n)/.test(a)) return null;
      if (!andChainOnly(b, esc)) return null;
      return { range: { start: end, end: nextRun.argsRange.start }, text: ' && ' };
    }

    function check(run: Instruction, stage: Stage | null): void {
      if (!stage || isWindowsStage(model, stage)) return;
      const updates = updatesAlone(run);
      if (!updates) return;
      const nextInstr = next(run, stage);
      for (const { pm, family } of updates) {
        const tool = basename(pm.tool.value ?? pm.tool.raw);
        const later = laterInstall(run, stage, family);
        const mergeable = nextInstr?.kind === 'RUN' && updates.length === 1 && installsWith(nextInstr, family) ? mergeEdit(run, nextInstr) : null;
        ctx.report({
          messageId: family === 'apt' || family === 'apk' ? (later ? 'stale' : 'unused') : 'wasted',
          data: { command: [pm.tool, ...pm.args].map((w) => w.value ?? w.raw).join(' '), tool },
          range: pm.command.range,
          related: later ? [{ message: `This RUN installs with ${tool}.`, range: later.keyword.range }] : undefined,
          fix: mergeable ? { messageId: 'merge', data: { tool }, edits: [mergeable] } : undefined,
        });
      }
    }

    return { RUN: check };
  },
});

/**
 * Whether a shell script (continuations blanked) is one `&&`-joined list at the top level: no `;`,
 * `||`, lone `&` or line break outside quotes. Pipes and redirections are fine.
 */
export function andChainOnly(script: string, esc = '\\'): boolean {
  let quote: string | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '\\' || c === esc) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(script[i - 1]))) return false;
    if (c === ';' || c === '\n' || c === '\r') {
      if (script.slice(i).trim() === '') return true;
      return false;
    }
    if (c === '|' && script[i + 1] === '|') return false;
    if (c === '&') {
      if (script[i + 1] === '&') {
        i++;
        continue;
      }
      if (script[i - 1] === '>' || script[i + 1] === '>') continue;
      return false;
    }
  }
  return true;
}
