import { describe, expect, it } from 'vitest';
import { formatJson, formatStylish, withCounts, type LintMessage } from './index.js';

const msg = (line: number, column: number, severity: 1 | 2, message: string, ruleId: string | null, fixable = false): LintMessage => ({
  ruleId,
  severity,
  message,
  line,
  column,
  endLine: line,
  endColumn: column + 1,
  ...(fixable ? { fix: { range: [0, 1] as [number, number], text: 'x', title: 't', applicability: 'safe' as const } } : {}),
});

const reports = [
  withCounts('api/Dockerfile', [
    msg(2, 13, 1, 'Use the stage name.', 'copy-from-index', true),
    msg(10, 1, 2, 'Stage name `a` is used twice', 'stage-name-duplicate'),
  ]),
  withCounts('clean/Dockerfile', []),
  withCounts('web.Dockerfile', [msg(1, 1, 2, 'Syntax error: bad.', null)]),
];

describe('formatStylish', () => {
  it('prints ESLint-style aligned columns and a summary', () => {
    expect(formatStylish(reports, { color: false })).toBe(
      [
        '',
        'api/Dockerfile',
        '   2:13  warning  Use the stage name            copy-from-index',
        '  10:1   error    Stage name `a` is used twice  stage-name-duplicate',
        '',
        'web.Dockerfile',
        '  1:1  error  Syntax error: bad',
        '',
        '\u2716 3 problems (2 errors, 1 warning)',
        '  0 errors and 1 warning potentially fixable with the --fix option.',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing for clean files', () => {
    expect(formatStylish([withCounts('Dockerfile', [])], { color: false })).toBe('');
    expect(formatStylish([], { color: true })).toBe('');
  });

  it('uses singulars and leaves out the fixable line when nothing is fixable', () => {
    expect(formatStylish([withCounts('Dockerfile', [msg(1, 1, 1, 'Careful', 'a-b')])], { color: false })).toBe(
      '\nDockerfile\n  1:1  warning  Careful  a-b\n\n\u2716 1 problem (0 errors, 1 warning)\n',
    );
  });

  it('colours when asked', () => {
    const out = formatStylish([withCounts('Dockerfile', [msg(1, 1, 2, 'Bad', 'a-b')])], { color: true });
    expect(out).toBe(
      '\n\u001b[4mDockerfile\u001b[24m\n  \u001b[2m1:1\u001b[22m  \u001b[31merror\u001b[39m  Bad  \u001b[2ma-b\u001b[22m\n\n' +
        '\u001b[31m\u001b[1m\u2716 1 problem (1 error, 0 warnings)\u001b[22m\u001b[39m\n',
    );
  });
});

describe('formatJson', () => {
  it('is the reports as a JSON array', () => {
    const out = formatJson([withCounts('Dockerfile', [msg(1, 2, 1, 'm', 'a-b')])]);
    expect(out).toBe(
      '[{"filePath":"Dockerfile","messages":[{"ruleId":"a-b","severity":1,"message":"m","line":1,"column":2,"endLine":1,"endColumn":3}],' +
        '"errorCount":0,"warningCount":1,"infoCount":0,"fixableErrorCount":0,"fixableWarningCount":0}]',
    );
  });
});
