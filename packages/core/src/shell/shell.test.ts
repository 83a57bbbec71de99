import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { corpusDir, corpusRuns, goldFiles, haveShared, listFiles } from '../../../../test/corpus/files.js';
import type { Instruction } from '../syntax/ast.js';
import { parse } from '../syntax/parse.js';
import type { Range } from '../text.js';
import { joinContinuations } from './continuations.js';
import { rawCursorInUse } from './parser.js';
import { clearShellMemo, initShell, isShellReady, parseShell, shellOfInstruction } from './shell.js';
import type { ShellCommand, ShellScript } from './shell.js';

const slice = (text: string, r: Range | null | undefined) => (r ? text.slice(r.start, r.end) : null);

/** Parses a Dockerfile and returns the shell of its n-th RUN (ONBUILD triggers included). */
function shellOf(text: string, n = 0): { text: string; instr: Instruction; sh: ShellScript | null } {
  const { ast } = parse(text);
  const runs = ast.instructions.map((i) => i.trigger ?? i).filter((i) => i.kind === 'RUN');
  const instr = runs[n];
  return { text: ast.text, instr, sh: shellOfInstruction(instr, ast.text, ast.escapeChar) };
}

/** Name and arg values of each command. */
const summary = (sh: ShellScript | null) => sh?.commands.map((c) => [c.name.value, ...c.args.map((a) => a.value)]);

/** Offsets of the n-th occurrence of `s` in `text`. */
function find(text: string, s: string, n = 0): Range {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(s, at + 1);
    if (at < 0) throw new Error(`'${s}' #${n} not in text`);
  }
  return { start: at, end: at + s.length };
}

beforeAll(async () => {
  await initShell();
});

describe('initShell', () => {
  it('is idempotent and reports readiness', async () => {
    await Promise.all([initShell(), initShell()]);
    expect(isShellReady()).toBe(true);
  });

  it('parseShell throws a clear error when the parser is not loaded', async () => {
    vi.resetModules();
    const fresh = await import('./shell.js');
    expect(fresh.isShellReady()).toBe(false);
    expect(() => fresh.parseShell('ls', 0)).toThrow(/initShell/);
    vi.resetModules();
  });
});

