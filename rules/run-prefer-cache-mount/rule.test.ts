import { RuleTester } from '@stowage/core';
import { beforeAll, describe, it } from 'vitest';
import rule from './rule.js';

const BK = '# syntax=docker/dockerfile:1\n';
const EVERYWHERE = { everywhere: true };

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    { name: 'not reported in files that do not use BuildKit', code: 'FROM python:3.12\nRUN pip install -r requirements.txt\n' },
    `${BK}FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n`,
    { name: 'a mount at a parent of the cache', code: `${BK}FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache pip install flask\n` },
    { name: 'a tmpfs at the cache dir', code: `${BK}FROM node:20\nRUN --mount=type=tmpfs,target=/root/.npm npm install -g pnpm@9\n` },
    { name: 'a mount at a path this file cannot resolve', code: `${BK}FROM python:3.12\nARG CACHE\nRUN --mount=type=cache,target=$CACHE pip install flask\n` },
    { name: 'a non-root user: its home is not known', code: `${BK}FROM python:3.12\nUSER app\nRUN pip install --user flask\n` },
    { name: 'a user-switching wrapper', code: `${BK}FROM ruby:3.3\nRUN gosu app bundle install\n` },
    { name: 'an offline install reads an earlier download', code: `${BK}FROM maven:3-eclipse-temurin-21\nRUN mvn -o package\n` },
    { name: 'apt without its own update reads earlier lists', code: `${BK}FROM debian:12\nRUN apt-get install -y curl\n` },
    { name: 'Composer without COMPOSER_HOME: the cache dir is not knowable', code: `${BK}FROM php:8.3\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/\nRUN composer install --no-dev\n` },
    { name: 'Yarn 2+ keeps its cache in the project', code: `${BK}FROM node:20\nCOPY .yarnrc.yml package.json yarn.lock ./\nRUN yarn install --immutable\n` },
    { name: 'dnf in an image whose release is unknown', code: `${BK}FROM mycorp/rhel:latest\nRUN dnf install -y gcc\n` },
    { name: 'apk reading an older index', code: `${BK}FROM alpine:3.20\nRUN apk add curl\n` },
    { name: 'a project script is no download', code: `${BK}FROM node:20\nRUN npm run build\n` },
    { name: 'Windows stages', code: `${BK}FROM mcr.microsoft.com/dotnet/sdk:8.0-nanoserver-ltsc2022\nRUN dotnet restore\n` },
    { name: 'a local gem install downloads nothing', code: `${BK}FROM ruby:3.3\nCOPY pups.gem .\nRUN gem install --local pups.gem\n` },
    { name: 'an install under su -c runs as another user', code: `${BK}FROM python:3.12\nRUN su app -c "pip install --user flask"\n` },
    { name: 'the everywhere option off', code: 'FROM node:20\nRUN npm ci\n', options: { everywhere: false } },
  ],
  invalid: [
    {
      name: 'pip in a BuildKit file',
      code: `${BK}FROM python:3.12\nRUN pip install -r requirements.txt\n`,
      errors: [
        {
          messageId: 'mount', line: 3, column: 5, endLine: 3, endColumn: 36,
          message: '`pip install` downloads packages from scratch whenever this layer rebuilds. A cache mount keeps them between builds, outside the image: `--mount=type=cache,target=/root/.cache/pip`.',
          suggestions: [{ title: 'Add `--mount=type=cache,target=/root/.cache/pip`', output: `${BK}FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n` }],
        },
      ],
    },
    {
      name: 'any BuildKit feature turns it on: COPY --link',
      code: 'FROM node:20\nCOPY --link package.json package-lock.json ./\nRUN npm ci\n',
      errors: [{ messageId: 'mount', line: 3, column: 5, endLine: 3, endColumn: 11, suggestions: [{ output: 'FROM node:20\nCOPY --link package.json package-lock.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\n' }] }],
    },
    {
      name: 'the everywhere option (the all preset)',
      code: 'FROM golang:1.22\nRUN CGO_ENABLED=0 go build -o /out/app ./cmd/app\n',
      options: EVERYWHERE,
      errors: [
        {
          messageId: 'mount', line: 2, column: 5, endLine: 2, endColumn: 49,
          message:
            '`go build` downloads modules and recompiles every package from scratch whenever this layer rebuilds. A cache mount keeps them between builds, outside the image: `--mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build`.',
          suggestions: [{ output: 'FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /out/app ./cmd/app\n' }],
        },
      ],
    },
    {
      name: '--no-cache-dir is dropped with the mount',
      code: `${BK}FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n`,
      errors: [
        {
          messageId: 'mountCleanup', line: 3, column: 5, endLine: 3, endColumn: 51,
          suggestions: [{ title: 'Add `--mount=type=cache,target=/root/.cache/pip`, and drop `--no-cache-dir`', output: `${BK}FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n` }],
        },
      ],
    },
    {
      name: 'apt with its cleanup on continuation lines',
      code: `${BK}FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl \\\n && rm -rf /var/lib/apt/lists/*\n`,
      errors: [
        {
          messageId: 'mountCleanup', line: 4, column: 5, endLine: 4, endColumn: 52,
          message:
            '`apt-get install` downloads packages and package lists from scratch whenever this layer rebuilds, and `rm -rf /var/lib/apt/lists/*` throws them away. A cache mount keeps them between builds, outside the image: `--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked` (and drop `rm -rf /var/lib/apt/lists/*`).',
          suggestions: [
            {
              output: `${BK}FROM debian:12\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update \\\n && apt-get install -y --no-install-recommends curl\n`,
            },
          ],
        },
      ],
    },
    {
      name: 'apt where docker-clean is already gone',
      code: `${BK}FROM ubuntu:24.04\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN apt-get update && apt-get install -y curl\n`,
      errors: [
        {
          messageId: 'mount', line: 4, column: 23, endLine: 4, endColumn: 46,
          suggestions: [{ output: `${BK}FROM ubuntu:24.04\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y curl\n` }],
        },
      ],
    },
    {
      name: 'an rm that also deletes other things stays, so no suggestion',
      code: `${BK}FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* /tmp/*\n`,
      errors: [{ messageId: 'mountCleanup', line: 3, column: 23, endLine: 3, endColumn: 46 }],
    },
    {
      name: 'another RUN reads the lists this one leaves',
      code: `${BK}FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n`,
      errors: [
        {
          messageId: 'shared', line: 3, column: 23, endLine: 3, endColumn: 46,
          message:
            '`apt-get install` downloads packages and package lists from scratch whenever this layer rebuilds. A cache mount keeps them between builds, outside the image: `--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked`; other RUNs read what apt-get leaves on disk, so mount it on each of them too.',
        },
      ],
    },
    {
      name: 'apk --no-cache becomes --update-cache',
      code: `${BK}FROM alpine:3.20\nRUN apk add --no-cache curl\n`,
      errors: [
        {
          messageId: 'mountCleanup', line: 3, column: 5, endLine: 3, endColumn: 28,
          suggestions: [{ output: `${BK}FROM alpine:3.20\nRUN --mount=type=cache,target=/etc/apk/cache apk add --update-cache curl\n` }],
        },
      ],
    },
    {
      name: 'npm cache clean is dropped',
      code: `${BK}FROM node:20\nRUN npm ci --omit=dev && npm cache clean --force\n`,
      errors: [{ messageId: 'mountCleanup', line: 3, column: 5, endLine: 3, endColumn: 22, suggestions: [{ output: `${BK}FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci --omit=dev\n` }] }],
    },
    {
      name: 'the environment moves the cache',
      code: `${BK}FROM node:20\nENV PNPM_HOME=/pnpm\nRUN pnpm install --frozen-lockfile\n`,
      errors: [{ messageId: 'mount', line: 4, column: 5, endLine: 4, endColumn: 35, suggestions: [{ output: `${BK}FROM node:20\nENV PNPM_HOME=/pnpm\nRUN --mount=type=cache,target=/pnpm/store pnpm install --frozen-lockfile\n` }] }],
    },
    {
      name: 'cargo in the rust image',
      code: `${BK}FROM rust:1.80\nRUN cargo build --release --locked\n`,
      errors: [
        {
          messageId: 'mount', line: 3, column: 5, endLine: 3, endColumn: 35,
          suggestions: [{ output: `${BK}FROM rust:1.80\nRUN --mount=type=cache,target=/usr/local/cargo/registry --mount=type=cache,target=/usr/local/cargo/git cargo build --release --locked\n` }],
        },
      ],
    },
    {
      name: 'a RUN with other mounts: the cache mount goes first',
      code: `${BK}FROM maven:3-eclipse-temurin-21\nRUN --mount=type=bind,source=pom.xml,target=pom.xml mvn -B dependency:go-offline\n`,
      errors: [
        {
          messageId: 'mount', line: 3, column: 53, endLine: 3, endColumn: 81,
          suggestions: [{ output: `${BK}FROM maven:3-eclipse-temurin-21\nRUN --mount=type=cache,target=/root/.m2/repository --mount=type=bind,source=pom.xml,target=pom.xml mvn -B dependency:go-offline\n` }],
        },
      ],
    },
    {
      name: 'a heredoc RUN',
      code: `${BK}FROM python:3.12\nRUN <<EOF\nset -e\npip install flask\nEOF\n`,
      errors: [{ messageId: 'mount', line: 5, column: 1, endLine: 5, endColumn: 18, suggestions: [{ output: `${BK}FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip <<EOF\nset -e\npip install flask\nEOF\n` }] }],
    },
    {
      name: 'a heredoc with a cleanup cannot be edited',
      code: `${BK}FROM python:3.12\nRUN <<EOF\npip install --no-cache-dir flask\nEOF\n`,
      errors: [{ messageId: 'mountCleanup', line: 4, column: 1, endLine: 4, endColumn: 33 }],
    },
    {
      name: 'go get fills only the module cache',
      code: 'FROM golang:1.22\nRUN go get github.com/x/y@v1.2.3\n',
      options: EVERYWHERE,
      errors: [{ messageId: 'mount', line: 2, column: 5, endLine: 2, endColumn: 33, suggestions: [{ output: 'FROM golang:1.22\nRUN --mount=type=cache,target=/go/pkg/mod go get github.com/x/y@v1.2.3\n' }] }],
    },
    {
      name: 'uv accepts --no-cache-dir too',
      code: `${BK}FROM python:3.12\nCOPY --from=ghcr.io/astral-sh/uv /uv /bin/\nRUN uv pip install --system --no-cache-dir flask\n`,
      errors: [{ messageId: 'mountCleanup', line: 4, column: 5, endLine: 4, endColumn: 49, suggestions: [{ output: `${BK}FROM python:3.12\nCOPY --from=ghcr.io/astral-sh/uv /uv /bin/\nRUN --mount=type=cache,target=/root/.cache/uv uv pip install --system flask\n` }] }],
    },
    {
      name: 'dnf in a known Fedora release',
      code: `${BK}FROM fedora:40\nRUN dnf install -y gcc\n`,
      errors: [{ messageId: 'mount', line: 3, column: 5, endLine: 3, endColumn: 23, suggestions: [{ output: `${BK}FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf install -y gcc\n` }] }],
    },
  ],
});
