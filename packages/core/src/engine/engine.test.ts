import { beforeAll, describe, expect, it } from 'vitest';
import { initShell } from '../shell/shell.js';
import { defineRule } from './define.js';
import { applyFixes, fixLoop } from './fix.js';
import { lint } from './lint.js';
import type { AnyRule, Diagnostic } from './types.js';

beforeAll(() => initShell());

const noCurl = defineRule({
  meta: {
    id: 'run-no-curl', summary: 'test rule', category: 'style', severity: 'warn', fix: 'safe',
    sources: [{ tool: 'hadolint', code: 'DL9999' }, { tool: 'buildkit', code: 'NoCurl' }], onbuild: true, needsShell: true,
  },
  messages: { curl: 'Found {{what}}.', useWget: 'Use wget' },
  create(ctx) {
    return {
      RUN(run) {
        for (const cmd of ctx.model.shellOf(run)?.commands ?? []) {
          if (cmd.name.value !== 'curl') continue;
          ctx.report({
            messageId: 'curl', data: { what: 'curl' }, range: cmd.name.range,
            fix: { messageId: 'useWget', edits: [{ range: cmd.name.range, text: 'wget' }] },
          });
        }
      },
    };
  },
});

const events = defineRule({
  meta: { id: 'test-events', summary: 'records hooks', category: 'style', severity: 'warn', fix: 'none', sources: [], onbuild: false },
  messages: { e: '{{what}}' },
  create(ctx) {
    const at = { start: 0, end: 0 };
    return {
      stage: (s) => ctx.report({ messageId: 'e', data: { what: `stage ${s.index}` }, range: at }),
      instruction: (i) => ctx.report({ messageId: 'e', data: { what: `instr ${i.kind}` }, range: at }),
      stageExit: (s) => ctx.report({ messageId: 'e', data: { what: `exit ${s.index}` }, range: at }),
      fileExit: () => ctx.report({ messageId: 'e', data: { what: 'file' }, range: at }),
    };
  },
});

const run = (text: string, rules: AnyRule[] = [noCurl], extra: Partial<Parameters<typeof lint>[1]> = {}) =>
  lint(text, { rules: rules.map((rule) => ({ rule, severity: rule.meta.severity === 'error' ? 'error' : 'warn' })), ...extra });
const summary = (ds: Diagnostic[]) => ds.map((d) => `${d.ruleId}:${d.message}`);

