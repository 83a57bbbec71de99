import { defineRule, type Instruction, type ShellCommand, type ShellScript, type ShellWord, type Stage } from '@stowage/core';
import {
  blockStart,
  cannotReadEnv,
  commandName,
  contextCopy,
  isShellWrapper,
  isSourceDir,
  isWholeContext,
  isWindowsStage,
  lineEndOf,
  mentions,
  ownsItsLines,
  resolvePath,
  textOf,
  workdirAt,
  type ContextCopy,
} from '../_lib/layers.js';
import { classify, isWithin, MANAGERS } from '../_lib/package-managers.js';

/** Instructions a RUN can be moved above without changing what it sees. */
const INERT = new Set(['LABEL', 'EXPOSE', 'MAINTAINER', 'STOPSIGNAL', 'HEALTHCHECK', 'CMD', 'ENTRYPOINT']);

/** Where package managers and user tools read their configuration and write. */
const SYSTEM_DIRS = ['/etc', '/usr', '/var', '/lib', '/lib64', '/bin', '/sbin', '/root', '/home', '/opt', '/run'];

/** Commands that only act on the paths among their arguments (and stdin/stdout). */
const FILE_COMMANDS = new Set(['mkdir', 'rm', 'rmdir', 'ln', 'cp', 'mv', 'chmod', 'chown', 'chgrp', 'touch', 'install', 'sha256sum', 'sha512sum', 'sha1sum', 'md5sum', 'cat', 'tee', 'sed', 'gzip', 'gunzip', 'xz', 'unxz', 'bzip2', 'setcap', 'ls', 'test', '[', 'stat', 'readlink', 'realpath', 'dpkg-divert', 'rpm']);
/** Commands whose arguments are no paths (text, names, settings). */
const TEXT_COMMANDS = new Set(['echo', 'printf', 'true', 'false', ':', 'set', 'export', 'unset', 'umask', 'sleep', 'id', 'whoami', 'uname', 'arch', 'nproc', 'date', 'getent', 'locale-gen', 'update-locale', 'localedef', 'ldconfig', 'update-ca-certificates', 'update-alternatives', 'debconf-set-selections', 'dpkg-reconfigure', 'command', 'hash', 'which', 'type', 'groupadd', 'addgroup', 'groupmod', 'chpasswd', 'passwd', 'apt-key', 'rpmkeys', 'yum-config-manager', 'add-apt-repository', 'apt-add-repository', 'apt-cache', 'apt-mark', 'gpgconf', 'gpg-agent', 'dirmngr', 'ssh-keyscan', 'systemctl', 'update-rc.d']);
const USER_COMMANDS = new Set(['useradd', 'adduser', 'usermod']);
/** Options whose next word is not a path, per command (so it is skipped). */
const VALUE_OPTS: Record<string, RegExp> = {
  useradd: /^(-[ugGsckeEfKpU]|--(uid|gid|groups|shell|comment|key|expiredate|inactive|password|system|user-group))$/,
  adduser: /^(-[ugGsDS]|--(uid|gid|ingroup|shell|gecos|group|system|disabled-password|firstuid|lastuid))$/,
  usermod: /^(-[ugGslcepaL]|--(uid|gid|groups|shell|login|comment|expiredate|password|append))$/,
  curl: /^(-[HXudAeFrmwxEuU]|--(header|request|data|data-raw|data-binary|user-agent|referer|form|range|max-time|write-out|proxy|user|connect-timeout|retry|retry-delay|retry-max-time|cacert|cert|key|tlsv1\.\d|proto|proto-redir|limit-rate|max-filesize|resolve|compressed-ssh))$/,
  wget: /^(-[Ut]|--(user-agent|header|tries|timeout|user|password|progress|wait|limit-rate))$/,
  gpg: /^(--(recv-keys|keyserver|keyserver-options|batch|homedir|recipient|local-user|trust-model|default-key|status-fd)|-[ru])$/,
};

