import { RuleTester } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import rule, { readPin, syntaxDirective } from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    'FROM alpine\nRUN apk add --no-cache curl\nCOPY --chown=1000 a /a\n',
    '# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n',
    { name: 'a directive after the escape directive', code: '# escape=\\\n# syntax=docker/dockerfile:1\nFROM alpine\nCOPY --link a /a\n' },
    { name: 'a directive after a shebang line', code: '#!/usr/bin/env -S docker build -f\n# syntax=docker/dockerfile:1.4\nFROM alpine\nCOPY --link a /a\n' },
    { name: 'a C-style directive', code: '// syntax=docker/dockerfile:1\nFROM alpine\nCOPY --link a /a\n' },
    { name: 'a pin new enough', code: '# syntax=docker/dockerfile:1.4\nFROM alpine\nRUN <<EOF\necho hi\nEOF\nCOPY --link a /a\n' },
    { name: 'a labs pin for a labs feature', code: '# syntax=docker/dockerfile:1.7-labs\nFROM alpine\nCOPY --parents a/b /x/\n' },
    { name: 'the moving 1 tag has every stable feature', code: '# syntax=docker/dockerfile:1\nFROM alpine\nCOPY --parents --exclude=*.md a/b /x/\n' },
    { name: 'the old experimental channel had RUN --mount', code: '# syntax=docker/dockerfile:1.0-experimental\nFROM alpine\nRUN --mount=type=secret,id=a cat /run/secrets/a\n' },
    { name: 'an unknown frontend is not judged', code: '# syntax=mycorp/dockerfile:3\nFROM alpine\nCOPY --parents a /x/\n' },
    { name: 'a Containerfile is for Podman/Buildah, which ignore the directive', code: 'FROM alpine\nRUN --mount=type=cache,target=/root/.cache pip install x\n', filePath: 'app/Containerfile' },
    { name: 'Windows stages build with the classic builder', code: 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCOPY --link app/ /app/\n' },
    { name: 'a here-string is no heredoc', code: 'FROM alpine\nRUN cat <<< "hi"\n' },
    { name: 'ONBUILD triggers run in the downstream file', code: 'FROM alpine\nONBUILD RUN --mount=type=cache,target=/x true\n' },
  ],
  invalid: [
    {
      name: 'RUN --mount without a directive: a hint, Docker 20.10 has it',
      code: 'FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n',
      errors: [
        {
          messageId: 'missing', line: 2, column: 5, endLine: 2, endColumn: 45,
          message:
            '`RUN --mount` needs Dockerfile frontend 1.2 or later, and the file has no `# syntax=` directive: it builds only where the built-in frontend is new enough (any BuildKit since Docker 20.10). Add `# syntax=docker/dockerfile:1` as the first line.',
        },
      ],
      output: '# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n',
    },
    {
      name: 'a heredoc: reported at the feature that needs the newest frontend',
      code: 'FROM alpine\nRUN --mount=type=cache,target=/x true\nRUN <<EOF\necho hi\nEOF\n',
      errors: [{ messageId: 'missing', line: 3, column: 5, endLine: 3, endColumn: 10 }],
      output: '# syntax=docker/dockerfile:1\nFROM alpine\nRUN --mount=type=cache,target=/x true\nRUN <<EOF\necho hi\nEOF\n',
    },
    {
      name: 'the directive goes above an escape directive',
      code: '# escape=\\\nFROM alpine\nCOPY --link a /a\n',
      errors: [{ messageId: 'missing', line: 3, column: 6, endLine: 3, endColumn: 12 }],
      output: '# syntax=docker/dockerfile:1\n# escape=\\\nFROM alpine\nCOPY --link a /a\n',
    },
    {
      name: 'the directive goes below a shebang',
      code: '#!/usr/bin/env docker-build\nFROM alpine\nCOPY --chmod=755 a /a\n',
      errors: [{ messageId: 'missing', line: 3, column: 6, endLine: 3, endColumn: 17 }],
      output: '#!/usr/bin/env docker-build\n# syntax=docker/dockerfile:1\nFROM alpine\nCOPY --chmod=755 a /a\n',
    },
    {
      name: 'a syntax comment after another comment is no directive',
      code: '# Build the app\n# syntax=docker/dockerfile:1\nFROM alpine\nCOPY --link a /a\n',
      errors: [{ messageId: 'missing', line: 4, column: 6, endLine: 4, endColumn: 12 }],
      output: '# syntax=docker/dockerfile:1\n# Build the app\n# syntax=docker/dockerfile:1\nFROM alpine\nCOPY --link a /a\n',
    },
    {
      name: 'a multi-line RUN with a mount on a continuation line',
      code: 'FROM debian\nRUN apt-get update \\\n && apt-get install -y curl\nRUN \\\n  --network=none \\\n  make\n',
      errors: [{ messageId: 'missing', line: 5, column: 3, endLine: 5, endColumn: 17 }],
      output: '# syntax=docker/dockerfile:1\nFROM debian\nRUN apt-get update \\\n && apt-get install -y curl\nRUN \\\n  --network=none \\\n  make\n',
    },
    {
      name: 'a labs-only flag needs the labs channel',
      code: 'FROM alpine\nRUN --security=insecure make\n',
      errors: [{ messageId: 'missingLabs', line: 2, column: 5, endLine: 2, endColumn: 24 }],
      output: '# syntax=docker/dockerfile:1-labs\nFROM alpine\nRUN --security=insecure make\n',
    },
    {
      name: 'a pin older than a heredoc',
      code: '# syntax=docker/dockerfile:1.3\nFROM alpine\nRUN <<EOF\necho hi\nEOF\n',
      errors: [
        {
          messageId: 'outdated', line: 3, column: 5, endLine: 3, endColumn: 10,
          message: 'A heredoc needs Dockerfile frontend 1.4 or later, but the `# syntax=` directive pins docker/dockerfile:1.3: the build fails. Pin `docker/dockerfile:1.4` or later (or `docker/dockerfile:1`).',
          suggestions: [{ title: 'Pin `docker/dockerfile:1.4`', output: '# syntax=docker/dockerfile:1.4\nFROM alpine\nRUN <<EOF\necho hi\nEOF\n' }],
        },
      ],
    },
    {
      name: 'a patch-level pin older than --exclude',
      code: '# syntax = docker/dockerfile:1.6.0\nFROM alpine\nCOPY --exclude=*.md . /src\n',
      errors: [
        {
          messageId: 'outdated', line: 3, column: 6, endLine: 3, endColumn: 20,
          suggestions: [{ output: '# syntax = docker/dockerfile:1.19\nFROM alpine\nCOPY --exclude=*.md . /src\n' }],
        },
      ],
    },
    {
      name: 'a labs pin older than the labs feature',
      code: '# syntax=docker/dockerfile:1.6-labs\nFROM alpine\nCOPY --parents a/b /x/\n',
      errors: [
        {
          messageId: 'outdated', line: 3, column: 6, endLine: 3, endColumn: 15,
          suggestions: [{ output: '# syntax=docker/dockerfile:1.7-labs\nFROM alpine\nCOPY --parents a/b /x/\n' }],
        },
      ],
    },
    {
      name: 'a stable pin with a labs-only flag',
      code: '# syntax=docker/dockerfile:1\nFROM alpine\nRUN --security=insecure make\n',
      errors: [{ messageId: 'labsOnly', line: 3, column: 5, endLine: 3, endColumn: 24 }],
    },
    {
      name: 'a non-octal chmod needs 1.14',
      code: '# syntax=docker/dockerfile:1.12\nFROM alpine\nCOPY --chmod=u+x run.sh /run.sh\n',
      errors: [{ messageId: 'outdated', line: 3, column: 6, endLine: 3, endColumn: 17, suggestions: [{ output: '# syntax=docker/dockerfile:1.14\nFROM alpine\nCOPY --chmod=u+x run.sh /run.sh\n' }] }],
    },
    {
      name: 'a pinned digest gets no suggestion',
      code: '# syntax=docker/dockerfile:1.2@sha256:e2a8561e419ab1ba6b2fe6cbdf49fd92b95912df1cf7d313c3e2230a333fdbcc\nFROM alpine\nCOPY --link a /a\n',
      errors: [{ messageId: 'outdated', line: 3, column: 6, endLine: 3, endColumn: 12 }],
    },
  ],
});

