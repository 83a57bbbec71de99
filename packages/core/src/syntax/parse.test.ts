import { describe, expect, it } from 'vitest';
import { parse } from './parse.js';

const slice = (text: string, r: { start: number; end: number } | null) => (r ? text.slice(r.start, r.end) : null);
const find = (text: string, s: string) => ({ start: text.indexOf(s), end: text.indexOf(s) + s.length });

describe('parse', () => {
  it('keeps exact ranges for keywords, flags, mount options and arguments', () => {
    const text = 'FROM alpine AS build\nCOPY --from=build --chmod=755 a /b\nRUN --mount=type=cache,target=/root/.cache \\\n    go build ./...\n';
    const { ast } = parse(text);
    expect(ast.instructions.map((i) => i.kind)).toEqual(['FROM', 'COPY', 'RUN']);
    const copy = ast.instructions[1];
    expect(slice(text, copy.keyword.range)).toBe('COPY');
    expect(copy.flags.map((f) => [f.name, f.value, slice(text, f.range), slice(text, f.valueRange)])).toEqual([
      ['from', 'build', '--from=build', 'build'],
      ['chmod', '755', '--chmod=755', '755'],
    ]);
    expect(copy.args.map((a) => [a.value, slice(text, a.range)])).toEqual([['a', 'a'], ['/b', '/b']]);
    const run = ast.instructions[2];
    const mount = run.flags[0];
    expect(mount.options.map((o) => [o.key, o.value, slice(text, o.range), slice(text, o.keyRange), slice(text, o.valueRange)])).toEqual([
      ['type', 'cache', 'type=cache', 'type', 'cache'],
      ['target', '/root/.cache', 'target=/root/.cache', 'target', '/root/.cache'],
    ]);
    expect(slice(text, run.range)).toBe('RUN --mount=type=cache,target=/root/.cache \\\n    go build ./...');
    expect(slice(text, run.argsRange)).toBe('go build ./...');
  });

  it('reads quoted flag values as BuildKit does: quotes off the options, CSV fields, backslashes kept', () => {
    const text = `FROM alpine\nRUN --mount="type=cache,target=/root/.cache" --mount=type=secret,id='tok',env=T --mount=type=bind,'"source=a,b"',target=/y echo\n`;
    const [cache, secret, bind] = parse(text).ast.instructions[1].flags;
    const read = (f: typeof cache) => f.options.map((o) => [o.key, o.value, slice(text, o.keyRange), slice(text, o.valueRange)]);
    expect(read(cache)).toEqual([['type', 'cache', 'type', 'cache'], ['target', '/root/.cache', 'target', '/root/.cache']]);
    // The closing quote stays outside the last option, so an edit at its end lands inside the quotes.
    expect(text.slice(cache.options[1].range.end, cache.options[1].range.end + 1)).toBe('"');
    expect(read(secret)).toEqual([['type', 'secret', 'type', 'secret'], ['id', 'tok', 'id', 'tok'], ['env', 'T', 'env', 'T']]);
    expect(read(bind)).toEqual([['type', 'bind', 'type', 'bind'], ['source', 'a,b', 'source', 'a,b'], ['target', '/y', 'target', '/y']]);
    const windows = parse('# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN --mount="type=cache,target=C:\\cache" echo\n').ast;
    expect(windows.instructions[1].flags[0].options.map((o) => o.value)).toEqual(['cache', 'C:\\cache']);
  });

  it('never gives a flag option a range that ends before it starts, quoted or not', () => {
    // Deterministic pseudo-random flag values from the characters that matter.
    const parts = ['"', "'", ',', '=', 'a', 'type', 'cache', '\\', ' ', 'x'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % parts.length;
    for (let i = 0; i < 3000; i++) {
      let value = '';
      for (let k = next(); k > 0; k--) value += parts[next()];
      const text = `FROM a\nRUN --mount=${value} echo hi\n`;
      for (const flag of parse(text).ast.instructions[1]?.flags ?? []) {
        for (const o of flag.options) {
          for (const r of [o.range, o.keyRange, o.valueRange]) {
            if (r && !(0 <= r.start && r.start <= r.end && r.end <= text.length)) expect.fail(`${JSON.stringify(text)}: ${JSON.stringify(r)}`);
          }
        }
      }
    }
    // The case dockerfile-ast got wrong: an empty key.
    const text = 'FROM a\nRUN --mount==x echo hi\n';
    const [o] = parse(text).ast.instructions[1].flags[0].options;
    expect(o.keyRange.start).toBe(o.keyRange.end);
  });

  it('ends the flags at a bare `--`', () => {
    const text = 'FROM alpine\nRUN --network=none -- --version x\n';
    const run = parse(text).ast.instructions[1];
    expect(run.flags.map((f) => f.name)).toEqual(['network']);
    expect(run.args.map((a) => a.value)).toEqual(['--version', 'x']);
    expect(slice(text, run.argsRange)).toBe('--version x');
  });

  it('reads directives, comments and the escape character', () => {
    const text = '# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=JSONArgsRecommended\nFROM scratch\n# a comment\nRUN echo hi `\n  there\n';
    const { ast } = parse(text);
    expect(ast.directives.map((d) => [d.name, d.value, slice(text, d.valueRange)])).toEqual([
      ['syntax', 'docker/dockerfile:1', 'docker/dockerfile:1'],
      ['escape', '`', '`'],
      ['check', 'skip=JSONArgsRecommended', 'skip=JSONArgsRecommended'],
    ]);
    expect(ast.escapeChar).toBe('`');
    expect(ast.comments.map((c) => [c.text, slice(text, c.range)])).toEqual([['a comment', '# a comment']]);
    expect(ast.instructions[1].args.map((a) => a.value)).toEqual(['echo', 'hi', 'there']);
  });

  it('separates heredoc bodies from arguments', () => {
    const text = 'FROM alpine\nRUN <<EOF\nset -e\necho $HOME\nEOF\nCOPY <<-A <<B /x\na\nA\nb\nB\n';
    const { ast } = parse(text);
    const run = ast.instructions[1];
    expect(run.args.map((a) => a.raw)).toEqual(['<<EOF']);
    expect(run.heredocs.map((h) => [h.name, h.content, slice(text, h.range), slice(text, h.delimiterRange)])).toEqual([
      ['EOF', 'set -e\necho $HOME', '<<EOF', 'EOF'],
    ]);
    const copy = ast.instructions[2];
    expect(copy.heredocs.map((h) => h.name)).toEqual(['A', 'B']);
    expect(copy.args.map((a) => a.raw)).toEqual(['<<-A', '<<B', '/x']);
  });

  it('reads heredocs with a file descriptor before them, as BuildKit does (3<<EOF)', () => {
    const text = 'FROM alpine\nRUN cat /proc/self/fd/5 5<<FILE1 > out\nthis is the body\nFILE1\nrun echo 3<<<not-a-heredoc 2<<-X\n\tx\n\tX\nENV A=5<<B\n';
    const { ast } = parse(text);
    expect(ast.diagnostics).toEqual([]);
    expect(ast.instructions.map((i) => i.kind)).toEqual(['FROM', 'RUN', 'RUN', 'ENV']);
    const [, run, lower, env] = ast.instructions;
    expect(run.heredocs.map((h) => [h.name, h.content, slice(text, h.range), slice(text, h.delimiterRange)])).toEqual([
      ['FILE1', 'this is the body', '5<<FILE1', 'FILE1'],
    ]);
    expect(run.args.map((a) => a.raw)).toEqual(['cat', '/proc/self/fd/5', '5<<FILE1', '>', 'out']);
    expect(run.args[2].range).toEqual(find(text, '5<<FILE1'));
    // A here-string is no heredoc; the descriptor of `2<<-X` is.
    expect(lower.heredocs.map((h) => [h.name, slice(text, h.range)])).toEqual([['X', '2<<-X']]);
    expect(lower.args.map((a) => a.raw)).toEqual(['echo', '3<<<not-a-heredoc', '2<<-X']);
    expect(env.properties.map((p) => [p.name, p.value])).toEqual([['A', '5<<B']]);
  });

  it('joins a line holding only the escape character with the instruction after it, as BuildKit does', () => {
    const text = 'FROM alpine\n# a comment\n \\\r\nRUN apk add curl\nRUN echo a \\\n  \\\n  b\n';
    const { ast } = parse(text);
    expect(ast.diagnostics).toEqual([]);
    expect(ast.instructions.map((i) => [i.kind, slice(text, i.range)])).toEqual([
      ['FROM', 'FROM alpine'],
      ['RUN', 'RUN apk add curl'],
      // Inside a continuation the line is part of the instruction.
      ['RUN', 'RUN echo a \\\n  \\\n  b'],
    ]);
    const backtick = parse('# escape=`\nFROM windows\n`\nRUN dir c:\\\n');
    expect(backtick.ast.diagnostics).toEqual([]);
    expect(backtick.ast.instructions.map((i) => i.kind)).toEqual(['FROM', 'RUN']);
    // With the default escape character, a lone backtick is an unknown instruction still.
    expect(parse('FROM a\n`\nRUN b\n').ast.diagnostics.map((d) => d.message)).toEqual(["Unknown instruction '`'."]);
  });

  it('unwraps ONBUILD triggers', () => {
    const text = 'FROM alpine\nONBUILD COPY --from=0 . /app\n';
    const { ast } = parse(text);
    const onbuild = ast.instructions[1];
    expect(onbuild.kind).toBe('ONBUILD');
    const trigger = onbuild.trigger!;
    expect(trigger.kind).toBe('COPY');
    expect(trigger.onbuild).toBe(onbuild);
    expect(slice(text, trigger.range)).toBe('COPY --from=0 . /app');
    expect(slice(text, trigger.flags[0].valueRange)).toBe('0');
  });

  it('reads exec form only for real JSON arrays', () => {
    const { ast } = parse('FROM a\nCMD ["node", "server.js"]\nCMD [\'node\']\nENTRYPOINT ["a", \'b\']\n');
    expect(ast.instructions.slice(1).map((i) => [i.jsonForm, i.args.map((a) => a.value)])).toEqual([
      [true, ['node', 'server.js']],
      [false, ['[node]']],
      [false, ['[a,', 'b]']],
    ]);
  });

  it('reads ARG, ENV and LABEL properties with quoting', () => {
    const text = 'ARG A B=2\nFROM x\nENV C="three four" D=5\nENV E six seven\nLABEL "k"=v\n';
    const { ast } = parse(text);
    const props = ast.instructions.map((i) => i.properties.map((p) => [p.name, p.value, p.rawValue]));
    expect(props).toEqual([
      [['A', null, null], ['B', '2', '2']],
      [],
      [['C', 'three four', '"three four"'], ['D', '5', '5']],
      [['E', 'six seven', 'six seven']],
      [['k', 'v', 'v']],
    ]);
  });

  it('never throws, and degrades one bad instruction only', () => {
    const text = 'FROM alpine\nFRM nope\nRUN echo ok\n}}}\n';
    const { ast } = parse(text);
    expect(ast.instructions.map((i) => [i.kind, i.known])).toEqual([
      ['FROM', true], ['FRM', false], ['RUN', true], ['}}}', false],
    ]);
    expect(ast.diagnostics.map((d) => [d.message, slice(text, d.range), d.fatal])).toEqual([
      ["Unknown instruction 'FRM'.", 'FRM', false],
      ["Unknown instruction '}}}'.", '}}}', false],
    ]);
  });

  it('reports binary, huge and empty input without throwing', () => {
    expect(parse('\u0000\u0001ELF').ast.diagnostics.map((d) => d.fatal)).toEqual([true]);
    // Only the first 8 KiB are looked at.
    expect(parse('#'.repeat(8191) + '\u0000').ast.diagnostics.map((d) => d.fatal)).toEqual([true]);
    expect(parse('#'.repeat(8192) + '\u0000').ast.diagnostics.filter((d) => d.fatal)).toEqual([]);
    expect(parse('RUN x\n'.repeat(10), { maxLength: 20 }).ast.diagnostics[0].message).toMatch(/too large/);
    const empty = parse('');
    expect(empty.ast.instructions).toEqual([]);
    expect(empty.ast.diagnostics).toEqual([]);
  });

  it('strips a BOM and handles CRLF', () => {
    const text = '\uFEFFFROM alpine\r\nRUN a \\\r\n  b\r\n';
    const { ast, lines } = parse(text);
    expect(ast.text.startsWith('FROM')).toBe(true);
    expect(ast.instructions[1].args.map((a) => a.value)).toEqual(['a', 'b']);
    expect(lines.positionAt(ast.instructions[1].args[1].range.start)).toEqual({ line: 3, column: 3 });
  });

  it('survives random input', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = 'FROM RUN COPY --from= ONBUILD ARG $ { } [ ] " \' \\ \n # = < <EOF a b';
    const parts = alphabet.split(' ').concat([' ', '\n', '\\\n']);
    for (let n = 0; n < 300; n++) {
      let s = '';
      const len = Math.floor(rand() * 40);
      for (let i = 0; i < len; i++) s += parts[Math.floor(rand() * parts.length)];
      expect(() => parse(s)).not.toThrow();
    }
  });
});

