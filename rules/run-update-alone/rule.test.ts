import { RuleTester } from '@stowage/core';
import { beforeAll, describe, expect, it } from 'vitest';
import rule, { andChainOnly } from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    'FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n',
    'FROM alpine\nRUN apk update && apk add curl\n',
    'FROM debian\nRUN apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get install -y \\\n      curl \\\n && rm -rf /var/lib/apt/lists/*\n',
    { name: 'an upgrade uses the fresh index', code: 'FROM debian\nRUN apt-get update && apt-get upgrade -y\n' },
    { name: 'a script may install', code: 'FROM debian\nRUN apt-get update && ./install-deps.sh\n' },
    { name: 'a cross-compilation wrapper installs', code: 'FROM debian\nRUN apt-get update && xx-apt-get install -y gcc\n' },
    { name: 'an install through sh -c', code: 'FROM debian\nRUN apt-get update && sh -c "apt-get install -y curl"\n' },
    { name: 'the index is deleted again', code: 'FROM debian\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\nRUN echo hi\n' },
    { name: 'dnf metadata cleaned again', code: 'FROM fedora\nRUN dnf makecache && dnf clean all\n' },
    { name: 'an update inside a heredoc with the install', code: 'FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n' },
    { name: 'xargs installs', code: 'FROM debian\nCOPY pkgs.txt /tmp/\nRUN apt-get update && xargs apt-get install -y < /tmp/pkgs.txt\n' },
    { name: 'Windows stages are not read', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN choco update\n' },
    { name: 'mk-build-deps installs', code: 'FROM debian\nRUN apt-get update && mk-build-deps -i -r debian/control\n' },
    { name: 'an install after a comment line inside the continuation', code: 'FROM debian\nRUN apt-get update \\\n# the tools\n && apt-get install -y curl\n' },
    { name: 'an update, then a command that is no index work', code: 'FROM debian\nRUN apt-get update && make\n' },
  ],
  invalid: [
    {
      // The plain start of the script (`apt-get`, `set`) shows nothing but index work: the full parse decides.
      name: 'an update word split by a continuation is one word',
      code: 'FROM debian\nRUN set -e && apt-get up\\\ndate\nRUN apt-get install -y curl\n',
      errors: [{ messageId: 'stale', line: 2, column: 15, endLine: 3, endColumn: 5 }],
    },
    {
      name: 'an update after a blank line inside the continuation',
      code: 'FROM debian\nRUN apt-get \\\n\n  update && echo "deb x" > /etc/apt/sources.list\nRUN apt-get install -y curl\n',
      errors: [{ messageId: 'stale', line: 2, column: 5, endLine: 4, endColumn: 9 }],
      output: 'FROM debian\nRUN apt-get \\\n\n  update && echo "deb x" > /etc/apt/sources.list && apt-get install -y curl\n',
    },
    {
      name: 'update, then install in the next RUN',
      code: 'FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n',
      errors: [
        {
          messageId: 'stale', line: 2, column: 5, endLine: 2, endColumn: 19,
          message:
            "`apt-get update` updates the package index in a RUN that installs nothing: the cached layer keeps that day's index, and later `apt-get` installs use it after the mirrors have moved on (removed versions fail to download). Update in the RUN that installs.",
        },
      ],
      output: 'FROM debian\nRUN apt-get update && apt-get install -y curl\n',
    },
    {
      name: 'continuation lines on both RUNs',
      code: 'FROM debian\nRUN apt-get -qq update \\\n && echo updated\nRUN apt-get install -y \\\n      curl \\\n && rm -rf /var/lib/apt/lists/*\n',
      errors: [{ messageId: 'stale', line: 2, column: 5, endLine: 2, endColumn: 23 }],
      output: 'FROM debian\nRUN apt-get -qq update \\\n && echo updated && apt-get install -y \\\n      curl \\\n && rm -rf /var/lib/apt/lists/*\n',
    },
    {
      name: 'the same mount on both RUNs',
      code: 'FROM debian\nRUN --mount=type=secret,id=netrc apt-get update\nRUN --mount=type=secret,id=netrc apt-get install -y curl\n',
      errors: [{ messageId: 'stale', line: 2, column: 34, endLine: 2, endColumn: 48 }],
      output: 'FROM debian\nRUN --mount=type=secret,id=netrc apt-get update && apt-get install -y curl\n',
    },
    {
      name: 'dnf makecache: the metadata is only wasted',
      code: 'FROM fedora:40\nRUN dnf makecache\nRUN dnf install -y gcc && dnf clean all\n',
      errors: [
        {
          messageId: 'wasted', line: 2, column: 5, endLine: 2, endColumn: 18,
          message:
            '`dnf makecache` fetches repository metadata in a RUN that installs nothing: the layer stores metadata that goes stale, and dnf refreshes expired metadata when it installs anyway. Run it in the RUN that installs, or drop it.',
        },
      ],
      output: 'FROM fedora:40\nRUN dnf makecache && dnf install -y gcc && dnf clean all\n',
    },
    {
      name: 'repository setup with the update',
      code: 'FROM ubuntu:22.04\nRUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /etc/apt/keyrings/x.gpg \\\n && echo "deb [signed-by=/etc/apt/keyrings/x.gpg] https://example.com/apt stable main" > /etc/apt/sources.list.d/x.list \\\n && apt-get update\nRUN apt-get install -y x\n',
      errors: [{ messageId: 'stale', line: 4, column: 5, endLine: 4, endColumn: 19 }],
      output: 'FROM ubuntu:22.04\nRUN curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /etc/apt/keyrings/x.gpg \\\n && echo "deb [signed-by=/etc/apt/keyrings/x.gpg] https://example.com/apt stable main" > /etc/apt/sources.list.d/x.list \\\n && apt-get update && apt-get install -y x\n',
    },
    {
      name: 'no fix when the next RUN goes on after a failure (`;`)',
      code: 'FROM alpine\nRUN apk update\nRUN apk add curl; echo done\n',
      errors: [{ messageId: 'stale', line: 2, column: 5, endLine: 2, endColumn: 15 }],
      output: null,
    },
    {
      name: 'no fix when the next RUN ignores failures (`||`)',
      code: 'FROM debian\nRUN apt-get update\nRUN apt-get install -y x || true\n',
      errors: [{ messageId: 'stale', line: 2, column: 5, endLine: 2, endColumn: 19 }],
      output: null,
    },
    {
      name: 'no fix across a comment',
      code: 'FROM debian\nRUN apt-get update\n# tools\nRUN apt-get install -y curl\n',
      errors: [{ messageId: 'stale', line: 2, column: 5, endLine: 2, endColumn: 19 }],
      output: null,
    },
    {
      name: 'no fix when the flags differ',
      code: 'FROM debian\nRUN apt-get update\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get install -y curl\n',
      errors: [{ messageId: 'stale', line: 2, column: 5, endLine: 2, endColumn: 19 }],
      output: null,
    },
    {
      name: 'no fix when the update RUN changes directory',
      code: 'FROM debian\nRUN cd /tmp && apt-get update\nRUN apt-get install -y curl\n',
      errors: [{ messageId: 'stale', line: 2, column: 16, endLine: 2, endColumn: 30 }],
      output: null,
    },
    {
      name: 'no fix after a trailing comment',
      code: 'FROM debian\nRUN apt-get update # refresh\nRUN apt-get install -y curl\n',
      errors: [{ messageId: 'stale', line: 2, column: 5, endLine: 2, endColumn: 19 }],
      output: null,
    },
    {
      name: 'exec form',
      code: 'FROM debian\nRUN ["apt-get", "update"]\nRUN apt-get install -y curl\n',
      errors: [{ messageId: 'stale', line: 2, column: 6, endLine: 2, endColumn: 25 }],
      output: null,
    },
    {
      name: 'a heredoc that only updates',
      code: 'FROM debian\nRUN <<EOF\nset -e\napt-get update\nEOF\nRUN apt-get install -y curl\n',
      errors: [{ messageId: 'stale', line: 4, column: 1, endLine: 4, endColumn: 15 }],
      output: null,
    },
    {
      name: 'the install is in a stage built on this one',
      code: 'FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN apt-get install -y curl\n',
      errors: [{ messageId: 'stale', line: 2, column: 5, endLine: 2, endColumn: 19 }],
      output: null,
    },
    {
      name: 'nothing later installs with apt',
      code: 'FROM python:3.12\nRUN apt-get update\nRUN pip install flask\n',
      errors: [{ messageId: 'unused', line: 2, column: 5, endLine: 2, endColumn: 19 }],
      output: null,
    },
    {
      name: 'an ONBUILD install uses this image\'s index',
      code: 'FROM debian\nRUN apt-get update\nONBUILD RUN apt-get install -y x\n',
      errors: [{ messageId: 'stale', line: 2, column: 5, endLine: 2, endColumn: 19 }],
      output: null,
      onbuild: false,
    },
    {
      name: 'apt-get clean keeps the lists',
      code: 'FROM debian\nRUN apt-get update && apt-get clean\n',
      errors: [{ messageId: 'unused', line: 2, column: 5, endLine: 2, endColumn: 19 }],
      output: null,
    },
  ],
});

describe('andChainOnly', () => {
  it('accepts && chains with pipes and redirections', () => {
    expect(andChainOnly('apt-get install -y x && echo "a; b" | tee /x 2>&1')).toBe(true);
    expect(andChainOnly('apt-get install -y \\\n  x \\\n && rm -rf /var/lib/apt/lists/*')).toBe(true);
  });
  it('rejects other lists', () => {
    expect(andChainOnly('a; b')).toBe(false);
    expect(andChainOnly('a || b')).toBe(false);
    expect(andChainOnly('a & b')).toBe(false);
    expect(andChainOnly('a # c')).toBe(false);
  });
});