describe('directive reading', () => {
  it('finds the syntax directive as BuildKit does', () => {
    expect(syntaxDirective('# syntax=docker/dockerfile:1\nFROM a\n')?.value).toBe('docker/dockerfile:1');
    expect(syntaxDirective('# check=skip=all\n#syntax = docker/dockerfile:1.4 # pinned\nFROM a\n')?.value).toBe('docker/dockerfile:1.4');
    expect(syntaxDirective('\n# syntax=docker/dockerfile:1\nFROM a\n')).toBeNull();
    expect(syntaxDirective(' # syntax=docker/dockerfile:1\nFROM a\n')).toBeNull();
    expect(syntaxDirective('\uFEFF# syntax=docker/dockerfile:1\r\nFROM a\r\n')?.value).toBe('docker/dockerfile:1');
  });

  it('reads pins', () => {
    expect(readPin('docker/dockerfile:1')).toEqual({ version: null, labs: false });
    expect(readPin('docker/dockerfile:1-labs')).toEqual({ version: null, labs: true });
    expect(readPin('docker.io/docker/dockerfile:1.7.1-labs')).toEqual({ version: [1, 7], labs: true });
    expect(readPin('docker/dockerfile-upstream:1.4')).toEqual({ version: [1, 4], labs: false });
    expect(readPin('docker/dockerfile')).toEqual({ version: null, labs: false });
    expect(readPin('docker/dockerfile:experimental')).toBeNull();
    expect(readPin('tonistiigi/dockerfile:runmount20180618')).toBeNull();
  });
});