describe('shellOfInstruction: shell form', () => {
  it('splits && chains with exact ranges', () => {
    const { text, sh } = shellOf('FROM debian\nRUN apt-get update && apt-get install -y curl\n');
    expect(summary(sh)).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', 'curl'],
    ]);
    const [a, b] = sh!.commands;
    expect(a.range).toEqual({ start: 16, end: 30 });
    expect(slice(text, a.range)).toBe('apt-get update');
    expect(slice(text, a.name.range)).toBe('apt-get');
    expect(b.name.range).toEqual({ start: 34, end: 41 });
    expect(b.args.map((w) => slice(text, w.range))).toEqual(['install', '-y', 'curl']);
    expect(b.args[2].range).toEqual({ start: 53, end: 57 });
    expect(b.options.map((o) => [o.name, o.value, slice(text, o.word.range)])).toEqual([['-y', null, '-y']]);
    expect(a.nested).toBe(0);
    expect(sh!.errors).toEqual([]);
  });

  it('reads pipes, ||, ;, subshells, groups and control flow bodies in source order', () => {
    const text =
      'FROM x\nRUN set -eux; curl -fsSL https://x.sh | sh -s -- -y || (cd /tmp && make) ; { echo a; } ; ' +
      'if [ -f a ]; then rm a; fi; for i in 1 2; do touch "$i"; done; f() { g; }; case "$x" in a) h ;; esac\n';
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([
      ['set', '-eux'],
      ['curl', '-fsSL', 'https://x.sh'],
      ['sh', '-s', '--', '-y'],
      ['cd', '/tmp'],
      ['make'],
      ['echo', 'a'],
      ['rm', 'a'],
      ['touch', null],
      ['g'],
      ['h'],
    ]);
    const c = sh!.commands;
    expect(c.map((x) => x.inPipeline)).toEqual([false, true, true, false, false, false, false, false, false, false]);
    expect(slice(text, c[2].range)).toBe('sh -s -- -y');
    // options stop at `--`
    expect(c[2].options.map((o) => o.name)).toEqual(['-s']);
    expect(c[1].options.map((o) => o.name)).toEqual(['-fsSL']);
    for (let i = 1; i < c.length; i++) expect(c[i].range.start).toBeGreaterThan(c[i - 1].range.start);
  });

  it('reads commands inside command substitutions and backticks', () => {
    const text = 'FROM x\nRUN echo "$(uname -m)" `id -u` && X=$(cat /v) make\n';
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([
      ['echo', null, null],
      ['uname', '-m'],
      ['id', '-u'],
      ['make'], // starts at `X=`
      ['cat', '/v'],
    ]);
    expect(sh!.commands.map((c) => c.inSubstitution)).toEqual([false, true, true, false, true]);
    expect(slice(text, sh!.commands[3].range)).toBe('X=$(cat /v) make');
    expect(slice(text, sh!.commands[1].range)).toBe('uname -m');
    expect(sh!.commands[1].range).toEqual(find(text, 'uname -m'));
  });

  it('joins line continuations and drops the comment lines inside them, keeping file offsets', () => {
    const text =
      'FROM debian\nRUN apt-get update \\\n  # a comment with \'quote and "quote\n\n    && apt-get install -y \\\n       --no-install-recommends curl=7.* \\\n    && rm -rf /var/lib/apt/lists/*\n';
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([
      ['apt-get', 'update'],
      ['apt-get', 'install', '-y', '--no-install-recommends', 'curl=7.*'],
      ['rm', '-rf', '/var/lib/apt/lists/*'],
    ]);
    expect(sh!.errors).toEqual([]);
    const install = sh!.commands[1];
    expect(install.range).toEqual({ start: find(text, 'apt-get', 1).start, end: find(text, 'curl=7.*').end });
    expect(slice(text, install.args[2].range)).toBe('--no-install-recommends');
    expect(install.args[2].range).toEqual(find(text, '--no-install-recommends'));
    expect(install.options.map((o) => o.name)).toEqual(['-y', '--no-install-recommends']);
    // A command's range is in the file, continuation included.
    expect(slice(text, install.range)).toBe('apt-get install -y \\\n       --no-install-recommends curl=7.*');
    expect(sh!.commands[2].args[1].range).toEqual(find(text, '/var/lib/apt/lists/*'));
  });

  it('joins a word broken by a continuation, as BuildKit does (not two words)', () => {
    // Continuation lines keep their leading blanks: only a break with none inside a word joins it.
    const text = 'FROM debian\nRUN cu\\\nrl -fsSL "https://exa\\\n# a comment line\nmple.com/x" && apt-get inst\\   \r\nall -y git\n';
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([
      ['curl', '-fsSL', 'https://example.com/x'],
      ['apt-get', 'install', '-y', 'git'],
    ]);
    const [curl, apt] = sh!.commands;
    // Each range covers the word in the file, continuation and all; raw is what the shell reads.
    expect(curl.name.range).toEqual(find(text, 'cu\\\nrl'));
    expect(curl.name.raw).toBe('curl');
    expect(slice(text, curl.args[1].range)).toBe('"https://exa\\\n# a comment line\nmple.com/x"');
    expect(curl.args[1].raw).toBe('"https://example.com/x"');
    expect(slice(text, apt.args[0].range)).toBe('inst\\   \r\nall');
    expect(apt.args[2].range).toEqual(find(text, 'git'));
    expect(apt.range).toEqual({ start: find(text, 'apt-get').start, end: find(text, 'git').end });
  });

  it('remembers joined scripts by their text as written', () => {
    clearShellMemo();
    const broken = 'FROM a\nRUN cu\\\nrl x\n';
    const whole = 'FROM a\nRUN curl x\n';
    const first = shellOf(broken).sh!;
    const second = shellOf(whole).sh!;
    expect(summary(first)).toEqual(summary(second));
    expect(first.commands[0].args[0].range).toEqual(find(broken, 'x'));
    expect(second.commands[0].args[0].range).toEqual(find(whole, 'x'));
    // The same text elsewhere (here 2 characters later) gives what a fresh parse gives there.
    const moved = shellOf(`# \n${broken}`);
    clearShellMemo();
    expect(moved.sh).toEqual(shellOf(`# \n${broken}`).sh);
    expect(moved.sh!.commands[0].name.range).toEqual(find(moved.text, 'cu\\\nrl'));
  });

  it('honours a backtick escape directive (backslash is then not a continuation)', () => {
    const text = '# escape=`\nFROM mcr.microsoft.com/windows\nRUN echo a `\n  # note\n  b\\c && dir C:\\x\n';
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([
      ['echo', 'a', 'bc'],
      ['dir', 'C:x'],
    ]);
    expect(sh!.commands[0].args[1].range).toEqual(find(text, 'b\\c'));
    expect(slice(text, sh!.commands[1].args[0].range)).toBe('C:\\x');
  });

  it('reads env assignments before the command name', () => {
    const text = 'FROM x\nRUN FOO=1 BAR="a b" BAZ= make -j2 V=1\n';
    const { sh } = shellOf(text);
    const [c] = sh!.commands;
    expect(c.name.value).toBe('make');
    expect(slice(text, c.name.range)).toBe('make');
    expect(c.args.map((a) => a.value)).toEqual(['-j2', 'V=1']);
    expect(c.assignments.map((a) => [a.name, a.value?.value ?? null, slice(text, a.range), slice(text, a.value?.range)])).toEqual([
      ['FOO', '1', 'FOO=1', '1'],
      ['BAR', 'a b', 'BAR="a b"', '"a b"'],
      ['BAZ', null, 'BAZ=', null],
    ]);
    expect(slice(text, c.range)).toBe('FOO=1 BAR="a b" BAZ= make -j2 V=1');
  });

  it('reads redirects, including those the grammar hangs on a whole list', () => {
    const text = 'FROM x\nRUN make 2>&1 >/dev/null && cat <<<"in" && a >x && b c >>y d | tee log\n';
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([['make'], ['cat'], ['a'], ['b', 'c', 'd'], ['tee', 'log']]);
    const [make, cat, a, b, tee] = sh!.commands;
    expect(make.redirects.map((r) => [r.fd, r.op, r.target?.value, slice(text, r.range)])).toEqual([
      ['2', '>&', '1', '2>&1'],
      [null, '>', '/dev/null', '>/dev/null'],
    ]);
    expect(slice(text, make.range)).toBe('make 2>&1 >/dev/null');
    expect(cat.redirects.map((r) => [r.op, r.target?.value, slice(text, r.target?.range)])).toEqual([['<<<', 'in', '"in"']]);
    expect(a.redirects.map((r) => [r.op, r.target?.value])).toEqual([['>', 'x']]);
    expect(b.redirects.map((r) => [r.op, r.target?.value, slice(text, r.range)])).toEqual([['>>', 'y', '>>y']]);
    expect(slice(text, b.range)).toBe('b c >>y d');
    expect([b.inPipeline, tee.inPipeline]).toEqual([true, true]);
    expect(sh!.errors).toEqual([]);
  });

  it('gives static values of quoted words and null for expansions', () => {
    const text = `FROM x\nRUN echo 'a b' "c\\"d" e\\ f g'h'"i" $HOME "\${X}y" "$(id)" \\$z $'t\\tx' ~/p *.c\n`;
    const { text: t, sh } = shellOf(text);
    const args = sh!.commands[0].args;
    expect(args.map((a) => a.value)).toEqual(['a b', 'c"d', 'e f', 'ghi', null, null, null, '$z', 't\tx', '~/p', '*.c']);
    expect(args.map((a) => a.raw)).toEqual(["'a b'", '"c\\"d"', 'e\\ f', `g'h'"i"`, '$HOME', '"${X}y"', '"$(id)"', '\\$z', "$'t\\tx'", '~/p', '*.c']);
    for (const a of args) expect(slice(t, a.range)).toBe(a.raw);
  });

  it('keeps a word whole where tree-sitter-bash ends it early (`$A/$B/c` is one word, not `$A/$` and `B/c`)', () => {
    const { text: t, sh } = shellOf('FROM x\nRUN wget https://d/$V/sdk-$V-x64.zip -O $A/$B/c && X=$P/$Q/r make all && Y=$P/$Q/r\n');
    const [wget, make] = sh!.commands;
    expect(sh!.commands.length).toBe(2);
    expect(wget.args.map((a) => a.raw)).toEqual(['https://d/$V/sdk-$V-x64.zip', '-O', '$A/$B/c']);
    expect(wget.args.map((a) => a.value)).toEqual([null, '-O', null]);
    for (const a of wget.args) expect(slice(t, a.range)).toBe(a.raw);
    // An assignment's value too: the command is make, not `Q/r`.
    expect([make.name.raw, make.args.map((a) => a.raw), make.assignments.map((a) => [a.name, a.value?.raw])]).toEqual(['make', ['all'], [['X', '$P/$Q/r']]]);
    expect(slice(t, make.assignments[0].value!.range)).toBe('$P/$Q/r');
    // Alone, it is an assignment and no command.
    expect(sh!.assignments.map((a) => [a.name, a.value?.raw])).toEqual([['Y', '$P/$Q/r']]);
  });

  it('splits --name=value options but not short clusters', () => {
    const { sh } = shellOf('FROM x\nRUN pip install --no-cache-dir --index-url=https://i/x -qU "--prefix=/opt" -- -notopt\n');
    expect(sh!.commands[0].options.map((o) => [o.name, o.value])).toEqual([
      ['--no-cache-dir', null],
      ['--index-url', 'https://i/x'],
      ['-qU', null],
      ['--prefix', '/opt'],
    ]);
  });

  it('maps non-ASCII text to UTF-16 offsets', () => {
    const text = 'FROM x\nRUN echo "héllo ✓ 😀" && apt-get install -y curl\n';
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([
      ['echo', 'héllo ✓ 😀'],
      ['apt-get', 'install', '-y', 'curl'],
    ]);
    const [echo, apt] = sh!.commands;
    expect(slice(text, echo.args[0].range)).toBe('"héllo ✓ 😀"');
    expect(echo.args[0].range).toEqual({ start: 16, end: 28 });
    expect(apt.name.range).toEqual({ start: 32, end: 39 });
    expect(slice(text, apt.args[2].range)).toBe('curl');
    expect(apt.args[2].range).toEqual(find(text, 'curl'));
  });

  it('never throws on an unterminated quote and reports the error', () => {
    const text = 'FROM x\nRUN echo "unterminated && ls -l\n';
    const { sh } = shellOf(text);
    expect(sh!.errors.length).toBeGreaterThan(0);
    expect(slice(text, sh!.errors[0])).toBe('"unterminated && ls -l');
    expect(summary(sh)).toEqual([['echo']]);
  });

  it('returns null for an empty RUN and for other instructions', () => {
    const text = 'FROM x\nRUN\nCMD ["ls"]\nRUN --mount=type=cache,target=/x\n';
    const { ast } = parse(text);
    for (const i of ast.instructions) expect(shellOfInstruction(i, ast.text, ast.escapeChar)).toBeNull();
  });

  it('reads ONBUILD RUN triggers', () => {
    const text = 'FROM x\nONBUILD RUN npm ci --omit=dev\n';
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([['npm', 'ci', '--omit=dev']]);
    expect(sh!.commands[0].options.map((o) => [o.name, o.value])).toEqual([['--omit', 'dev']]);
    expect(sh!.commands[0].range).toEqual(find(text, 'npm ci --omit=dev'));
  });

  it('caches the result per instruction', () => {
    const { text, instr, sh } = shellOf('FROM x\nRUN ls\n');
    expect(shellOfInstruction(instr, text, '\\')).toBe(sh);
  });
});

