// Each speed-up of dockerfile-ast is checked against the code it replaces, over real and generated input.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser, Property } from 'dockerfile-ast';
import { Parser } from 'dockerfile-ast/lib/parser.js';
import { Util } from 'dockerfile-ast/lib/util.js';
import { describe, expect, it } from 'vitest';
import { corpusDir, goldFiles, haveShared, listFiles } from '../../../../test/corpus/files.js';
import { isPlainValue, ORIGINAL_IS_BOM, ORIGINAL_LINE_OFFSETS, ORIGINAL_POSITION_AT, ORIGINAL_PROCESS_ARGUMENTS, ORIGINAL_PROCESS_COMMENT, ORIGINAL_PROPERTY_ARGUMENTS, ORIGINAL_SPLIT, parse } from './parse.js';
import { offsetsOf, splitRawArguments, type SplitSource } from './split.js';
import { simpleProperties } from './properties.js';
import { LineIndex } from '../text.js';

parse(''); // installs the patches
type Arg = { getValue(): string; getRange(): unknown };
type Instr = SplitSource & { [ORIGINAL_SPLIT]: () => Arg[]; getKeyword(): string; getTriggerInstruction?(): Instr | null };

const show = (args: Arg[]) => JSON.stringify(args.map((a) => [a.getValue(), a.getRange()]));

/** Compares the fast split with dockerfile-ast's own for every instruction (and ONBUILD trigger) of a text. */
function differences(text: string): string[] {
  const out: string[] = [];
  const check = (instr: Instr) => {
    const want = show(instr[ORIGINAL_SPLIT]());
    const split = splitRawArguments(instr);
    // The offsets a word keeps (the parse reads them instead of its range) are its range's.
    const offsets = split.map((a) => offsetsOf(a));
    const fromRanges = split.map((a) => ({ start: instr.document.offsetAt(a.getRange().start), end: instr.document.offsetAt(a.getRange().end) }));
    const got = show(split);
    if (want !== got) out.push(`${JSON.stringify(text.slice(0, 200))}\n  want ${want}\n  got  ${got}`);
    else if (JSON.stringify(offsets) !== JSON.stringify(fromRanges)) out.push(`${JSON.stringify(text.slice(0, 200))}\n  offsets ${JSON.stringify(offsets)}\n  ranges  ${JSON.stringify(fromRanges)}`);
    if (instr.getKeyword() === 'ONBUILD' && instr.getTriggerInstruction) {
      const trigger = instr.getTriggerInstruction();
      if (trigger) check(trigger);
    }
  };
  for (const instr of DockerfileParser.parse(text).getInstructions()) check(instr as unknown as Instr);
  return out;
}

/** Each text as written and with the backtick escape directive, which changes the splitting. */
function checkAll(texts: Iterable<string>): string[] {
  const out: string[] = [];
  for (const text of texts) {
    out.push(...differences(text), ...differences('# escape=`\n' + text));
    if (out.length > 5) break;
  }
  return out;
}

const tricky = fileURLToPath(new URL('../../../../test/bench/tricky/', import.meta.url));

describe('splitRawArguments equals dockerfile-ast 0.7.1 getRawArguments', () => {
  it('on hand-made tricky input', () => {
    const texts = readdirSync(tricky).map((n) => readFileSync(path.join(tricky, n), 'utf8'));
    texts.push(
      'RUN a\\', 'RUN a \\', 'RUN a \\ \t', 'RUN a\\ b', 'RUN \\$x \\\\y \\"z', 'RUN a \\ \nb', 'RUN a\\ \r\n b',
      'RUN a \\\n# c\n  b', 'RUN a \\\r\n# c\r\n  b \\\r\n', 'RUN a\\\n\\\nb', 'RUN x\\\rb', 'RUN \\\n\n\n', 'RUN `a `\nb',
      'ENV a=b\\\n  c=d', 'RUN a \\  x', 'RUN \\ \\ a', 'RUN a\\\t\t\nb', '', 'RUN', 'RUN ', 'RUN #x', 'RUN a \\\n #x\\\n b',
    );
    expect(checkAll(texts)).toEqual([]);
  });

  it('on random input', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const parts = ['RUN ', 'COPY ', 'ONBUILD ', 'a', 'bc', ' ', '  ', '\t', '\n', '\r\n', '\r', '\\', '`', '\\\n', '`\n', '\\ \n', '#', '# c\n', '$', '"', "'", '=', '--x=y '];
    const texts: string[] = [];
    for (let n = 0; n < 3000; n++) {
      let s = rand() < 0.5 ? 'RUN ' : 'ONBUILD RUN ';
      const len = Math.floor(rand() * 30);
      for (let i = 0; i < len; i++) s += parts[Math.floor(rand() * parts.length)];
      texts.push(s);
    }
    expect(checkAll(texts)).toEqual([]);
  });

  it.runIf(haveShared)('on every corpus and gold file', () => {
    const files = [...listFiles(corpusDir), ...goldFiles()];
    expect(files.length).toBeGreaterThan(3900);
    expect(checkAll(files.map((f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, '')))).toEqual([]);
  }, 120_000);
});

