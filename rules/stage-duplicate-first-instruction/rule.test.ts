import { lint, RuleTester } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import rule from './rule.js';

const NPM = 'WORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    { name: 'different first instructions', code: 'FROM node:20 AS build\nWORKDIR /src\nFROM node:20-slim\nWORKDIR /app\n' },
    { name: 'same base, one shared line is not worth a stage', code: 'FROM golang:1.22 AS build\nCOPY . /src\nRUN go build\nFROM golang:1.22 AS test\nCOPY . /src\nRUN go test\n' },
    { name: 'same base, shared boilerplate without work', code: 'FROM node:20 AS a\nWORKDIR /app\nENV NODE_ENV=production\nUSER node\nRUN a\nFROM node:20 AS b\nWORKDIR /app\nENV NODE_ENV=production\nUSER node\nRUN b\n' },
    { name: 'same base, the first line alone is shared', code: 'FROM node:20 AS a\nWORKDIR /app\nRUN a\nFROM node:20 AS b\nWORKDIR /app\nRUN b\n' },
    { name: 'different ARG prefixes: the steps run with different build args', code: 'FROM node:20 AS a\nARG A\n' + NPM + 'FROM node:20 AS b\nARG B\n' + NPM },
    { name: 'different bases in a BuildKit file (syntax directive)', code: '# syntax=docker/dockerfile:1\nFROM node:20 AS build\nWORKDIR /app\nFROM nginx\nWORKDIR /app\n' },
    { name: 'different bases in a BuildKit file (RUN --mount)', code: 'FROM node:20 AS build\nWORKDIR /app\nRUN --mount=type=cache,target=/root/.npm npm ci\nFROM nginx\nWORKDIR /app\n' },
    { name: 'different bases in a BuildKit file (COPY --link)', code: 'FROM node:20 AS build\nWORKDIR /app\nFROM nginx\nWORKDIR /app\nCOPY --link --from=build /app /app\n' },
    { name: 'a stage with nothing but ARGs', code: 'FROM alpine AS a\nARG X\nFROM alpine\nARG X\n' },
    { name: 'same text, different platforms is a different base', code: '# syntax=docker/dockerfile:1\nFROM --platform=$BUILDPLATFORM node:20 AS a\n' + NPM + 'FROM node:20 AS b\n' + NPM },
    { name: 'variable bases written differently are different bases', code: 'ARG A=node:20\nARG B=node:20\nFROM $A AS a\n' + NPM + 'RUN x\nFROM $B AS b\n' + NPM + '# syntax is not at the top: not a directive\nRUN --mount=type=cache,target=/x y\n' },
    { name: 'variable bases with the same default may be the same base', code: 'ARG core=servercore:ltsc2019\nARG target=servercore:ltsc2019\nFROM $core AS download\nSHELL ["powershell"]\nRUN x\nFROM $target\nSHELL ["powershell"]\nRUN y\n' },
    { name: 'a FROM without an image', code: 'FROM\nWORKDIR /app\nRUN a\nRUN b\nFROM\nWORKDIR /app\nRUN a\nRUN b\n' },
    { name: 'one stage', code: 'FROM alpine\nRUN true\n' },
    { name: 'a Jinja template', code: '{% if x %}\nFROM fedora:43\n{% else %}\nFROM fedora:41\n{% endif %}\nRUN true\n' },
  ],
  invalid: [
    {
      name: 'same base, same leading run',
      code: 'FROM node:20 AS build\n' + NPM + 'RUN npm run build\n\nFROM node:20 AS test\n' + NPM + 'RUN npm test\n',
      errors: [
        {
          messageId: 'sameBase', line: 8, column: 1, endLine: 8, endColumn: 13,
          message: "Stage 'test' repeats the start of stage 'build' (line 1): the same base and the same 3 leading instructions. BuildKit builds identical steps on the same base only once, so this costs no build time, but the copies must be kept in step by hand (once they drift, each stage builds its own). Extract them into a shared stage (`FROM node:20 AS <name>`) and build these stages FROM it.",
        },
      ],
      output: 'FROM node:20 AS node-base\n' + NPM + '\nFROM node-base AS build\nRUN npm run build\n\nFROM node-base AS test\nRUN npm test\n',
    },
    {
      name: 'the fix keeps ARGs, --platform and the comments on top of the first stage',
      code: [
        '# syntax=docker/dockerfile:1',
        'ARG NODE=20',
        '# Build stage',
        'FROM --platform=$BUILDPLATFORM node:${NODE} AS build',
        'ARG NPM_FLAGS',
        'WORKDIR /app',
        '# manifests first',
        'COPY package.json package-lock.json ./',
        'RUN npm ci $NPM_FLAGS \\',
        '    --no-audit',
        'RUN npm run build',
        '',
        '# Test stage',
        'from   --platform=$BUILDPLATFORM node:${NODE} as test',
        'ARG NPM_FLAGS',
        'workdir /app',
        'COPY package.json   package-lock.json ./',
        'RUN npm ci $NPM_FLAGS --no-audit',
        'RUN npm test',
        '',
      ].join('\n'),
      errors: [
        {
          messageId: 'sameBase', line: 16, column: 1, endLine: 16, endColumn: 13,
          message: "Stage 'test' repeats the start of stage 'build' (line 4): the same base and the same 3 leading instructions. BuildKit builds identical steps on the same base only once, so this costs no build time, but the copies must be kept in step by hand (once they drift, each stage builds its own). Extract them into a shared stage (`FROM --platform=$BUILDPLATFORM node:${NODE} AS <name>`) and build these stages FROM it.",
        },
      ],
      output: [
        '# syntax=docker/dockerfile:1',
        'ARG NODE=20',
        'FROM --platform=$BUILDPLATFORM node:${NODE} AS node-base',
        'ARG NPM_FLAGS',
        'WORKDIR /app',
        '# manifests first',
        'COPY package.json package-lock.json ./',
        'RUN npm ci $NPM_FLAGS \\',
        '    --no-audit',
        '',
        '# Build stage',
        'FROM node-base AS build',
        'ARG NPM_FLAGS',
        'RUN npm run build',
        '',
        '# Test stage',
        'from   node-base as test',
        'ARG NPM_FLAGS',
        'RUN npm test',
        '',
      ].join('\n'),
    },
    {
      name: 'three stages on one base',
      code: 'FROM node:20 AS a\n' + NPM + 'RUN a\nFROM node:20 AS b\n' + NPM + 'RUN b\nFROM node:20\n' + NPM + 'CMD ["c"]\n',
      errors: [
        { messageId: 'sameBase', line: 7, column: 1, endLine: 7, endColumn: 13 },
        { messageId: 'sameBase', line: 12, column: 1, endLine: 12, endColumn: 13, message: "Stage 2 repeats the start of stage 'a' (line 1): the same base and the same 3 leading instructions. BuildKit builds identical steps on the same base only once, so this costs no build time, but the copies must be kept in step by hand (once they drift, each stage builds its own). Extract them into a shared stage (`FROM node:20 AS <name>`) and build these stages FROM it." },
      ],
      output: 'FROM node:20 AS node-base\n' + NPM + '\nFROM node-base AS a\nRUN a\nFROM node-base AS b\nRUN b\nFROM node-base\nCMD ["c"]\n',
    },
    {
      name: 'a shared earlier stage as base; the name is taken once',
      code: 'FROM node:20 AS deps\nRUN npm ci\nFROM alpine AS deps-common\nFROM deps AS build\nRUN npm run generate \\\n  --all \\\n  --verbose\nRUN npm run build\nFROM deps AS test\nRUN npm run generate  --all --verbose\nRUN npm test\nFROM alpine\nCOPY --from=build /a /a\nCOPY --from=test /b /b\nCOPY --from=deps-common /c /c\n',
      errors: [{ messageId: 'sameBase', line: 10, column: 1, endLine: 10, endColumn: 38 }],
      output: 'FROM node:20 AS deps\nRUN npm ci\nFROM alpine AS deps-common\nFROM deps AS deps-common-2\nRUN npm run generate \\\n  --all \\\n  --verbose\n\nFROM deps-common-2 AS build\nRUN npm run build\nFROM deps-common-2 AS test\nRUN npm test\nFROM alpine\nCOPY --from=build /a /a\nCOPY --from=test /b /b\nCOPY --from=deps-common /c /c\n',
    },
    {
      name: 'a comment block opening the file stays on top',
      code: '# Copyright 2024\n# Build: docker build .\nFROM node:20 AS a\n' + NPM + 'FROM node:20 AS b\n' + NPM,
      errors: [{ messageId: 'sameBase', line: 8, column: 1, endLine: 8, endColumn: 13 }],
      output: '# Copyright 2024\n# Build: docker build .\nFROM node:20 AS node-base\n' + NPM + '\nFROM node-base AS a\nFROM node-base AS b\n',
    },
    {
      name: 'the fix leaves no double blank lines',
      code: 'FROM node:20 AS a\n\n' + NPM + '\nRUN a\n\nFROM node:20 AS b\n\n' + NPM + '\nRUN b\n',
      errors: [{ messageId: 'sameBase', line: 11, column: 1, endLine: 11, endColumn: 13 }],
      output: 'FROM node:20 AS node-base\n' + NPM + '\nFROM node-base AS a\n\nRUN a\n\nFROM node-base AS b\n\nRUN b\n',
    },
    {
      name: 'no fix when a stage is referred to by number',
      code: 'FROM node:20 AS a\n' + NPM + 'FROM node:20 AS b\n' + NPM + 'FROM alpine\nCOPY --from=0 /x /x\n',
      errors: [{ messageId: 'sameBase', line: 6, column: 1, endLine: 6, endColumn: 13 }],
      output: null,
    },
    {
      name: 'no fix for CRLF files',
      code: ('FROM node:20 AS a\n' + NPM + 'FROM node:20 AS b\n' + NPM).replace(/\n/g, '\r\n'),
      errors: [{ messageId: 'sameBase', line: 6, column: 1, endLine: 6, endColumn: 13 }],
      output: null,
    },
    {
      name: 'trailing ARGs stay out of the shared run',
      code: 'FROM node:20 AS a\n' + NPM + 'ARG X\nRUN a $X\nFROM node:20 AS b\n' + NPM + 'ARG X\nRUN b $X\n',
      errors: [{ messageId: 'sameBase', line: 8, column: 1, endLine: 8, endColumn: 13 }],
      output: 'FROM node:20 AS node-base\n' + NPM + '\nFROM node-base AS a\nARG X\nRUN a $X\nFROM node-base AS b\nARG X\nRUN b $X\n',
    },
    {
      name: 'different bases: a hint',
      code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /app\nRUN dotnet publish\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nworkdir   /app\nCOPY --from=build /out .\n',
      errors: [
        {
          messageId: 'differentBase', line: 5, column: 1, endLine: 5, endColumn: 15,
          message: "Stage 1 starts with the same instruction as stage 'build' (line 1) on a different base. BuildKit keys its cache on the parent too, so this only matters for the legacy builder with `--cache-from`, where a stage can pick up the other stage's cached layer; if you build that way, make the first instructions differ.",
        },
      ],
      output: null,
    },
    {
      name: 'leading ARGs are skipped to find the first instruction; continuations are normalised',
      code: 'FROM golang AS a\nARG V\nENV A=1 \\\n    B=2\nFROM alpine AS b\nARG W\nENV A=1 B=2\n',
      errors: [{ messageId: 'differentBase', line: 7, column: 1, endLine: 7, endColumn: 12 }],
    },
    {
      name: 'a multi-line first instruction is underlined on its first line',
      code: 'FROM golang AS a\nRUN apt-get update && \\\n    apt-get install -y curl\nFROM debian\nRUN apt-get update && \\\n    apt-get install -y curl\n',
      errors: [{ messageId: 'differentBase', line: 5, column: 1, endLine: 5, endColumn: 22 }],
    },
    {
      name: 'same base with a shared run, and a third stage on another base',
      code: 'FROM node:20 AS a\n' + NPM + 'RUN a\nFROM node:20 AS b\n' + NPM + 'RUN b\nFROM node:20-slim AS c\nWORKDIR /app\nRUN c\n',
      errors: [
        { messageId: 'sameBase', line: 7, column: 1, endLine: 7, endColumn: 13 },
        { messageId: 'differentBase', line: 12, column: 1, endLine: 12, endColumn: 13 },
      ],
      output: 'FROM node:20 AS node-base\n' + NPM + '\nFROM node-base AS a\nRUN a\nFROM node-base AS b\nRUN b\nFROM node:20-slim AS c\nWORKDIR /app\nRUN c\n',
    },
  ],
});

describe('stage-duplicate-first-instruction severities', () => {
  const sev = (code: string) => lint(code, { rules: [{ rule, severity: 'error' }] }).diagnostics.map((d) => `${d.messageId}:${d.severity}`);

  it('sameBase keeps the configured severity', () => {
    expect(sev('FROM node:20 AS a\n' + NPM + 'FROM node:20 AS b\n' + NPM)).toEqual(['sameBase:error']);
  });

  it('differentBase is always a hint (no build is known to use the legacy builder with --cache-from)', () => {
    expect(sev('FROM golang AS a\nWORKDIR /app\nFROM alpine\nWORKDIR /app\n')).toEqual(['differentBase:info']);
    const withBuilds = lint('FROM golang AS a\nWORKDIR /app\nFROM alpine\nWORKDIR /app\n', {
      rules: [{ rule, severity: 'warn' }],
      builds: { invocations: 2, targets: new Set() },
    });
    expect(withBuilds.diagnostics.map((d) => d.severity)).toEqual(['info']);
  });
});