describe('sh -c', () => {
  it('parses the string argument of sh -c, bash -lc and su -c with nested offsets', () => {
    const text = `FROM x\nRUN sh -c 'apt-get update && bash -lc "echo hi"' && /bin/sh -ec "ls -l" && su -c 'id' app\n`;
    const { sh } = shellOf(text);
    const rows = sh!.commands.map((c: ShellCommand) => [c.nested, c.name.value, slice(text, c.range)]);
    expect(rows).toEqual([
      [0, 'sh', `sh -c 'apt-get update && bash -lc "echo hi"'`],
      [1, 'apt-get', 'apt-get update'],
      [1, 'bash', 'bash -lc "echo hi"'],
      [2, 'echo', 'echo hi'],
      [0, '/bin/sh', '/bin/sh -ec "ls -l"'],
      [1, 'ls', 'ls -l'],
      [0, 'su', "su -c 'id' app"],
      [1, 'id', 'id'],
    ]);
    expect(sh!.commands[1].name.range).toEqual(find(text, 'apt-get'));
    expect(sh!.commands[3].args[0].range).toEqual(find(text, 'hi'));
  });

  it('skips shell options before the command string', () => {
    const text = "FROM x\nRUN bash -euxo pipefail -c 'curl -s x | tar -x' && sh -o errexit -c ls\n";
    const { sh } = shellOf(text);
    expect(sh!.commands.map((c) => [c.nested, c.name.value, c.inPipeline])).toEqual([
      [0, 'bash', false],
      [1, 'curl', true],
      [1, 'tar', true],
      [0, 'sh', false],
      [1, 'ls', false],
    ]);
    expect(sh!.commands[2].range).toEqual(find(text, 'tar -x'));
    expect(sh!.commands[4].range).toEqual(find(text, 'ls'));
  });

  it('does not descend into strings with escapes or expansions', () => {
    const { sh } = shellOf('FROM x\nRUN sh -c "echo \\"x\\"" && bash -c "$CMD" && bash script.sh -c x\n');
    expect(sh!.commands.map((c) => [c.nested, c.name.value])).toEqual([
      [0, 'sh'],
      [0, 'bash'],
      [0, 'bash'],
    ]);
  });
});