export default defineRule({
  meta: {
    id: 'copy-before-unrelated-run',
    summary: 'Run steps that do not read the copied sources before copying them',
    category: 'cache',
    severity: 'warn',
    fix: 'unsafe',
    sources: [],
    onbuild: false,
    needsShell: true,
  },
  messages: {
    moveAbove:
      'This RUN does not read what `{{copy}}` (line {{line}}) copies, yet it reruns on every edit {{where}}. Move it above that COPY.',
    moveRun: 'Move this RUN above `{{copy}}`',
  },
  create(ctx) {
    const { model } = ctx;
    const short = (s: string, n = 40) => {
      const one = s.replace(/\\\s*\n/g, ' ').replace(/\s+/g, ' ').trim();
      return one.length > n ? `${one.slice(0, n - 1)}…` : one;
    };

    return {
      stage(stage) {
        if (isWindowsStage(model, stage)) return;
        const list = stage.instructions;
        const done = new Set<Instruction>();
        list.forEach((instr, k) => {
          const copy = contextCopy(model, instr);
          if (!copy || copy.unresolved || !copy.sources.some((s) => isWholeContext(s) || isSourceDir(s))) return;
          scanAfter(stage, list, k, copy, done);
        });
      },
    };

    function scanAfter(stage: Stage, list: Instruction[], k: number, copy: ContextCopy, done: Set<Instruction>): void {
      const cwd = workdirAt(model, stage, copy.instr);
      const dest = destOf(copy, cwd);
      if (dest === null) return;
      const touched = [dest];
      const envNames: string[] = [];
      const flagged = new Set<Instruction>();
      for (let j = k + 1; j < list.length; j++) {
        const instr = list[j];
        if (INERT.has(instr.kind)) continue;
        if (instr.kind === 'ENV' || instr.kind === 'ARG') {
          envNames.push(...instr.properties.map((p) => p.name));
          continue;
        }
        if (instr.kind === 'COPY' || instr.kind === 'ADD') {
          const c = contextCopy(model, instr);
          const d = c ? destOf(c, cwd) : null;
          const from = instr.flags.find((f) => f.name.toLowerCase() === 'from');
          const other = from ? model.scopeAt(instr).expand(instr.args[instr.args.length - 1]?.raw ?? '').value : null;
          const to = d ?? (other !== null ? (other.startsWith('/') ? resolvePath('/', other) : cwd && resolvePath(cwd, other)) : null);
          if (!to) return;
          touched.push(to);
          continue;
        }
        if (instr.kind !== 'RUN') return;
        if (done.has(instr) || !unrelated(instr, touched, cwd, envNames)) return;
        done.add(instr);
        flagged.add(instr);
        const fix = moveFix(copy, instr, list, k, j, flagged);
        const where = copy.sources.some(isWholeContext) ? 'in the build context' : `in ${copy.sources.find(isSourceDir)}`;
        ctx.report({
          messageId: 'moveAbove',
          data: { copy: short(textOf(model, copy.instr)), line: model.lines.positionAt(copy.instr.range.start).line, where },
          range: instr.range,
          related: [{ message: 'The COPY whose every change reruns this RUN.', range: copy.instr.range }],
          fix: fix ?? undefined,
        });
      }
    }

    function destOf(c: ContextCopy, cwd: string | null): string | null {
      if (c.dest.startsWith('/')) return resolvePath('/', c.dest);
      return cwd === null ? null : resolvePath(cwd, c.dest);
    }

    /**
     * Moves the RUN above the COPY, together with what lies between (metadata and the RUNs this
     * rule also moves up), so that their order is kept whichever fix is applied first.
     */
    function moveFix(copy: ContextCopy, run: Instruction, list: Instruction[], k: number, j: number, flagged: Set<Instruction>) {
      if (!ownsItsLines(model, copy.instr)) return null;
      for (let i = k + 1; i <= j; i++) {
        if (!INERT.has(list[i].kind) && !flagged.has(list[i])) return null;
        if (!ownsItsLines(model, list[i])) return null;
      }
      const at = blockStart(model, copy.instr);
      const from = blockStart(model, list[k + 1]);
      const to = lineEndOf(model, run.range.end);
      let text = model.text.slice(from, to);
      if (!text.endsWith('\n')) text += '\n';
      return {
        messageId: 'moveRun',
        data: { copy: short(textOf(model, copy.instr)) },
        edits: [
          { range: { start: at, end: at }, text },
          { range: { start: from, end: to }, text: '' },
        ],
      };
    }

    /** The RUN provably reads and writes nothing under `touched` (nor the working directory when that is there). */
    function unrelated(run: Instruction, touched: string[], cwd: string | null, envNames: string[]): boolean {
      if (run.flags.some((f) => f.name.toLowerCase() === 'mount' && (f.options.find((o) => o.key.toLowerCase() === 'type')?.value ?? 'bind') === 'bind')) return false;
      const text = textOf(model, run);
      if (envNames.some((n) => mentions(text, n))) return false;
      const script = model.shellOf(run);
      if (!script || script.errors.length > 0 || script.commands.length === 0) return false;
      // The directories a relative path may be resolved against: the workdir and the `cd` targets.
      // Without subshells, a command runs in the last `cd` before it; otherwise in any of them.
      const cds: { at: number; dir: string }[] = [];
      for (const c of script.commands) {
        if (commandName(c) !== 'cd') continue;
        const target = c.args.find((a) => !(a.value ?? a.raw).startsWith('-'));
        if (!target || target.value === null || !target.value.startsWith('/')) return false;
        cds.push({ at: c.range.start, dir: resolvePath('/', target.value) });
      }
      const sequential = !/(^|[^$<>])\(/.test(text.replace(/\$\(\(/g, ''));
      let dirs: (string | null)[] = [cwd, ...cds.map((d) => d.dir)];
      const clashes = (p: string): boolean => touched.some((t) => isWithin(p, t) || isWithin(t, p));
      const systemWide = touched.some((t) => SYSTEM_DIRS.some((d) => isWithin(t, d) || t === '/'));
      const pathOk = (w: ShellWord): boolean => {
        const raw = w.value ?? w.raw;
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw === '-' || raw === '/dev/null' || raw.startsWith('/dev/') || raw.startsWith('/proc/')) return true;
        let p = w.value;
        if (p === null) {
          // `/opt/tool-$VERSION/bin`: the static directory before the first expansion.
          const prefix = w.raw.replace(/^["']/, '').split('$')[0];
          if (!prefix.startsWith('/') || !prefix.includes('/')) return false;
          p = prefix.slice(0, prefix.lastIndexOf('/') + 1) || '/';
        }
        if (p.startsWith('~')) p = '/root' + p.slice(1);
        p = p.replace(/\/\*+$/, '');
        if (/[*?[]/.test(p)) p = p.slice(0, p.search(/[*?[]/)).replace(/\/[^/]*$/, '') || '/';
        if (p.startsWith('/')) return !clashes(resolvePath('/', p));
        return dirs.every((d) => d !== null && !clashes(resolvePath(d, p)));
      };
      const cwdOk = () => dirs.every((d) => d !== null && !clashes(d));
      for (const r of script.commands.flatMap((c) => c.redirects)) {
        if (r.target && !/^&?\d*-?$/.test(r.target.value ?? r.target.raw) && r.op !== '<<' && r.op !== '<<-' && r.op !== '<<<' && !pathOk(r.target)) return false;
      }
      const allDirs = dirs;
      for (const c of script.commands) {
        if (sequential) {
          const last = cds.filter((d) => d.at < c.range.start).pop();
          dirs = [last ? last.dir : cwd];
        }
        const ok = commandOk(c, script, pathOk, cwdOk, envNames, systemWide);
        dirs = allDirs;
        if (!ok) return false;
      }
      // Worth moving: it installs, downloads or creates users (a lone `mkdir` costs nothing to rerun).
      return script.commands.some((c) => {
        const name = commandName(c);
        const pm = classify(c);
        return !!pm || name === 'curl' || name === 'wget' || name === 'git' || USER_COMMANDS.has(name ?? '') || name === 'groupadd' || name === 'addgroup';
      });
    }

    function commandOk(c: ShellCommand, script: ShellScript, pathOk: (w: ShellWord) => boolean, cwdOk: () => boolean, envNames: string[], systemWide: boolean): boolean {
      const name = commandName(c);
      if (name === null) return false;
      if (envNames.some((n) => !cannotReadEnv(c, script, n))) return false;
      if (name === 'cd') return true;
      if (isShellWrapper(c, script)) return true;
      const operands = (from = 0, skip?: RegExp) => {
        const out: ShellWord[] = [];
        for (let i = from; i < c.args.length; i++) {
          const v = c.args[i].value ?? c.args[i].raw;
          if (v === '--') continue;
          if (v.startsWith('-')) {
            if (skip?.test(v)) i++;
            continue;
          }
          out.push(c.args[i]);
        }
        return out;
      };
      const pm = classify(c);
      // Package managers and user tools read /etc and write /usr and /var: not when the copy went there.
      if ((pm || USER_COMMANDS.has(name) || name === 'groupadd' || name === 'addgroup') && systemWide) return false;
      if (pm) {
        if (MANAGERS[pm.manager].kind === 'system') {
          // Package names only: a local .deb/.rpm path would be read from the copied files.
          return ['install-packages', 'update-index', 'upgrade', 'remove', 'clean-cache'].includes(pm.action) && pm.packages.every((w) => !/[/]|\.(deb|rpm|apk)$/.test(w.value ?? w.raw));
        }
        // Tools installed outside any project (`npm i -g`, `pip install flask`, `go install x@v1`).
        const named = pm.packages.length > 0 && pm.packages.every((w) => w.value !== null && !/^(\.|\/|~|file:|git\+file)/.test(w.value) && !/\.(whl|tar\.gz|tgz|zip)$/.test(w.value));
        return pm.action === 'install-packages' && named && pm.manifests.every((m) => m.role === 'config' || !m.required) && (pm.global || pm.manager === 'pip' || pm.manager === 'gem');
      }
      if (TEXT_COMMANDS.has(name)) return true;
      if (USER_COMMANDS.has(name)) {
        // The home directory it creates or names.
        const home = c.args.findIndex((a) => /^(-d|--home|--home-dir|-h)$/.test(a.value ?? ''));
        if (home >= 0 && (!c.args[home + 1] || !pathOk(c.args[home + 1]))) return false;
        return true;
      }
      if (name === 'curl') {
        if (c.args.some((a) => /^(-O|--remote-name|--remote-name-all|-[a-zA-Z]*O[a-zA-Z]*)$/.test(a.value ?? '') && !/^-[a-zA-Z]*o/.test(a.value ?? ''))) {
          if (!cwdOk()) return false;
        }
        const out = c.args.findIndex((a) => /^(-o|--output|--output-dir|-[a-zA-Z]*o)$/.test(a.value ?? ''));
        if (out >= 0 && (!c.args[out + 1] || !pathOk(c.args[out + 1]))) return false;
        return operands(0, VALUE_OPTS.curl).every((w) => /^[a-z][a-z0-9+.-]*:\/\//i.test(w.value ?? w.raw) || (out >= 0 && w === c.args[out + 1]));
      }
      if (name === 'wget') {
        const out = c.args.findIndex((a) => /^(-O|--output-document|-P|--directory-prefix|-[a-zA-Z]*O)$/.test(a.value ?? ''));
        if (out >= 0) {
          if (!c.args[out + 1] || !pathOk(c.args[out + 1])) return false;
        } else if (!cwdOk()) return false;
        return operands(0, VALUE_OPTS.wget).every((w) => /^[a-z][a-z0-9+.-]*:\/\//i.test(w.value ?? w.raw) || (out >= 0 && w === c.args[out + 1]));
      }
      if (name === 'tar' || name === 'unzip') {
        const dirOpt = c.args.findIndex((a) => /^(-C|--directory|-d)$/.test(a.value ?? '') || /^--directory=/.test(a.value ?? ''));
        if (dirOpt < 0 && !cwdOk()) return false;
        return c.args.every((a) => (a.value ?? a.raw).startsWith('-') || pathOk(a));
      }
      if (name === 'gpg' || name === 'gpgv') {
        return operands(0, VALUE_OPTS.gpg).every(pathOk) && c.args.every((a, i) => !/^(-o|--output)$/.test(a.value ?? '') || (c.args[i + 1] && pathOk(c.args[i + 1])));
      }
      if (name === 'git') {
        // `git clone URL DIR`: the directory it writes.
        const ops = operands(0, /^(-b|--branch|--depth|-c|--config|--origin|-o|--reference|--separate-git-dir|--filter|-j|--jobs)$/);
        if (ops[0]?.value !== 'clone') return false;
        const dir = ops[2];
        return dir ? pathOk(dir) : cwdOk();
      }
      if (FILE_COMMANDS.has(name)) {
        let ops = operands(0, name === 'sed' ? /^(-e|--expression|-f)$/ : name === 'install' ? /^(-m|--mode|-o|--owner|-g|--group)$/ : undefined);
        if (name === 'chmod' || name === 'chown' || name === 'chgrp') ops = ops.slice(1);
        if (name === 'sed' && !c.args.some((a) => /^(-e|--expression)/.test(a.value ?? ''))) ops = ops.slice(1);
        if ((name === 'cat' || name === 'tee' || name === 'sha256sum' || name === 'sha512sum' || name === 'md5sum' || name === 'sha1sum') && ops.length === 0) return true;
        return ops.length > 0 && ops.every(pathOk);
      }
      return false;
    }
  },
});