describe('plain ARG/ENV/LABEL values skip dockerfile-ast unescaping with the same result', () => {
  type GetValue = (value: string, escapeChar: string) => string;
  const cls = Property as unknown as { getValue: GetValue };
  const original = (cls as unknown as Record<symbol, GetValue>)[Symbol.for('stowage.plainPropertyValue')];

  /** Every (text, escape) pair dockerfile-ast unescapes while reading the properties of these texts. */
  function inputs(texts: Iterable<string>): [string, string][] {
    const seen: [string, string][] = [];
    const patched = cls.getValue;
    cls.getValue = function (value: string, escapeChar: string) {
      seen.push([value, escapeChar]);
      return patched.call(this, value, escapeChar);
    };
    try {
      for (const text of texts) {
        for (const t of [text, '# escape=`\n' + text]) {
          for (const instr of DockerfileParser.parse(t).getInstructions()) {
            const p = instr as unknown as { getProperties?(): unknown };
            if (typeof p.getProperties === 'function') p.getProperties();
          }
        }
      }
    } finally {
      cls.getValue = patched;
    }
    return seen;
  }
  const mismatches = (pairs: [string, string][]) => pairs.filter(([v, e]) => cls.getValue(v, e) !== original(v, e)).slice(0, 5);

  it('is installed, and tells plain text apart', () => {
    expect(typeof original).toBe('function');
    expect(isPlainValue('abc=def # x', '\\')).toBe(true);
    expect(isPlainValue('', '\\')).toBe(true);
    expect(['a\\b', ' a', '"a"', "'a'", 'a\nb', 'a\rb', '\ta'].map((v) => isPlainValue(v, '\\'))).toEqual([false, false, false, false, false, false, false]);
    expect(isPlainValue('a\\b', '`')).toBe(true);
    expect(isPlainValue('a`b', '`')).toBe(false);
  });

  it('on random text', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const parts = [' ', '\t', '"', "'", '\\', '`', '\n', '\r\n', '\r', '#', 'a', 'b', '=', '$', '{', '}'];
    const pairs: [string, string][] = [];
    for (let n = 0; n < 20000; n++) {
      let s = '';
      const len = Math.floor(rand() * 12);
      for (let i = 0; i < len; i++) s += parts[Math.floor(rand() * parts.length)];
      pairs.push([s, rand() < 0.5 ? '\\' : '`']);
    }
    expect(mismatches(pairs)).toEqual([]);
  });

  it('on hand-made input', () => {
    const texts = readdirSync(tricky).map((n) => readFileSync(path.join(tricky, n), 'utf8'));
    texts.push('ENV a=b c="d e" f=\'g\' h=i\\ j\nLABEL "x"="y" z=\nARG A=1 B\nENV K V W\nENV Q=a\\\n  #c\n  b');
    const pairs = inputs(texts);
    expect(pairs.length).toBeGreaterThan(20);
    expect(mismatches(pairs)).toEqual([]);
  });

  it.runIf(haveShared)('on every corpus and gold file', () => {
    const pairs = inputs([...listFiles(corpusDir), ...goldFiles()].map((f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, '')));
    expect(pairs.length).toBeGreaterThan(10000);
    expect(mismatches(pairs)).toEqual([]);
  }, 120_000);
});