describe('heredocs', () => {
  it('parses the body of RUN <<EOF as the script', () => {
    const text = 'FROM x\nRUN --mount=type=cache,target=/var/cache/apt <<EOF\nset -e\napt-get update\napt-get install -y git\nEOF\n';
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([['set', '-e'], ['apt-get', 'update'], ['apt-get', 'install', '-y', 'git']]);
    expect(sh!.commands[2].range).toEqual(find(text, 'apt-get install -y git'));
    expect(sh!.errors).toEqual([]);
  });

  it('skips a heredoc script with a non-shell shebang, and reads a shell one', () => {
    const py = shellOf('FROM x\nRUN <<EOF\n#!/usr/bin/env python3\nimport os; os.system("x")\nEOF\n').sh;
    expect(py).toEqual({ commands: [], assignments: [], errors: [] });
    const { text, sh } = shellOf('FROM x\nRUN <<EOF\n#!/bin/bash\nls -l\nEOF\n');
    expect(summary(sh)).toEqual([['ls', '-l']]);
    expect(sh!.commands[0].range).toEqual(find(text, 'ls -l'));
  });

  it('reads the command line of RUN python3 <<EOF, not the body', () => {
    const text = "FROM x\nRUN python3 <<'PY' > /out && echo done\nimport sys\nprint(sys.argv)\nPY\n";
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([['python3'], ['echo', 'done']]);
    const py = sh!.commands[0];
    expect(py.redirects.map((r) => [r.op, r.target?.value, slice(text, r.range)])).toEqual([
      ['<<', 'PY', "<<'PY'"],
      ['>', '/out', '> /out'],
    ]);
    expect(sh!.commands[1].range).toEqual(find(text, 'echo done'));
    expect(sh!.errors).toEqual([]);
  });
});

