import { lint, RuleTester } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import rule from './rule.js';

const HACK = [
  'ARG APP_ENV=prod', // 1
  'FROM alpine AS base', // 2
  'RUN echo base', // 3
  'FROM base AS dev_image', // 4
  'ONBUILD RUN echo dev', // 5
  'FROM base AS prod_image', // 6
  'ONBUILD RUN echo prod', // 7
  'ONBUILD COPY . /app', // 8
  'FROM ${APP_ENV}_image', // 9
  'RUN echo common', // 10
].join('\n') + '\n';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    { name: 'single-stage base image for others', code: 'FROM node:20\nONBUILD COPY . /app\nONBUILD RUN npm ci\n' },
    {
      name: 'ONBUILD in the final stage of a multi-stage file',
      code: 'FROM python AS base\nRUN pip install x\nFROM base AS onbuild\nONBUILD COPY . /app\nONBUILD RUN build\n',
    },
    {
      name: 'ONBUILD in a stage only copied from: triggers do not run for COPY --from',
      code: 'FROM alpine AS tools\nONBUILD RUN x\nFROM alpine\nCOPY --from=tools /x /x\n',
    },
    { name: 'build arg picks stages without ONBUILD', code: 'ARG TARGETARCH\nFROM alpine AS base-amd64\nFROM alpine AS base-arm64\nFROM base-${TARGETARCH}\n' },
    { name: 'a bare variable naming an image', code: 'ARG BASE=node:20\nFROM alpine AS x\nONBUILD RUN x\nFROM $BASE\n' },
    { name: 'a bare variable with no default', code: 'ARG BASE\nFROM alpine AS x\nONBUILD RUN x\nFROM $BASE\n' },
    { name: 'an empty ONBUILD is onbuild-invalid-trigger', code: 'FROM alpine AS x\nONBUILD\nFROM x\n' },
    { name: 'ONBUILD in a later stage cannot be picked by an earlier FROM', code: 'FROM alpine AS a\nFROM a AS b\nONBUILD RUN x\n' },
  ],
  invalid: [
    {
      name: 'the APP_ENV trick',
      code: HACK,
      errors: [
        {
          messageId: 'deferred', line: 5, column: 1, endLine: 5, endColumn: 8,
          message: "This ONBUILD only runs when stage 3 (line 9, chosen by build arg) is built FROM stage 'dev_image' in this same file: the pre-BuildKit way to defer work until a later stage is chosen. BuildKit builds only the stages the target needs, so write it as a plain instruction in the stage that needs it and pick that stage with `--target`.",
        },
        { messageId: 'deferred', line: 7, column: 1, endLine: 7, endColumn: 8 },
        { messageId: 'deferred', line: 8, column: 1, endLine: 8, endColumn: 8 },
        {
          messageId: 'argSelected', line: 9, column: 6, endLine: 9, endColumn: 22,
          message: "This FROM picks stage 'dev_image' or 'prod_image' by build arg (FROM ${APP_ENV}_image) so that only the chosen stage's ONBUILD triggers run. BuildKit already skips the stages a target does not need: make each variant a stage with plain instructions and choose it with `--target` instead of `--build-arg`.",
        },
      ],
      output: null,
    },
    {
      name: 'a bare variable whose default is an ONBUILD stage: the other ONBUILD stages may be passed',
      code: 'ARG IMAGE=prod\nFROM alpine AS dev\nONBUILD RUN dev\nFROM alpine AS prod\nONBUILD RUN prod\nFROM alpine AS plain\nFROM $IMAGE AS final\n',
      errors: [
        { messageId: 'deferred', line: 3, column: 1, endLine: 3, endColumn: 8 },
        { messageId: 'deferred', line: 5, column: 1, endLine: 5, endColumn: 8 },
        { messageId: 'argSelected', line: 7, column: 6, endLine: 7, endColumn: 12, message: "This FROM picks stage 'dev' or 'prod' by build arg (FROM $IMAGE) so that only the chosen stage's ONBUILD triggers run. BuildKit already skips the stages a target does not need: make each variant a stage with plain instructions and choose it with `--target` instead of `--build-arg`." },
      ],
    },
    {
      name: 'a fixed in-file child',
      code: 'FROM node:20 AS deps\nONBUILD COPY package.json /app/\nONBUILD RUN npm ci\nFROM deps AS app\nCOPY . /app\n',
      errors: [
        {
          messageId: 'deferred', line: 2, column: 1, endLine: 2, endColumn: 8,
          message: "This ONBUILD only runs when stage 'app' (line 4) is built FROM stage 'deps' in this same file: the pre-BuildKit way to defer work until a later stage is chosen. BuildKit builds only the stages the target needs, so write it as a plain instruction in the stage that needs it and pick that stage with `--target`.",
        },
        { messageId: 'deferred', line: 3, column: 1, endLine: 3, endColumn: 8 },
      ],
    },
    {
      name: 'lower-case keywords, several children',
      code: 'from alpine as base\nonbuild run x\nfrom base as a\nfrom base as b\n',
      errors: [
        {
          messageId: 'deferred', line: 2, column: 1, endLine: 2, endColumn: 8,
          message: "This ONBUILD only runs when stage 'a' (line 3) or stage 'b' (line 4) is built FROM stage 'base' in this same file: the pre-BuildKit way to defer work until a later stage is chosen. BuildKit builds only the stages the target needs, so write it as a plain instruction in the stage that needs it and pick that stage with `--target`.",
        },
      ],
    },
  ],
});

describe('onbuild-stage-hack with known builds', () => {
  const code = 'FROM node:20 AS onbuild\nONBUILD COPY . /app\nFROM onbuild AS example\nRUN test\n';
  const ids = (targets: string[] | null) =>
    lint(code, { rules: [{ rule, severity: 'warn' }], builds: targets && { invocations: 1, targets: new Set(targets) } }).diagnostics.map((d) => d.messageId);

  it('reports when nothing is known', () => expect(ids(null)).toEqual(['deferred']));
  it('a stage a build targets is published: its triggers are for other Dockerfiles too', () => expect(ids(['onbuild'])).toEqual([]));
  it('builds that target other stages do not change it', () => expect(ids(['example'])).toEqual(['deferred']));
});
