import { RuleTester } from '@stowage/core';
import { beforeAll, describe, it } from 'vitest';
import rule from './rule.js';

const KEEP = 'RUN rm -f /etc/apt/apt.conf.d/docker-clean\n';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    `FROM debian:12\n${KEEP}RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n    --mount=type=cache,target=/var/lib/apt,sharing=locked \\\n    apt-get update && apt-get install -y --no-install-recommends curl\n`,
    'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n',
    'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n',
    'FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci\n',
    { name: 'a lists cleanup without a lists mount', code: `FROM debian:12\n${KEEP}RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n` },
    { name: 'apt-get clean with only the lists mounted', code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y curl && apt-get clean\n' },
    { name: 'docker-clean removed in a parent stage', code: `FROM ubuntu:24.04 AS base\n${KEEP}FROM base\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y curl\n` },
    { name: 'keep-cache configured', code: `FROM debian:12\nRUN echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y curl\n` },
    { name: 'docker-clean removed in the same RUN', code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install -y curl\n' },
    { name: 'an unknown base image may not have docker-clean', code: 'FROM mycorp/base:1\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y curl\n' },
    { name: 'no-cache-dir for a pip cache mount elsewhere', code: 'FROM python:3.12\nRUN --mount=type=cache,target=/root/.npm pip install --no-cache-dir flask\n' },
    { name: 'yum clean all on EL8, where yum caches in /var/cache/dnf', code: 'FROM rockylinux:8\nRUN --mount=type=cache,target=/var/cache/yum yum install -y gcc && yum clean all\n' },
    { name: 'a parent mount of /var/cache in a Fedora stage is no apt mount', code: 'FROM fedora:40\nRUN --mount=type=cache,target=/var/cache dnf install -y gcc\n' },
    { name: 'sharing=private does not share', code: `FROM debian:12\n${KEEP}RUN --mount=type=cache,target=/var/cache/apt,sharing=private apt-get install -y curl\n` },
    { name: 'an unknown target', code: 'FROM python:3.12\nARG CACHE\nRUN --mount=type=cache,target=$CACHE pip install --no-cache-dir flask\n' },
    // The build that runs the trigger has its own build args, not this stage's.
    { name: 'an ONBUILD RUN does not see the ARGs of the stage that declares it', code: 'FROM python:3.12\nARG PIP_NO_CACHE_DIR=1\nONBUILD RUN --mount=type=cache,target=/root/.cache pip install flask\n', onbuild: false },
  ],
  invalid: [
    {
      name: 'the apt lists mount emptied by rm',
      code: 'FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked \\\n    apt-get update && apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*\n',
      errors: [
        {
          messageId: 'deleted', line: 4, column: 5, endLine: 4, endColumn: 32,
          message: '`rm -rf /var/lib/apt/lists/*` deletes what the cache mount at /var/lib/apt/lists keeps, so the next build finds it empty. Drop the cleanup: a cache mount is not part of the image.',
        },
      ],
    },
    {
      name: 'apt-get clean with /var/cache/apt mounted',
      code: `FROM debian:12\n${KEEP}RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y curl && apt-get clean\n`,
      errors: [{ messageId: 'deleted', line: 3, column: 106, endLine: 3, endColumn: 119 }],
    },
    {
      name: 'pip --no-cache-dir under a pip cache mount',
      code: 'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip \\\n    pip install --no-cache-dir -r requirements.txt\n',
      errors: [
        {
          messageId: 'disabledFlag', line: 3, column: 17, endLine: 3, endColumn: 31,
          message: '`--no-cache-dir` turns off the pip cache that the mount at /root/.cache/pip is there to keep. Drop the flag: a cache mount is not part of the image.',
        },
      ],
    },
    {
      name: 'apk --no-cache under an apk cache mount',
      code: 'FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add --no-cache curl\n',
      errors: [{ messageId: 'disabledFlag', line: 2, column: 54, endLine: 2, endColumn: 64 }],
    },
    {
      name: 'npm cache clean under an npm cache mount',
      code: 'FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci && npm cache clean --force\n',
      errors: [{ messageId: 'deleted', line: 2, column: 52, endLine: 2, endColumn: 75 }],
    },
    {
      name: 'PIP_NO_CACHE_DIR from ENV',
      code: 'FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN --mount=type=cache,target=/root/.cache pip install flask\n',
      // Wrapped in ONBUILD, the ENV trigger runs before the RUN trigger, in the same later build.
      errors: [{ messageId: 'disabledEnv', line: 3, column: 24, endLine: 3, endColumn: 43 }],
    },
    {
      name: 'rm of the whole parent of the cache',
      code: 'FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask && rm -rf ~/.cache\n',
      errors: [{ messageId: 'deleted', line: 2, column: 69, endLine: 2, endColumn: 84 }],
    },
    {
      name: 'dnf clean all in a known Fedora release',
      code: 'FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y gcc && dnf clean all\n',
      errors: [{ messageId: 'deleted', line: 2, column: 68, endLine: 2, endColumn: 81 }],
    },
    {
      name: 'apt mounts without sharing=locked',
      code: `FROM debian:12\n${KEEP}RUN --mount=type=cache,target=/var/cache/apt \\\n    --mount=type=cache,target=/var/lib/apt,sharing=shared \\\n    apt-get update && apt-get install -y curl\n`,
      errors: [
        {
          messageId: 'unlocked', line: 3, column: 24, endLine: 3, endColumn: 45,
          message: 'The apt cache mount at /var/cache/apt is shared between concurrent builds, and apt cannot share it: a second build fails to get its lock or corrupts the cache. Add `sharing=locked`.',
        },
        { messageId: 'unlocked', line: 4, column: 44, endLine: 4, endColumn: 58 },
      ],
      output: `FROM debian:12\n${KEEP}RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n    --mount=type=cache,target=/var/lib/apt,sharing=locked \\\n    apt-get update && apt-get install -y curl\n`,
    },
    {
      name: 'a quoted mount value',
      code: 'FROM debian:12\nRUN --mount="type=cache,target=/var/lib/apt/lists" apt-get update\n',
      // The target's range ends before the closing quote.
      errors: [{ messageId: 'unlocked', line: 2, column: 25, endLine: 2, endColumn: 50 }],
      output: 'FROM debian:12\nRUN --mount="type=cache,target=/var/lib/apt/lists,sharing=locked" apt-get update\n',
    },
    {
      name: 'a quoted sharing value',
      code: "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing='shared' apt-get update\n",
      errors: [{ messageId: 'unlocked', line: 2, column: 50, endLine: 2, endColumn: 65 }],
      output: "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing='locked' apt-get update\n",
    },
    {
      name: 'docker-clean still in place',
      code: 'FROM ubuntu:24.04\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked \\\n    apt-get update && apt-get install -y curl\n',
      errors: [
        {
          messageId: 'dockerClean', line: 2, column: 24, endLine: 2, endColumn: 45,
          message: 'The cache mount at /var/cache/apt stays empty: Ubuntu images ship /etc/apt/apt.conf.d/docker-clean, which deletes downloaded packages after every install. Remove it in an earlier RUN (`rm -f /etc/apt/apt.conf.d/docker-clean`).',
        },
      ],
    },
    {
      name: 'docker-clean in a Debian-based language image, through an ARG',
      code: 'ARG PY=3.12\nFROM python:${PY}-slim\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update && apt-get install -y gcc\n',
      errors: [{ messageId: 'dockerClean', line: 3, column: 24, endLine: 3, endColumn: 45 }],
    },
  ],
});