describe('heredocs with a file descriptor', () => {
  it('parses the command and its heredoc redirect, and the next instruction stays an instruction', () => {
    const text = 'FROM alpine\nRUN cat /proc/self/fd/3 3<<EOF > out\nhello\nEOF\nRUN apk add curl\n';
    const { ast } = parse(text);
    expect(ast.instructions.map((i) => i.kind)).toEqual(['FROM', 'RUN', 'RUN']);
    const sh = shellOfInstruction(ast.instructions[1], ast.text, ast.escapeChar)!;
    expect(summary(sh)).toEqual([['cat', '/proc/self/fd/3']]);
    expect(sh.errors).toEqual([]);
    expect(sh.commands[0].redirects.map((r) => [r.op, r.fd, r.target?.raw ?? null, slice(text, r.range)])).toEqual([
      ['<<', '3', 'EOF', '3<<EOF'],
      ['>', null, 'out', '> out'],
    ]);
  });
});

describe('exec form', () => {
  it('parses the -c string of ["sh", "-c", "..."] inside the quotes', () => {
    const text = 'FROM x\nRUN ["sh", "-c", "apt-get update && apt-get install -y jq"]\n';
    const { sh } = shellOf(text);
    expect(sh!.commands.map((c) => [c.nested, c.name.value, ...c.args.map((a) => a.value)])).toEqual([
      [0, 'sh', '-c', 'apt-get update && apt-get install -y jq'],
      [1, 'apt-get', 'update'],
      [1, 'apt-get', 'install', '-y', 'jq'],
    ]);
    expect(slice(text, sh!.commands[0].name.range)).toBe('"sh"');
    expect(sh!.commands[1].range).toEqual(find(text, 'apt-get update'));
    expect(sh!.commands[2].args[2].range).toEqual(find(text, 'jq'));
  });

  it('gives one command of the JSON strings otherwise', () => {
    const text = 'FROM x\nRUN ["/usr/bin/apt-get", "install", "-y", "a\\"b"]\n';
    const { sh } = shellOf(text);
    expect(summary(sh)).toEqual([['/usr/bin/apt-get', 'install', '-y', 'a"b']]);
    const c = sh!.commands[0];
    expect(c.args.map((a) => slice(text, a.range))).toEqual(['"install"', '"-y"', '"a\\"b"']);
    expect(c.options.map((o) => o.name)).toEqual(['-y']);
    expect(slice(text, c.range)).toBe('"/usr/bin/apt-get", "install", "-y", "a\\"b"');
  });
});

