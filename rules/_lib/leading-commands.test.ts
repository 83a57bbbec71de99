import { initShell, joinContinuations, parseShell } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusRuns, haveShared } from '../../test/corpus/files.js';
import { leadingCommands } from './leading-commands.js';

const names = (script: string) => leadingCommands(script).map((c) => [c.name.value, ...c.args.map((a) => a.value)].join(' '));

describe('leadingCommands', () => {
  it('reads the plain commands before the first character that needs the shell', () => {
    expect(names('apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*')).toEqual(['apt-get update', 'apt-get install -y curl']);
    expect(names('set -eux; apt-get update; apt-get install -y make | tee log & wait')).toEqual(['set -eux', 'apt-get update', 'apt-get install -y make', 'tee log', 'wait']);
    expect(names('DEBIAN_FRONTEND=noninteractive apt-get install -y x')).toEqual(['apt-get install -y x']);
    expect(leadingCommands('A=1 B+=2 make')[0].assignments.map((a) => [a.name, a.value?.value])).toEqual([['A', '1'], ['B', '2']]);
    // Assignments alone run no command.
    expect(names('X=1 && make')).toEqual(['make']);
  });

  it('reads quoted words, $NAME and redirections', () => {
    expect(names(`apt-get update && echo "deb [arch=amd64] x main" > /etc/apt/sources.list && apt-get install -y 'curl'`)).toEqual([
      'apt-get update',
      'echo deb [arch=amd64] x main',
      'apt-get install -y curl',
    ]);
    // A word that expands a variable has no static value.
    expect(leadingCommands('pip install -r https://x/$A/${B}/r.txt "$C"')[0].args.map((a) => a.value)).toEqual(['install', '-r', null, null]);
    expect(names('apt-get install -y x 2>&1 >/dev/null </dev/null && make')).toEqual(['apt-get install -y x', 'make']);
    expect(names('>log 2> err make all')).toEqual(['make all']);
    // A plain command substitution is part of a word whose value is unknown; its commands are not read.
    expect(names('saved="$(apt-mark showmanual)"; arch=$(dpkg --print-architecture | cut -d- -f1); apt-get install -y x-$arch')).toEqual(['apt-get install -y ']);
    // A quoted option is an option.
    expect(leadingCommands('apt-get "-y" install x')[0].options.map((o) => o.name)).toEqual(['-y']);
    expect(leadingCommands('A="x y" B=$C make')[0].assignments.map((a) => [a.name, a.value?.value])).toEqual([['A', 'x y'], ['B', null]]);
  });

  it('leaves out a command cut off by shell syntax, and everything after it', () => {
    expect(names('apt-get update && apt-get install -y $(cat "pkgs") && make')).toEqual(['apt-get update']);
    expect(names('apt-get update && apt-get install -y $((1+2)) && make')).toEqual(['apt-get update']);
    expect(names('apt-get update && apt-get install -y $(cat $F) && make')).toEqual(['apt-get update']);
    expect(names('apt-get update && apt-get install -y $() && make')).toEqual(['apt-get update']);
    expect(names('apt-get update && apt-get install `cat pkgs`')).toEqual(['apt-get update']);
    expect(names('apt-get update && apt-get install "$(cat "pkgs")"')).toEqual(['apt-get update']);
    expect(names('apt-get update && apt-get install "$(cat pkgs) && x" && make')).toEqual(['apt-get update', 'apt-get install ', 'make']);
    expect(names('apt-get update && apt-get install "a\\"b"')).toEqual(['apt-get update']);
    expect(names('apt-get update && apt-get install ${PKGS:-curl}')).toEqual(['apt-get update']);
    expect(names('apt-get update && apt-get install $1')).toEqual(['apt-get update']);
    expect(names("apt-get update && apt-get install 'unclosed")).toEqual(['apt-get update']);
    expect(names('apt-get update && cat <<EOF')).toEqual(['apt-get update']);
    expect(names('apt-get update && diff <(a) b')).toEqual(['apt-get update']);
    expect(names('apt-get update && rm -rf /var/lib/apt/lists/*')).toEqual(['apt-get update']);
    expect(names('make all# not a comment here')).toEqual([]);
    expect(names('apt-get update && apt-get install x\\ y')).toEqual(['apt-get update']);
    expect(names('a && b |& c')).toEqual(['a']);
    expect(names('a && b &> log')).toEqual(['a']);
    expect(names('a && {b,c} d')).toEqual(['a']);
    expect(names('a && ~/bin/x')).toEqual(['a']);
    // A line break is never plain here: the script comes with its continuations joined.
    expect(names('a\nb')).toEqual([]);
  });

  it('stops at reserved words, whose next words are no commands', () => {
    expect(names('apt-get update && for x in a b; do make; done')).toEqual(['apt-get update']);
    expect(names('if true; then apt-get install x; fi')).toEqual([]);
    expect(names('a && time b')).toEqual(['a']);
    // As an argument a reserved word is a plain word.
    expect(names('echo if then fi')).toEqual(['echo if then fi']);
  });

  it('gives the ranges of the words in the script', () => {
    const [, install] = leadingCommands('apt-get update && apt-get install -y curl');
    expect(install.name.range).toEqual({ start: 18, end: 25 });
    expect(install.range).toEqual({ start: 18, end: 41 });
    expect(install.options.map((o) => o.name)).toEqual(['-y']);
  });
});

describe('leadingCommands against the shell parse', () => {
  beforeAll(async () => {
    await initShell();
  });

  /** The top-level commands of the parse: what `leadingCommands` must give a prefix of. */
  const parsed = (script: string) =>
    parseShell(script, 0).commands
      .filter((c) => c.nested === 0 && !c.inSubstitution)
      .map((c) => [c.name.value, ...c.args.map((a) => a.value)].join(' '));

  it('agrees on awkward scripts', () => {
    for (const script of [
      'a && b || c; d | e & f',
      'X=1 Y=2 cmd --opt=v -- -x',
      'apt-get -o Dpkg::Options::=--force-confold install -y x',
      'sudo -u user apt-get install x && env A=1 make',
      'sh -c "apt-get install x" && make',
      'apt-get update; echo done > /tmp/x',
    ]) {
      const mine = names(script);
      expect(parsed(script).slice(0, mine.length)).toEqual(mine);
    }
  });

  it.runIf(haveShared)('finds the same commands, in order, as the parse of every RUN in the corpus and gold set', () => {
    const bad: string[] = [];
    let commands = 0;
    for (const { file, text, esc, run } of corpusRuns()) {
      if (run.jsonForm || run.heredocs.length > 0 || !run.argsRange) continue;
      const shell = text.slice(run.argsRange.start, run.argsRange.end);
      const script = joinContinuations(shell, esc)?.script ?? shell;
      const mine = names(script);
      commands += mine.length;
      const theirs = parsed(script).slice(0, mine.length);
      if (JSON.stringify(theirs) !== JSON.stringify(mine) && bad.length < 5) bad.push(`${file}: ${JSON.stringify(mine)} vs ${JSON.stringify(theirs)}`);
    }
    expect(commands).toBeGreaterThan(5_000);
    expect(bad).toEqual([]);
  });
});