describe('line starts taken from the dockerfile-ast document', () => {
  const same = (texts: Iterable<string>) => {
    const bad: string[] = [];
    for (const text of texts) {
      const { ast, lines } = parse(text);
      if (JSON.stringify(lines.lineStarts) !== JSON.stringify(new LineIndex(ast.text).lineStarts)) bad.push(JSON.stringify(text.slice(0, 80)));
    }
    return bad.slice(0, 5);
  };

  it('equal those LineIndex computes, for every kind of line break', () => {
    const texts = readdirSync(tricky).map((n) => readFileSync(path.join(tricky, n), 'utf8'));
    texts.push('', '\n', '\r', '\r\n', 'a\rb\nc\r\nd', 'a\r\r\n\n', '\uFEFFa\r\n', 'RUN a\\\r\n b\r');
    expect(same(texts)).toEqual([]);
  });

  it.runIf(haveShared)('on every corpus and gold file', () => {
    expect(same([...listFiles(corpusDir), ...goldFiles()].map((f) => readFileSync(f, 'utf8')))).toEqual([]);
  }, 120_000);
});

describe('positionAt starting from the previous line gives dockerfile-ast the same positions', () => {
  type Doc = { positionAt(offset: number): unknown };
  const docOf = (text: string) => (DockerfileParser.parse(text) as unknown as { document: Doc }).document;
  /** Positions of offsets in file order, then shuffled and out of range, against the original binary search. */
  const differences = (texts: Iterable<string>) => {
    const bad: string[] = [];
    let seed = 5;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (const text of texts) {
      const doc = docOf(text);
      const original = Object.getPrototypeOf(doc)[ORIGINAL_POSITION_AT] as (offset: number) => unknown;
      const offsets = [-3, 0, text.length, text.length + 2];
      for (let i = 0; i <= text.length; i += 1 + Math.floor(rand() * 7)) offsets.push(i);
      for (let i = 0; i < 50; i++) offsets.push(Math.floor(rand() * (text.length + 1)));
      for (const o of offsets) {
        const want = JSON.stringify(original.call(doc, o));
        const got = JSON.stringify(doc.positionAt(o));
        if (want !== got) bad.push(`${JSON.stringify(text.slice(0, 60))} @${o}: want ${want} got ${got}`);
      }
      if (bad.length > 5) break;
    }
    return bad;
  };

  it('is installed', () => {
    expect(typeof Object.getPrototypeOf(docOf('FROM a'))[ORIGINAL_POSITION_AT]).toBe('function');
  });

  it('on every kind of line break', () => {
    const texts = readdirSync(tricky).map((n) => readFileSync(path.join(tricky, n), 'utf8'));
    texts.push('', 'a', '\n', '\r', '\r\n', 'a\rb\nc\r\nd', 'a\r\r\n\n\n', 'x\r\n\r\ny');
    expect(differences(texts)).toEqual([]);
  });

  it.runIf(haveShared)('on every corpus and gold file', () => {
    expect(differences([...listFiles(corpusDir), ...goldFiles()].map((f) => readFileSync(f, 'utf8')))).toEqual([]);
  }, 120_000);
});