describe('engine', () => {
  it('walks stages and instructions in order, one walk for all rules', () => {
    const r = run('ARG X\nFROM a\nRUN curl x\nFROM b\nONBUILD RUN curl y\n', [events, noCurl]);
    expect(r.diagnostics.filter((d) => d.ruleId === 'test-events').map((d) => d.message)).toEqual([
      'instr ARG', 'stage 0', 'instr FROM', 'instr RUN', 'exit 0', 'stage 1', 'instr FROM', 'instr ONBUILD', 'exit 1', 'file',
    ]);
    // run-no-curl applies inside ONBUILD; test-events does not see the trigger.
    expect(r.diagnostics.filter((d) => d.ruleId === 'run-no-curl')).toHaveLength(2);
  });

  it("calls each rule's instruction visitor, then its kind visitor, for every instruction and trigger it applies to", () => {
    const order = (id: string, onbuild: boolean) =>
      defineRule({
        meta: { id, summary: 'records calls', category: 'style', severity: 'warn', fix: 'none', sources: [], onbuild },
        messages: { e: '{{what}}' },
        create(ctx) {
          const note = (what: string) => ctx.report({ messageId: 'e', data: { what }, range: { start: 0, end: 0 } });
          return { instruction: (i) => note(`any ${i.kind}`), RUN: () => note('RUN'), COPY: () => note('COPY') };
        },
      });
    const r = run('FROM a\nRUN x\nCOPY a b\nONBUILD RUN y\nRUN z\n', [order('test-a', true), order('test-b', false)]);
    const calls = (id: string) => r.diagnostics.filter((d) => d.ruleId === id).map((d) => d.message);
    expect(calls('test-a')).toEqual(['any FROM', 'any RUN', 'RUN', 'any COPY', 'COPY', 'any ONBUILD', 'any RUN', 'RUN', 'any RUN', 'RUN']);
    expect(calls('test-b')).toEqual(['any FROM', 'any RUN', 'RUN', 'any COPY', 'COPY', 'any ONBUILD', 'any RUN', 'RUN']);
  });

  it('formats messages and attaches fixes', () => {
    const r = run('FROM a\nRUN curl x\n');
    expect(r.diagnostics).toEqual([{
      ruleId: 'run-no-curl', messageId: 'curl', message: 'Found curl.', severity: 'warn',
      range: { start: 11, end: 15 },
      fix: { title: 'Use wget', applicability: 'safe', edits: [{ range: { start: 11, end: 15 }, text: 'wget' }] },
    }]);
  });

  it('rejects a fix the rule did not declare, as an internal error of that rule only', () => {
    const sneaky = defineRule({ ...noCurl, meta: { ...noCurl.meta, id: 'sneaky-fix', fix: 'none' } });
    const r = run('FROM a\nRUN curl x\n', [sneaky, noCurl]);
    expect(summary(r.diagnostics)).toEqual([
      "sneaky-fix:Internal error in rule 'sneaky-fix': reported a fix but declares meta.fix 'none'. Please report this with the Dockerfile.",
      'run-no-curl:Found curl.',
    ]);
    expect(r.diagnostics[0].internal).toBe(true);
  });

  it('keeps going when a rule throws', () => {
    const boom = defineRule({ ...events, meta: { ...events.meta, id: 'test-boom' }, create: () => ({ RUN: () => { throw new Error('boom'); } }) });
    const r = run('FROM a\nRUN curl x\nRUN curl y\n', [boom, noCurl]);
    expect(summary(r.diagnostics)).toEqual([
      "test-boom:Internal error in rule 'test-boom': boom. Please report this with the Dockerfile.",
      'run-no-curl:Found curl.',
      'run-no-curl:Found curl.',
    ]);
  });

  it('calls visitors as methods of the object create returned, and a throwing stage hook once', () => {
    const methods = defineRule({
      ...events,
      meta: { ...events.meta, id: 'test-methods' },
      create: (ctx) => ({
        seen: 0,
        RUN() {
          this.seen++;
        },
        fileExit() {
          ctx.report({ messageId: 'e', data: { what: `runs ${this.seen}` }, range: { start: 0, end: 0 } });
        },
      }),
    });
    const stageBoom = defineRule({ ...events, meta: { ...events.meta, id: 'test-stage-boom' }, create: () => ({ stage: () => { throw new Error('bad stage'); } }) });
    const r = run('FROM a\nRUN x\nFROM b\nRUN y\n', [methods, stageBoom]);
    expect(summary(r.diagnostics)).toEqual([
      'test-methods:runs 2',
      "test-stage-boom:Internal error in rule 'test-stage-boom': bad stage. Please report this with the Dockerfile.",
    ]);
    // On the first stage, and not again for the second.
    expect(r.diagnostics[1].range).toEqual({ start: 0, end: 12 });
  });

  it('reports syntax errors and still lints the rest', () => {
    const r = run('FROM a\nRUNN curl\nRUN curl x\n');
    expect(summary(r.diagnostics)).toEqual(["null:Syntax error: Unknown instruction 'RUNN'.", 'run-no-curl:Found curl.']);
  });

  it('stops at fatal input', () => {
    const r = run('\u0000\u0000');
    expect(r.diagnostics.map((d) => [d.fatal, d.ruleId])).toEqual([[true, null]]);
  });
});

