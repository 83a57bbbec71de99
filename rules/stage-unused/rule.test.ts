import { lint, RuleTester, type BuildsInfo } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import rule from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    { name: 'single stage', code: 'FROM alpine\nRUN true\n' },
    { name: 'stage used by COPY --from', code: 'FROM golang AS build\nRUN go build\nFROM alpine\nCOPY --from=build /app /app\n' },
    { name: 'stage used as a base', code: 'FROM alpine AS base\nRUN apk add curl\nFROM base\n' },
    { name: 'stage used by RUN --mount from=', code: 'FROM golang AS src\nFROM alpine\nRUN --mount=from=src,target=/src ls /src\n' },
    { name: 'unnamed stage used by number', code: 'FROM golang\nRUN go build\nFROM alpine\nCOPY --from=0 /app /app\n' },
    { name: 'stage used through a chain', code: 'FROM alpine AS a\nFROM a AS b\nFROM alpine\nCOPY --from=b /x /x\n' },
    {
      name: 'stages picked by a build arg pattern are all used',
      code: 'ARG TARGETARCH\nFROM alpine AS base-amd64\nFROM alpine AS base-arm64\nFROM base-${TARGETARCH}\n',
    },
    {
      name: 'the ONBUILD hack: every *_image stage may be picked',
      code: 'ARG APP_ENV=prod\nFROM alpine AS dev_image\nONBUILD RUN dev\nFROM alpine AS prod_image\nONBUILD RUN prod\nFROM ${APP_ENV}_image\n',
    },
    {
      name: 'COPY --from a variable pattern',
      code: 'FROM alpine AS out-linux\nFROM alpine AS out-windows\nFROM alpine\nARG TARGETOS=linux\nCOPY --from=out-${TARGETOS} /x /x\n',
    },
    {
      name: 'a bare variable whose default is a stage may name any stage',
      code: 'ARG STAGE=prod\nFROM alpine AS dev\nFROM alpine AS prod\nFROM $STAGE\n',
    },
    {
      name: 'a bare variable with no default may name any stage',
      code: 'ARG STAGE\nFROM alpine AS dev\nFROM alpine AS prod\nFROM alpine\nCOPY --from=${STAGE} /x /x\n',
    },
    {
      name: 'forward reference: copy-from-unknown-stage reports it, the stage is not unused',
      code: 'FROM alpine\nCOPY --from=later /x /x\nFROM alpine AS later\nFROM alpine\nCOPY --from=0 /x /x\n',
    },
    { name: 'FROM by number (Buildah) counts as a use', code: 'FROM alpine\nRUN true\nFROM 0\nRUN true\n' },
    { name: 'a stage name written with another case', code: 'FROM alpine AS Build\nFROM alpine\nCOPY --from=build /x /x\n' },
    {
      name: 'ONBUILD COPY --from in a stage used in the file names this file\'s stages',
      code: 'FROM alpine AS assets\nFROM alpine AS base\nONBUILD COPY --from=assets /x /x\nFROM base\n',
    },
    { name: 'a stage named with a variable (Buildah)', code: 'ARG N=x\nFROM alpine AS ${N}\nFROM alpine AS other\nFROM alpine\n' },
    {
      name: 'Jinja template: the stages are alternatives',
      code: '{% if version == "18" %}\nFROM fedora:43\n{% else %}\nFROM fedora:41\n{% endif %}\nRUN true\n',
    },
    { name: 'Go template in FROM', code: 'FROM {{base}} AS installer\nRUN true\nFROM alpine\n' },
  ],
  invalid: [
    {
      name: 'a named leaf stage is a hint',
      code: 'FROM golang:1.22 AS build\nRUN go build\nFROM build AS test\nRUN go test\nFROM alpine\nCOPY --from=build /app /app\n',
      errors: [
        {
          messageId: 'leaf', line: 3, column: 1, endLine: 3, endColumn: 19,
          message: "Nothing in this file uses stage 'test': it is not the final stage and no stage builds FROM it or copies from it. Fine if it is built with `--target test` (a test, dev or debug stage); otherwise remove it, since the legacy builder still builds it.",
        },
      ],
      output: null,
    },
    {
      name: 'an unnamed unused stage cannot be a --target',
      code: 'FROM golang:1.22 AS build\nRUN go build\nFROM build\nRUN go test\nFROM alpine\nCOPY --from=build /app /app\n',
      errors: [
        {
          messageId: 'unnamed', line: 3, column: 1, endLine: 3, endColumn: 11,
          message: 'Stage 1 (build) is never built by BuildKit: it is not the final stage, no stage builds FROM it or copies from it, and `--target` needs a stage name. Remove it, or name it and use it (the legacy builder ran it; BuildKit does not).',
        },
      ],
    },
    {
      name: 'only leaves are reported when no build is known',
      code: 'FROM alpine AS tools\nRUN apk add curl\nFROM tools AS debug\nRUN apk add strace\nFROM alpine\n',
      errors: [{ messageId: 'leaf', line: 3, column: 1, endLine: 3, endColumn: 20 }],
    },
    {
      name: 'a pattern that fits no stage does not hide an unused one',
      code: 'ARG V=1\nFROM alpine AS unused\nFROM node:${V}\n',
      errors: [{ messageId: 'leaf', line: 2, column: 1, endLine: 2, endColumn: 22 }],
    },
    {
      name: 'a bare variable defaulting to an image names images',
      code: 'ARG BASE=alpine:3.20\nFROM golang AS dead\nFROM $BASE\n',
      errors: [{ messageId: 'leaf', line: 2, column: 1, endLine: 2, endColumn: 20 }],
    },
    {
      name: 'a stage that only a commented-out COPY used',
      code: 'FROM base AS criu\nRUN build-criu\nFROM alpine\n# COPY --from=criu /build/ /usr/local/bin/\n',
      errors: [{ messageId: 'leaf', line: 1, column: 1, endLine: 1, endColumn: 18 }],
    },
  ],
});