describe('parseShell', () => {
  it('offsets ranges and never throws on garbage', () => {
    const r = parseShell('ls -l /', 100);
    expect(r.commands[0].range).toEqual({ start: 100, end: 107 });
    for (const s of ['', '(((', "'", '$(', '\0\u0001\ud800', 'if then fi', '<<EOF', '`', '}{)(']) {
      expect(() => parseShell(s, 0)).not.toThrow();
    }
    expect(parseShell('if true; then ls', 0).errors.length).toBeGreaterThan(0);
    expect(parseShell('', 0)).toEqual({ commands: [], assignments: [], errors: [] });
  });
});

describe('parse memo', () => {
  const script = `FOO=1 apt-get update && apt-get install -y --no-install-recommends curl >/dev/null 2>&1 | tee log; sh -c 'npm ci --omit=dev' && ( echo $(date) ) <<<x; if then`;

  it('gives a script seen before at another offset the same result a fresh parse gives there', () => {
    clearShellMemo();
    const first = parseShell(script, 10);
    const moved = parseShell(script, 1000);
    clearShellMemo();
    const fresh = parseShell(script, 1000);
    expect(moved).toEqual(fresh);
    expect(moved).not.toEqual(first);
    expect(moved.commands.map((c) => c.name.value)).toEqual(['apt-get', 'apt-get', 'tee', 'sh', 'npm', 'echo', 'date']);
    expect(moved.errors.length).toBeGreaterThan(0);
    // An option is one of the args, as in a fresh parse.
    const install = moved.commands[1];
    expect(install.options[0].word).toBe(install.args[1]);
    expect(install.options.map((o) => o.word.range.start - 1000)).toEqual(first.commands[1].options.map((o) => o.word.range.start - 10));
  });

  it('does not change a remembered result when a relocated copy is read', () => {
    clearShellMemo();
    const first = parseShell(script, 0);
    const snapshot = structuredClone(first);
    parseShell(script, 500).commands[0].args[0].range.start = -1;
    expect(parseShell(script, 0)).toEqual(snapshot);
  });
});

describe('bare assignments', () => {
  const names = (sh: ShellScript | null) => sh?.assignments.map((a) => [a.name, a.value?.value ?? null]);

  it('lists statement assignments and for-loop variables, not command prefixes or export', () => {
    const { text, sh } = shellOf('FROM alpine\nRUN A=1 B="$x"; for f in a b; do X=2 make; done; export Y=3; (Z=4); v=$(C=5 true) && sh -c "W=6"\n');
    expect(names(sh)).toEqual([['A', '1'], ['B', null], ['f', null], ['Z', '4'], ['v', null], ['W', '6']]);
    const a = sh!.assignments;
    expect(slice(text, a[0].range)).toBe('A=1');
    expect(slice(text, a[1].value!.range)).toBe('"$x"');
    expect(slice(text, a[2].range)).toBe('f');
    expect(slice(text, a[5].range)).toBe('W=6');
    // `C=5 true` inside $( ) is a command with a prefix, not a bare assignment.
    expect(sh!.commands.find((c) => c.name.value === 'true')!.assignments.map((x) => x.name)).toEqual(['C']);
    // `X=2 make` keeps its prefix on the command; `export Y=3` is a command.
    expect(sh!.commands.find((c) => c.name.value === 'make')!.assignments.map((x) => x.name)).toEqual(['X']);
    expect(sh!.commands.map((c) => c.name.value)).toContain('export');
  });

  it('finds them across line continuations and keeps them through the parse memo', () => {
    const text = 'FROM alpine\nRUN set -e \\\n    && TOKEN=abc \\\n    && for i in 1 2; do echo $i; done\n';
    const first = shellOf(text).sh;
    const again = shellOf(`# moved\n${text}`).sh;
    expect(names(first)).toEqual([['TOKEN', 'abc'], ['i', null]]);
    expect(again!.assignments.map((x) => x.range.start - 8)).toEqual(first!.assignments.map((x) => x.range.start));
  });
});

