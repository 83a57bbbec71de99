import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { applyFixes, fsBuildContext, initShell, lint, RuleTester } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rule from './rule.js';

new RuleTester({ describe, it, beforeAll }).run(rule, {
  valid: [
    {
      name: 'the classic order: manifests, install, sources',
      code: 'FROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n',
    },
    { name: 'an install of named packages reads no context file', code: 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install flask gunicorn\n' },
    { name: 'a global tool install', code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm install -g yarn\n' },
    {
      name: 'the copy and the install are in different stages',
      code: 'FROM node:20 AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nFROM node:20\nWORKDIR /app\nCOPY . .\nCOPY --from=deps /app/node_modules ./node_modules\n',
    },
    {
      name: 'the copy is in a stage the install stage is not built from',
      code: 'FROM node:20 AS src\nWORKDIR /app\nCOPY . .\nFROM node:20\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n',
    },
    {
      name: 'the manifests come in through a bind mount',
      code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN --mount=type=bind,source=package.json,target=package.json --mount=type=bind,source=package-lock.json,target=package-lock.json npm ci\n',
    },
    { name: 'a copy from another stage is not the context', code: 'FROM node:20 AS build\nWORKDIR /app\nFROM node:20\nWORKDIR /app\nCOPY --from=build /app .\nRUN npm ci\n' },
    {
      name: 'a Go build after `go mod download`',
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app ./cmd/app\n',
    },
    {
      name: 'a Go build whose modules may be vendored or absent (no go.sum in sight)',
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n',
    },
    {
      name: 'a Go build with the module cache mounted',
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY . .\nRUN --mount=type=cache,target=/go/pkg/mod go build -o /app .\n',
    },
    {
      name: 'a dependency layer of the family before the copy, then other installs (tailscale)',
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nRUN go install github.com/a/b github.com/c/d\nCOPY . .\nRUN go build -o /app .\n',
    },
    {
      name: 'dotnet restore before the sources, publish after',
      code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /source\nCOPY *.csproj .\nRUN dotnet restore -a $TARGETARCH\nCOPY . .\nRUN dotnet publish -a $TARGETARCH -o /app\n',
    },
    {
      name: 'nuget restore is a dependency layer too',
      code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /app\nCOPY . ./\nRUN nuget restore app.sln\nRUN dotnet build -c Release\n',
    },
    {
      name: 'a workspace folder holds manifests the install needs',
      code: 'FROM node:20\nWORKDIR /app\nCOPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./\nCOPY packages ./packages\nRUN pnpm install --frozen-lockfile\n',
    },
    { name: 'GOPATH mode', code: 'FROM golang:1.22\nWORKDIR /go/src/app\nCOPY go.sum .\nCOPY . .\nRUN GO111MODULE=off go build -o /app .\n' },
    { name: 'vendored modules', code: 'FROM golang:1.22\nWORKDIR /src\nCOPY go.sum .\nCOPY . .\nRUN go build -mod=vendor -o /app .\n' },
    { name: 'requirements from a URL', code: 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r https://example.com/requirements.txt\n' },
    {
      name: 'the manifest is downloaded in the same RUN',
      code: 'FROM python:3.12\nWORKDIR /app\nCOPY src ./src\nRUN curl -o requirements.txt https://example.com/r.txt && pip install -r requirements.txt\n',
    },
    {
      name: 'a source directory deliberately copied before the manifests (a local module)',
      code: 'FROM golang:1.22\nWORKDIR /workspace\nCOPY api/ api/\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY internal/ internal/\nRUN go build -o manager main.go\n',
    },
    {
      name: 'the manifests are rewritten in between (go mod tidy)',
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod tidy\nRUN go mod download\n',
    },
    { name: 'a project install without its dependencies', code: 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN pip install --no-deps .\n' },
    { name: 'pip install . after the dependency layer', code: 'FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN pip install .\n' },
    { name: 'a manifest file is not a broad copy', code: 'FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\n' },
    { name: 'a Windows stage', code: 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:/app\nCOPY . .\nRUN npm ci\n' },
    { name: 'ONBUILD triggers run in the downstream build', code: 'FROM node:20\nWORKDIR /app\nONBUILD COPY . .\nONBUILD RUN npm install\n', onbuild: false },
  ],
  invalid: [
    {
      name: 'COPY . . before npm ci',
      code: 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\n',
      errors: [
        {
          messageId: 'copyManifestsFirst', line: 3, column: 1, endLine: 3, endColumn: 9,
          message:
            '`COPY . .` copies the whole build context before `npm ci` (line 4), so any edit in the build context reruns the install. Copy package.json and package-lock.json first, install, then copy the rest.',
        },
      ],
      output: null,
    },
    {
      name: 'ADD of the context, then pip -r',
      code: 'FROM python:3.12\nADD . /app\nWORKDIR /app\nRUN pip install --no-cache-dir -r requirements/prod.txt\n',
      errors: [
        {
          messageId: 'copyManifestsFirst', line: 2, column: 1, endLine: 2, endColumn: 11,
          message:
            '`ADD . /app` copies the whole build context before `pip install --no-cache-dir -r requirements/prod.txt` (line 4), so any edit in the build context reruns the install. Copy requirements/prod.txt first, install, then copy the rest.',
        },
      ],
    },
    {
      name: 'an absolute manifest path is named as it is in the context',
      code: 'FROM python:3.12\nCOPY . /usr/src/app\nRUN pip install -r /usr/src/app/requirements.txt\n',
      errors: [{ messageId: 'copyManifestsFirst', line: 2, column: 1, endLine: 2, endColumn: 20 }],
    },
    {
      name: 'the manifests were copied, but the install runs after the sources: fix moves it up',
      code: 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nCOPY . .\nRUN npm ci\nRUN npm run build\n',
      errors: [
        {
          messageId: 'moveInstallUp', line: 4, column: 1, endLine: 4, endColumn: 9,
          message:
            '`npm ci` (line 5) runs after `COPY . .` although package.json and package-lock.json were already copied on line 3: any edit in the build context reruns the install. Move the install above this COPY.',
        },
      ],
      output: 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n',
    },
    {
      name: 'a source directory between the manifests and the install',
      code: 'FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock ./\nCOPY src ./src\nRUN yarn install --frozen-lockfile\n',
      errors: [{ messageId: 'moveInstallUp', line: 4, column: 1, endLine: 4, endColumn: 15 }],
      output: 'FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile\nCOPY src ./src\n',
    },
    {
      name: 'no fix when the earlier copy lacks the lockfile',
      code: 'FROM node:20\nWORKDIR /app\nCOPY package.json ./\nCOPY . .\nRUN npm ci\n',
      errors: [{ messageId: 'moveInstallUp', line: 4, column: 1, endLine: 4, endColumn: 9 }],
      output: null,
    },
    {
      name: 'no fix when the install RUN also builds',
      code: 'FROM node:20\nWORKDIR /app\nCOPY package*.json ./\nCOPY . .\nRUN npm ci && npm run build\n',
      errors: [{ messageId: 'moveInstallUp', line: 4, column: 1, endLine: 4, endColumn: 9 }],
      output: null,
    },
    {
      name: 'the broad copy is in the stage the install stage is built from',
      code: 'FROM ruby:3.3 AS base\nWORKDIR /app\nCOPY . .\nFROM base AS app\nRUN bundle install\n',
      errors: [{ messageId: 'copyManifestsFirst', line: 3, column: 1, endLine: 3, endColumn: 9 }],
    },
    {
      name: 'a Go build that fetches modules (go.sum is copied, never downloaded alone)',
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n',
      errors: [
        {
          messageId: 'installDepsFirst', line: 4, column: 1, endLine: 4, endColumn: 9,
          message:
            '`CGO_ENABLED=0 go build -o /app .` (line 5) fetches every dependency after `COPY . .`, which copies the whole build context: any edit in the build context downloads them all again. Copy go.mod and go.sum first and run `go mod download` before copying the sources.',
        },
      ],
    },
    {
      name: 'mvn package after the sources',
      code: 'FROM maven:3.9-eclipse-temurin-21\nWORKDIR /build\nCOPY . .\nRUN mvn -B package -DskipTests\n',
      errors: [{ messageId: 'installDepsFirst', line: 3, column: 1, endLine: 3, endColumn: 9 }],
    },
    {
      name: 'dotnet publish restores after the sources',
      code: 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish -c Release -o /app\n',
      errors: [{ messageId: 'installDepsFirst', line: 3, column: 1, endLine: 3, endColumn: 9 }],
    },
    {
      name: 'poetry install of the project and its dependencies',
      code: 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN poetry install --only main\n',
      errors: [
        {
          messageId: 'installDepsFirst', line: 3, column: 1, endLine: 3, endColumn: 9,
          message:
            '`poetry install --only main` (line 4) fetches every dependency after `COPY . .`, which copies the whole build context: any edit in the build context downloads them all again. Copy pyproject.toml and poetry.lock first and run `poetry install --no-root` before copying the sources.',
        },
      ],
    },
    {
      name: 'pip install . with no dependency layer',
      code: 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\n',
      errors: [{ messageId: 'installDepsFirst', line: 3, column: 1, endLine: 3, endColumn: 9 }],
    },
    {
      name: 'composer install with its autoloader',
      code: 'FROM php:8.3\nWORKDIR /var/www\nCOPY --chown=www-data:www-data . /var/www\nRUN composer install --no-dev --optimize-autoloader\n',
      errors: [{ messageId: 'installDepsFirst', line: 3, column: 1, endLine: 3, endColumn: 42 }],
    },
    {
      name: 'go mod download after the sources',
      code: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download\nRUN go build -o /app .\n',
      errors: [{ messageId: 'copyManifestsFirst', line: 3, column: 1, endLine: 3, endColumn: 9 }],
    },
    {
      name: 'a wildcard copy of scripts is not a copy of the manifests',
      code: 'FROM python:3.12\nWORKDIR /opt/app\nCOPY bin/* /usr/local/bin/\nCOPY lib/mylib /usr/local/lib/python3.12/site-packages/mylib\nRUN pip install -r /usr/local/bin/requirements.txt\n',
      errors: [{ messageId: 'copyManifestsFirst', line: 4, column: 1, endLine: 4, endColumn: 61 }],
    },
    {
      name: 'pip install of named packages in between does not rewrite the manifests',
      code: 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -U pip\nRUN pip install -r requirements.txt\n',
      errors: [{ messageId: 'copyManifestsFirst', line: 3, column: 1, endLine: 3, endColumn: 9 }],
    },
    {
      name: 'one finding per copy',
      code: 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nRUN npm ci\n',
      errors: [{ messageId: 'copyManifestsFirst', line: 3, column: 1, endLine: 3, endColumn: 9 }],
    },
  ],
});

describe('copy-before-install with the build context on disk', () => {
  const dirs: string[] = [];
  beforeAll(() => initShell());
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  function run(files: Record<string, string>, dockerfile: string) {
    const dir = mkdtempSync(join(tmpdir(), 'stowage-cbi-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    const result = lint(dockerfile, { rules: [{ rule, severity: 'warn' }], buildContext: fsBuildContext(dir) });
    const found = result.diagnostics.filter((d) => d.ruleId === rule.meta.id);
    const fix = found[0]?.fix;
    return { found, fix, output: fix ? applyFixes(dockerfile, [fix]).text : null };
  }
  const npmFile = 'FROM node:20\nWORKDIR /app\nCOPY --chown=node:node . .\nRUN npm ci\nRUN npm run build\n';

  it('copies the manifests that exist, then installs, then copies the rest', () => {
    const r = run({ 'package.json': '{"dependencies":{"express":"^4.19.0"}}', 'package-lock.json': '{}', '.npmrc': 'fund=false\n' }, npmFile);
    expect(r.found.map((d) => d.messageId)).toEqual(['copyManifestsFirst']);
    expect(r.fix?.title).toBe('Copy package.json, package-lock.json, .npmrc and install before `COPY --chown=node:node . .`');
    expect(r.output).toBe(
      'FROM node:20\nWORKDIR /app\nCOPY --chown=node:node package.json package-lock.json .npmrc ./\nRUN npm ci\nCOPY --chown=node:node . .\nRUN npm run build\n',
    );
  });

  it('names the lockfile the context has (yarn)', () => {
    const r = run({ 'package.json': '{}', 'yarn.lock': '' }, 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install --frozen-lockfile\n');
    expect(r.output).toBe('FROM node:20\nWORKDIR /app\nCOPY package.json yarn.lock ./\nRUN yarn install --frozen-lockfile\nCOPY . .\n');
  });

  it('pip: the requirements file named on the command line', () => {
    const r = run({ 'requirements.txt': 'flask==3.0.0\n' }, 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD ["python", "app.py"]\n');
    expect(r.output).toBe('FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nCMD ["python", "app.py"]\n');
  });

  it('go: adds `go mod download` before the sources for a build that fetches modules', () => {
    const r = run({ 'go.mod': 'module x\n', 'go.sum': 'a v1 h1:x\n' }, 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n');
    expect(r.found.map((d) => d.messageId)).toEqual(['installDepsFirst']);
    expect(r.output).toBe('FROM golang:1.22\nWORKDIR /src\nCOPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /app .\n');
  });

  it('go: silent when the context vendors its modules', () => {
    const r = run({ 'go.mod': 'module x\n', 'go.sum': 'a v1 h1:x\n', 'vendor/modules.txt': '# a v1\n' }, 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n');
    expect(r.found).toEqual([]);
  });

  it('go: silent when the module has no dependencies (empty go.sum or none)', () => {
    expect(run({ 'go.mod': 'module x\n' }, 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n').found).toEqual([]);
  });

  const noFix: [string, Record<string, string>, string?][] = [
    ['the manifests are not in the context', {}],
    ['npm ci without a lockfile', { 'package.json': '{}' }],
    ['install scripts may need the sources', { 'package.json': '{"scripts":{"postinstall":"prisma generate"}}', 'package-lock.json': '{}' }],
    ['a workspace needs every package.json', { 'package.json': '{"workspaces":["packages/*"]}', 'package-lock.json': '{}' }],
    ['a local file: dependency', { 'package.json': '{"dependencies":{"x":"file:./x"}}', 'package-lock.json': '{}' }],
    ['the lockfile is in .dockerignore', { 'package.json': '{}', 'package-lock.json': '{}', '.dockerignore': 'package-lock.json\n' }],
    ['requirements that install the project', { 'requirements.txt': '-e .\n' }, 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n'],
    ['Yarn 2+ needs its .yarn folder', { 'package.json': '{}', 'yarn.lock': '', '.yarnrc.yml': 'nodeLinker: node-modules\n' }, 'FROM node:20\nWORKDIR /app\nCOPY . .\nRUN yarn install\n'],
    ['a Gemfile that reads a gemspec', { Gemfile: 'source "https://rubygems.org"\ngemspec\n', 'Gemfile.lock': '' }, 'FROM ruby:3.3\nWORKDIR /app\nCOPY . .\nRUN bundle install\n'],
    ['the working directory is not known', { 'package.json': '{}', 'package-lock.json': '{}' }, 'FROM node:20\nCOPY . .\nRUN npm ci\n'],
    ['the context is not copied to the working directory', { 'package.json': '{}', 'package-lock.json': '{}' }, 'FROM node:20\nWORKDIR /app\nCOPY . /srv\nRUN npm ci\n'],
    ['an ENV between the copy and the install', { 'package.json': '{}', 'package-lock.json': '{}' }, 'FROM node:20\nWORKDIR /app\nCOPY . .\nENV NODE_ENV=production\nRUN npm ci\n'],
  ];
  for (const [name, files, dockerfile] of noFix) {
    it(`no fix: ${name}`, () => {
      const r = run(files, dockerfile ?? npmFile);
      expect(r.found.length).toBe(1);
      expect(r.fix).toBeUndefined();
    });
  }
});