describe("dockerfile-ast's instruction and comment end scans, jumping with native searches, end them where the original does", () => {
  type Proto = { processArguments: unknown; processComment: unknown; [k: symbol]: unknown };
  const proto = Parser.prototype as unknown as Proto;
  const shape = (text: string) => {
    const df = DockerfileParser.parse(text);
    const instrs = df.getInstructions().map((i) => [i.getInstruction(), i.getRange(), i.getInstructionRange()]);
    const comments = df.getComments().map((c) => [c.getRange(), c.getContent(), c.getContentRange()]);
    const stages = df.getFROMs().map((f) => df.getContainingImage(f.getRange().start)?.getComments().map((c) => c.getRange()));
    return JSON.stringify([instrs, comments, stages]);
  };
  const differences = (texts: Iterable<string>) => {
    const bad: string[] = [];
    const patched = [proto.processArguments, proto.processComment];
    for (const text of texts) {
      for (const t of [text, '# escape=`\n' + text]) {
        const got = shape(t);
        proto.processArguments = proto[ORIGINAL_PROCESS_ARGUMENTS];
        proto.processComment = proto[ORIGINAL_PROCESS_COMMENT];
        try {
          const want = shape(t);
          if (want !== got) bad.push(JSON.stringify(t.slice(0, 100)));
        } finally {
          [proto.processArguments, proto.processComment] = patched;
        }
      }
      if (bad.length > 5) break;
    }
    return bad;
  };

  it('is installed', () => {
    expect(typeof proto[ORIGINAL_PROCESS_ARGUMENTS]).toBe('function');
    expect(proto.processArguments).not.toBe(proto[ORIGINAL_PROCESS_ARGUMENTS]);
    expect(typeof proto[ORIGINAL_PROCESS_COMMENT]).toBe('function');
  });

  it('on hand-made and random input', () => {
    const texts = readdirSync(tricky).map((n) => readFileSync(path.join(tricky, n), 'utf8'));
    texts.push('RUN a \\', 'RUN a \\  ', 'RUN a \\ \t\nb', 'RUN a \\ x\nRUN b', 'RUN a\\\n# c\n\\\n#d\nb', 'RUN a`\r\n#x\r\nb', 'RUN a \\\n\n  # c\n  b\nRUN d');
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const parts = ['RUN ', 'COPY ', 'ONBUILD ', 'a', ' ', '\t', '\n', '\r\n', '\r', '\\', '`', '\\\n', '`\n', '\\ \n', '#', '# c\n', '<<EOF', 'EOF\n', '"'];
    for (let n = 0; n < 3000; n++) {
      let s = '';
      const len = Math.floor(rand() * 30);
      for (let i = 0; i < len; i++) s += parts[Math.floor(rand() * parts.length)];
      texts.push(s);
    }
    expect(differences(texts)).toEqual([]);
  });

  it.runIf(haveShared)('on every corpus and gold file', () => {
    expect(differences([...listFiles(corpusDir), ...goldFiles()].map((f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, '')))).toEqual([]);
  }, 120_000);
});

describe("line starts of texts without \\r, found natively, equal the text document's own", () => {
  type Doc = { _content: string; _lineOffsets?: number[]; getLineOffsets(): number[]; [k: symbol]: unknown };
  const proto = Object.getPrototypeOf((DockerfileParser.parse('') as unknown as { document: Doc }).document) as Doc;
  const fresh = (text: string) => Object.assign(Object.create(proto) as Doc, { _content: text, _lineOffsets: undefined });
  const differences = (texts: Iterable<string>) => {
    const original = proto[ORIGINAL_LINE_OFFSETS] as () => number[];
    const bad: string[] = [];
    for (const text of texts) {
      if (JSON.stringify(fresh(text).getLineOffsets()) !== JSON.stringify(original.call(fresh(text)))) bad.push(JSON.stringify(text.slice(0, 60)));
    }
    return bad.slice(0, 5);
  };

  it('on every kind of line break', () => {
    expect(typeof proto[ORIGINAL_LINE_OFFSETS]).toBe('function');
    expect(differences(['', 'a', '\n', '\n\n', 'a\nb\n', '\r', '\r\n', 'a\rb\nc\r\nd', 'x\n\r\n\ry'])).toEqual([]);
  });

  it.runIf(haveShared)('on every corpus and gold file', () => {
    expect(differences([...listFiles(corpusDir), ...goldFiles()].map((f) => readFileSync(f, 'utf8')))).toEqual([]);
  }, 120_000);
});

describe('the BOM test without encoding to a Buffer', () => {
  it('answers as the original for every UTF-16 code unit and some strings', () => {
    const util = Util as unknown as { isUTF8BOM(c: string): boolean; [k: symbol]: (c: string) => boolean };
    const original = util[ORIGINAL_IS_BOM];
    expect(typeof original).toBe('function');
    const bad: number[] = [];
    for (let c = 0; c < 0x10000; c++) {
      const s = String.fromCharCode(c);
      if (util.isUTF8BOM(s) !== original(s)) bad.push(c);
    }
    expect(bad).toEqual([]);
    for (const s of ['', '\uFEFFFROM', '\uD83D\uDE00', 'FROM', '\uFEFF\uFEFF']) expect(util.isUTF8BOM(s)).toBe(original(s));
    expect(util.isUTF8BOM('\uFEFF')).toBe(true);
  });
});