describe('dockerfile-ast speed-ups keep its answers', () => {
  it('gives each stage its own comments (linear comment organizing)', async () => {
    const { DockerfileParser } = await import('dockerfile-ast');
    parse(''); // installs the patches
    const text = '# top\nARG A\n# before first\nFROM a AS one\n# in one\nRUN x\n# between\nFROM b\n  # in two\nRUN y\n# tail\n';
    const df = DockerfileParser.parse(text);
    const at = (line: number) => df.getContainingImage({ line, character: 0 })!.getComments().map((c) => c.getContent());
    // What unpatched dockerfile-ast 0.7.1 answers for this text.
    expect([1, 3, 5, 7, 9].map(at)).toEqual([[], ['in one'], ['in one'], ['in two'], ['in two']]);
  });

  it('returns the same arguments on every call, flags left out', async () => {
    const { DockerfileParser } = await import('dockerfile-ast');
    parse('');
    const copy = DockerfileParser.parse('FROM a\nCOPY --from=a --chmod=7 x y\n').getInstructions()[1] as unknown as {
      getArguments(): { getValue(): string }[];
      getFlags(): unknown[];
    };
    const names = () => copy.getArguments().map((a) => a.getValue());
    expect(names()).toEqual(['x', 'y']);
    expect(names()).toEqual(['x', 'y']);
    expect(copy.getFlags()).toHaveLength(2);
  });
});

describe('dockerfile-ast builds each instruction once', () => {
  it('reuses the object made for the heredoc scan, and keeps heredoc bounds', async () => {
    const { vi } = await import('vitest');
    const { Parser } = await import('dockerfile-ast/lib/parser.js');
    parse('');
    const spy = vi.spyOn(Parser, 'createInstruction');
    try {
      const text = 'FROM a\nRUN x \\\n  y\nRUN <<EOF\nbody\nEOF\nCMD z\n';
      const { ast } = parse(text);
      // Heredoc-free lines are built once; the heredoc RUN twice (its end moves past the body).
      expect(spy).toHaveBeenCalledTimes(5);
      expect(ast.instructions.map((i) => slice(text, i.range))).toEqual(['FROM a', 'RUN x \\\n  y', 'RUN <<EOF\nbody\nEOF', 'CMD z']);
      expect(ast.instructions[1].args.map((a) => a.value)).toEqual(['x', 'y']);
    } finally {
      spy.mockRestore();
    }
  });
});