describe('suppressions', () => {
  const text = (comment: string) => `FROM a\n${comment}\nRUN curl x\nRUN curl y\n`;
  const count = (t: string, extra = {}) => run(t, [noCurl], extra).diagnostics.filter((d) => d.ruleId === 'run-no-curl').length;

  it.each([
    ['# stowage-disable-next-line run-no-curl -- legacy mirror', 1],
    ['# stowage-disable-next-line', 1],
    ['# stowage-disable-next-line other-rule', 2],
    ['# stowage-disable-file run-no-curl', 0],
    ['# stowage-disable run-no-curl', 0],
    ['# hadolint ignore=DL9999', 1],
    ['# hadolint global ignore=DL9999', 0],
    ['# hadolint ignore=DL3006', 2],
  ])('%s leaves %i', (comment, n) => {
    expect(count(text(comment))).toBe(n);
  });

  it('disable / enable blocks', () => {
    const t = 'FROM a\n# stowage-disable run-no-curl\nRUN curl 1\n# stowage-enable run-no-curl\nRUN curl 2\n';
    const r = run(t);
    expect(r.diagnostics.map((d) => r.model.lines.positionAt(d.range.start).line)).toEqual([5]);
    expect(r.suppressed).toHaveLength(1);
  });

  it('BuildKit check=skip through sources', () => {
    expect(count('# check=skip=NoCurl\nFROM a\nRUN curl x\n')).toBe(0);
    expect(count('# check=skip=all\nFROM a\nRUN curl x\n')).toBe(0);
    expect(count('# check=skip=Other\nFROM a\nRUN curl x\n')).toBe(1);
  });

  it('covers every line of a multi-line next instruction', () => {
    expect(count('FROM a\n# stowage-disable-next-line run-no-curl\nRUN true && \\\n  curl x\n')).toBe(0);
  });

  it('reports unused and unknown directives', () => {
    const r = run('FROM a\n# stowage-disable-next-line run-no-curl\nRUN true\n# stowage-disable-next-line no-such-rule\nRUN true\n', [noCurl], { reportUnusedDisableDirectives: 'error' });
    expect(r.diagnostics.map((d) => [d.severity, d.message])).toEqual([
      ['error', "Unused stowage-disable-next-line directive (no problems from 'run-no-curl' were reported here)."],
      ['warn', "Unknown rule 'no-such-rule' in suppression comment."],
    ]);
  });
});

describe('fixes', () => {
  it('applies non-overlapping fixes and loops until stable', () => {
    const t = 'FROM a\nRUN curl x && curl y\n';
    const out = fixLoop(t, (s) => run(s));
    expect(out.output).toBe('FROM a\nRUN wget x && wget y\n');
    expect(out.result.diagnostics).toEqual([]);
    expect(out.passes).toBe(1);
  });

  it('skips overlapping edits in one pass', () => {
    const fix = (s: number, e: number, text: string) => ({ title: '', applicability: 'safe' as const, edits: [{ range: { start: s, end: e }, text }] });
    expect(applyFixes('abcdef', [fix(0, 3, 'X'), fix(2, 4, 'Y'), fix(4, 6, 'Z')]).text).toBe('XdZ');
  });

  it('leaves unsafe fixes unless asked', () => {
    const unsafe = defineRule({ ...noCurl, meta: { ...noCurl.meta, id: 'unsafe-curl', fix: 'unsafe' } });
    const t = 'FROM a\nRUN curl x\n';
    expect(fixLoop(t, (s) => run(s, [unsafe])).output).toBe(t);
    expect(fixLoop(t, (s) => run(s, [unsafe]), { unsafe: true }).output).toBe('FROM a\nRUN wget x\n');
  });
});

describe('shell loading', () => {
  it('tells which rules need the shell parser', async () => {
    const { needsShell } = await import('./lint.js');
    expect(needsShell([{ rule: noCurl, severity: 'warn' }])).toBe(true);
    expect(needsShell([{ rule: events, severity: 'warn' }])).toBe(false);
  });
});

describe('severity', () => {
  const demoting = defineRule({
    meta: { id: 'test-demote', summary: 'demotes', category: 'style', severity: 'error', fix: 'none', sources: [], onbuild: false },
    messages: { m: 'm' },
    create: (ctx) => ({
      FROM: (i) => {
        ctx.report({ messageId: 'm', range: i.range, severity: 'info' });
        ctx.report({ messageId: 'm', range: i.range, severity: 'warn' });
        ctx.report({ messageId: 'm', range: i.range });
      },
    }),
  });
  const severities = (configured: 'info' | 'warn' | 'error') =>
    lint('FROM a\n', { rules: [{ rule: demoting, severity: configured }] }).diagnostics.map((d) => d.severity);

  it('a report may lower its severity below the configured one, never raise it', () => {
    expect(severities('error')).toEqual(['info', 'warn', 'error']);
    expect(severities('warn')).toEqual(['info', 'warn', 'warn']);
    expect(severities('info')).toEqual(['info', 'info', 'info']);
  });
});