/** `differences` of each text, as written and with the backtick escape directive: how many were compared, and the first differences. */
function compareAll(texts: Iterable<string>, differences: (text: string) => { compared: number; out: string[] }): { compared: number; out: string[] } {
  let compared = 0;
  const out: string[] = [];
  for (const text of texts) {
    for (const t of [text, '# escape=`\n' + text]) {
      const d = differences(t);
      compared += d.compared;
      out.push(...d.out);
    }
    if (out.length > 5) break;
  }
  return { compared, out };
}

describe('simpleProperties reads one-line ENV and LABEL as dockerfile-ast 0.7.1 getProperties does', () => {
  type LspRange = { start: { line: number; character: number }; end: { line: number; character: number } };
  type DfProp = { getName(): string; getNameRange(): LspRange; getValue(): string | null; getValueRange(): LspRange | null; getRange(): LspRange };
  type Doc = { offsetAt(p: { line: number; character: number }): number };
  type PropInstr = { getKeyword(): string; getRange(): LspRange; getInstructionRange(): LspRange; getProperties?(): DfProp[]; getTriggerInstruction?(): PropInstr | null; document: Doc };

  /** For each ENV/LABEL the fast reading takes (not null), both readings, when they differ. */
  function differences(text: string): { compared: number; out: string[] } {
    const out: string[] = [];
    let compared = 0;
    const df = DockerfileParser.parse(text);
    const esc = df.getEscapeCharacter();
    const check = (instr: PropInstr) => {
      const trigger = instr.getKeyword() === 'ONBUILD' ? instr.getTriggerInstruction?.() : null;
      if (trigger) check(trigger);
      if (typeof instr.getProperties !== 'function') return;
      const doc = instr.document;
      const off = (r: LspRange | null) => (r ? `${doc.offsetAt(r.start)}-${doc.offsetAt(r.end)}` : null);
      const fast = simpleProperties(text, text, doc.offsetAt(instr.getInstructionRange().end), doc.offsetAt(instr.getRange().end), esc);
      if (fast === null) return;
      compared++;
      const want = instr.getProperties().map((p) => {
        const vr = p.getValueRange();
        const raw = vr ? text.slice(doc.offsetAt(vr.start), doc.offsetAt(vr.end)) : null;
        return [p.getName(), off(p.getNameRange()), raw === null ? null : (p.getValue() ?? ''), raw, off(vr), off(p.getRange())];
      });
      const r = (x: { start: number; end: number } | null) => (x ? `${x.start}-${x.end}` : null);
      const got = fast.map((p) => [p.name, r(p.nameRange), p.value, p.rawValue, r(p.valueRange), r(p.range)]);
      if (JSON.stringify(want) !== JSON.stringify(got) && out.length < 5) out.push(`${JSON.stringify(text.slice(0, 200))}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`);
    };
    for (const instr of df.getInstructions()) check(instr as unknown as PropInstr);
    return { compared, out };
  }
  const checkAll = (texts: Iterable<string>) => compareAll(texts, differences);

  it('on hand-made input', () => {
    const texts = readdirSync(tricky).map((n) => readFileSync(path.join(tricky, n), 'utf8'));
    texts.push(
      'ENV a=b c="d e" f=\'g\' h=i j\nLABEL "x"="y" z=\nENV K V W\nENV K V\nENV K\nENV =v\nENV "a=b"=c\nENV \'a\'=b x',
      'ENV A=${B:-"x y"} C=${D\nENV A="unclosed b c\nENV A="x"y B\nENV A="x"\tB=1\nLABEL a\t=b\nENV #x=1\nENV A=1 #c\nENV   \nENV\t',
      'ENV P=C:\\x\\y\nLABEL a=`b`\nONBUILD ENV A=1 B=2\nONBUILD LABEL x\nENV A=${B C}=d\nENV A=${B \'C D\'} E\nENV A=$ B={ C=${',
      // Inside `${...}` a quote does not start a quoted word: `}` ends it, quoted or not.
      'ENV A=${B:-"x} y\nENV A=${B:-\'x} y C=1\nENV A=${"} B\nLABEL a=${b:-"c d"}e f\nENV A=${B\t"c d"} e',
    );
    const { compared, out } = checkAll(texts);
    expect(compared).toBeGreaterThan(30);
    expect(out).toEqual([]);
  });

  it('on random input', () => {
    let seed = 13;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const parts = ['a', 'bc', ' ', '  ', '\t', '=', '"', "'", '$', '{', '}', '${', '#', '\\', '`', '\n', 'ENV ', 'LABEL '];
    const texts: string[] = [];
    for (let n = 0; n < 5000; n++) {
      let s = ['ENV ', 'LABEL ', 'ONBUILD ENV ', 'ENV', 'LABEL\t'][Math.floor(rand() * 5)];
      const len = Math.floor(rand() * 14);
      for (let i = 0; i < len; i++) s += parts[Math.floor(rand() * parts.length)];
      texts.push(s);
    }
    const { compared, out } = checkAll(texts);
    expect(compared).toBeGreaterThan(3000);
    expect(out).toEqual([]);
  });

  it.runIf(haveShared)('on every ENV and LABEL of the corpus and gold set', () => {
    const files = [...listFiles(corpusDir), ...goldFiles()];
    const { compared, out } = checkAll(files.map((f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, '')));
    expect(compared).toBeGreaterThan(10_000);
    expect(out).toEqual([]);
  }, 120_000);
});