const builds = (targets: string[], invocations = 1): BuildsInfo => ({ invocations, targets: new Set(targets) });
const run = (code: string, b: BuildsInfo | null) =>
  lint(code, { rules: [{ rule, severity: 'warn' }], builds: b }).diagnostics.map((d) => ({
    messageId: d.messageId,
    severity: d.severity,
    line: code.slice(0, d.range.start).split('\n').length,
  }));

describe('stage-unused with known builds', () => {
  const code = [
    'FROM golang AS build', // 1
    'FROM build AS test', // 2
    'FROM build AS lint', // 3
    'FROM alpine AS tools', // 4
    'FROM tools AS debug', // 5
    'FROM alpine', // 6
    'FROM alpine', // 7
    'COPY --from=build /app /app', // 8
  ].join('\n') + '\n';

  it('no build known: leaves are hints, an unnamed leaf is a warning', () => {
    expect(run(code, null)).toEqual([
      { messageId: 'leaf', severity: 'info', line: 2 },
      { messageId: 'leaf', severity: 'info', line: 3 },
      { messageId: 'leaf', severity: 'info', line: 5 },
      { messageId: 'unnamed', severity: 'warn', line: 6 },
    ]);
  });

  it('builds searched but none found: the same as unknown', () => {
    expect(run(code, builds([], 0))).toEqual(run(code, null));
  });

  it('builds known: what no build needs is a warning, including stages only dead stages use', () => {
    expect(run(code, builds(['test']))).toEqual([
      { messageId: 'unusedByBuilds', severity: 'warn', line: 3 },
      { messageId: 'unusedByBuilds', severity: 'warn', line: 4 },
      { messageId: 'unusedByBuilds', severity: 'warn', line: 5 },
      { messageId: 'unusedByBuilds', severity: 'warn', line: 6 },
    ]);
  });

  it('a targeted stage keeps what it needs', () => {
    expect(run(code, builds(['test', 'lint', 'debug']))).toEqual([{ messageId: 'unusedByBuilds', severity: 'warn', line: 6 }]);
  });

  it('names the unnamed stage by number', () => {
    const d = lint(code, { rules: [{ rule, severity: 'warn' }], builds: builds(['test', 'lint', 'debug']) }).diagnostics;
    expect(d[0].message).toBe(
      'No known build of this file needs stage 5 (alpine): it is not the final stage, no build targets it, and no stage that is built uses it. BuildKit skips it and the legacy builder builds it for nothing; remove it.',
    );
  });

  it('a configured info severity stays info', () => {
    const d = lint(code, { rules: [{ rule, severity: 'info' }], builds: builds([]) }).diagnostics;
    expect(d.every((x) => x.severity === 'info')).toBe(true);
  });
});