describe("walks with the binding's cursor functions", () => {
  /** The RUN scripts (and ONBUILD RUNs) of a Dockerfile text, as shellOfInstruction parses them. */
  function scriptsOf(text: string): string[] {
    const { ast } = parse(text);
    const out: string[] = [];
    for (const top of ast.instructions) {
      const i = top.trigger ?? top;
      if (i.kind === 'RUN' && !i.jsonForm && i.argsRange) out.push(ast.text.slice(i.argsRange.start, i.argsRange.end));
    }
    return out;
  }

  /** Scripts whose parse with the binding's functions differs from one with TreeCursor. */
  function differences(scripts: Iterable<string>): string[] {
    const out: string[] = [];
    try {
      for (const s of scripts) {
        rawCursorInUse(true);
        clearShellMemo();
        const raw = JSON.stringify(parseShell(s, 3));
        rawCursorInUse(false);
        clearShellMemo();
        const pub = JSON.stringify(parseShell(s, 3));
        if (raw !== pub) out.push(s.slice(0, 200));
        if (out.length > 5) break;
      }
    } finally {
      rawCursorInUse(true);
      clearShellMemo();
    }
    return out;
  }

  it('are in use (a web-tree-sitter upgrade that changes them falls back to TreeCursor, and fails here)', () => {
    expect(rawCursorInUse()).toBe(true);
  });

  it('give what TreeCursor gives on awkward scripts and random text', () => {
    const awkward = [
      '', ' ', 'ls', "echo 'unterminated", 'if then fi', 'a && b || c; d | e & f', '$(', '`', '}{)(',
      'cat <<EOF >x\nbody $x\nEOF\necho after', 'cmd >f <<<x', 'x=1 y=2 cmd a=b', 'for i in 1 2; do echo $i; done',
      'case $x in a) y;; *) z;; esac', 'f() { g; }; f', '(((', '\0\u0001\ud800', 'sh -c "apt-get update && apt-get install -y x"',
      `${'echo a && '.repeat(2000)}echo b`, `${'('.repeat(300)}x${')'.repeat(300)}`,
    ];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const alphabet = ` \n\t"'\`$(){}[]<>|&;#\\=-abcx01`;
    const fuzz = Array.from({ length: 400 }, () => Array.from({ length: Math.floor(random() * 80) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    expect(differences([...awkward, ...fuzz])).toEqual([]);
  });

  it.runIf(haveShared)('give what TreeCursor gives on every RUN of the corpus and gold set', () => {
    const scripts = new Set<string>();
    for (const f of [...listFiles(corpusDir), ...goldFiles()]) for (const s of scriptsOf(readFileSync(f, 'utf8'))) scripts.add(s);
    expect(scripts.size).toBeGreaterThan(4000);
    expect(differences(scripts)).toEqual([]);
  });
});

describe('line continuations on real files', () => {
  it.runIf(haveShared)("every word's file range, joined, is the word the shell reads (corpus and gold RUNs)", () => {
    const bad: string[] = [];
    let words = 0;
    for (const { file, text, esc, run } of corpusRuns()) {
      if (run.jsonForm || run.heredocs.length > 0) continue;
      for (const c of shellOfInstruction(run, text, esc)?.commands ?? []) {
        if (c.nested > 0) continue; // `sh -c` words are read from the string's value
        for (const w of [c.name, ...c.args]) {
          const written = text.slice(w.range.start, w.range.end);
          // A continuation always holds a line break (`C:\ ` alone is an escaped blank).
          const joined = /[\r\n]/.test(written) ? (joinContinuations(written, esc)?.script ?? written) : written;
          words++;
          if (joined !== w.raw && bad.length < 5) bad.push(`${file}: ${JSON.stringify(written)} read as ${JSON.stringify(w.raw)}`);
        }
      }
    }
    expect(words).toBeGreaterThan(100_000);
    expect(bad).toEqual([]);
  });
});