describe('getPropertyArguments on one line equals dockerfile-ast 0.7.1', () => {
  type PropInstr = SplitSource & {
    getKeyword(): string;
    getTriggerInstruction?(): PropInstr | null;
    getPropertyArguments?(): Arg[];
    [ORIGINAL_PROPERTY_ARGUMENTS]?: () => Arg[];
  };
  function differences(text: string): { compared: number; out: string[] } {
    const out: string[] = [];
    let compared = 0;
    const check = (instr: PropInstr) => {
      const trigger = instr.getKeyword() === 'ONBUILD' ? instr.getTriggerInstruction?.() : null;
      if (trigger) check(trigger);
      const original = instr[ORIGINAL_PROPERTY_ARGUMENTS];
      if (typeof instr.getPropertyArguments !== 'function' || !original) return;
      compared++;
      const want = show(original.call(instr));
      const got = show(instr.getPropertyArguments());
      if (want !== got && out.length < 5) out.push(`${JSON.stringify(text.slice(0, 200))}\n  want ${want}\n  got  ${got}`);
    };
    for (const instr of DockerfileParser.parse(text).getInstructions()) check(instr as unknown as PropInstr);
    return { compared, out };
  }
  const checkAll = (texts: Iterable<string>) => compareAll(texts, differences);

  it('on hand-made and random input', () => {
    const texts = readdirSync(tricky).map((n) => readFileSync(path.join(tricky, n), 'utf8'));
    texts.push('ARG A\nARG A=1 B\nARG "A"=\'x y\'\nARG A=${B:-"x} y\nENV K V W\nLABEL a="b c" d\nARG\nARG   \nARG A \\\n B=1\nONBUILD ARG X=1');
    let seed = 31;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const parts = ['a', 'bc', ' ', '\t', '=', '"', "'", '$', '{', '}', '${', '#', '\\', '`', '\n'];
    for (let n = 0; n < 5000; n++) {
      let s = ['ARG ', 'ENV ', 'LABEL ', 'ONBUILD ARG '][Math.floor(rand() * 4)];
      const len = Math.floor(rand() * 12);
      for (let i = 0; i < len; i++) s += parts[Math.floor(rand() * parts.length)];
      texts.push(s);
    }
    const { compared, out } = checkAll(texts);
    expect(compared).toBeGreaterThan(5000);
    expect(out).toEqual([]);
  });

  it.runIf(haveShared)('on every ARG, ENV and LABEL of the corpus and gold set', () => {
    const files = [...listFiles(corpusDir), ...goldFiles()];
    const { compared, out } = checkAll(files.map((f) => readFileSync(f, 'utf8').replace(/^\uFEFF/, '')));
    expect(compared).toBeGreaterThan(20_000);
    expect(out).toEqual([]);
  }, 120_000);
});
