import { fileURLToPath } from 'node:url';
import { BuildRuleTester, readRepositoryFiles } from '@stowage/builds';
import { describe, it } from 'vitest';
import rule from './rule.js';

/** A builder stage that takes NPM_TOKEN as a build arg and writes it into .npmrc. */
const NPMRC = `FROM node:20 AS build
ARG NPM_TOKEN
WORKDIR /app
COPY package.json package-lock.json ./
RUN echo "//registry.npmjs.org/:_authToken=\${NPM_TOKEN}" > .npmrc && npm ci
COPY . .
RUN npm run build

FROM node:20-slim
COPY --from=build /app/dist /app/dist
`;

new BuildRuleTester({ describe, it }).run(rule, {
  valid: [
    {
      name: 'the realistic repository of packages/builds',
      files: readRepositoryFiles(fileURLToPath(new URL('../../packages/builds/test-fixtures/shop', import.meta.url))),
    },
    {
      name: 'a secret mount: nothing in layers, config or history',
      files: {
        'ci/build.sh':
          '#!/bin/sh\ndocker buildx build --secret id=npm_token,env=NPM_TOKEN --cache-to type=registry,ref=r.example.com/app:cache,mode=max -t r.example.com/app:latest --push .\n',
        Dockerfile:
          '# syntax=docker/dockerfile:1\nFROM node:20 AS build\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc\nFROM node:20-slim\nCOPY --from=build /app /app\n',
      },
    },
    {
      name: 'the build arg is not passed: ARG NPM_TOKEN holds nothing',
      files: {
        'ci/build.sh': '#!/bin/sh\ndocker buildx build --target build --cache-to type=registry,ref=r.example.com/app:cache,mode=max -t r.example.com/app:build --push .\n',
        Dockerfile: NPMRC,
      },
    },
    {
      name: 'the file is deleted in the RUN that writes it',
      files: {
        'ci/build.sh': '#!/bin/sh\ndocker buildx build --build-arg NPM_TOKEN --cache-to type=registry,ref=r.example.com/app:cache,mode=max -t r.example.com/app:latest --push .\n',
        Dockerfile: NPMRC.replace('> .npmrc && npm ci', '> .npmrc && npm ci && rm -f .npmrc'),
      },
    },
    {
      name: 'the stage holding the secret is neither pushed nor exported (mode=min, local cache, no push)',
      files: {
        'ci/build.sh': `#!/bin/sh
docker buildx build --build-arg NPM_TOKEN --cache-to type=registry,ref=r.example.com/app:cache -t r.example.com/app:latest --push .
docker buildx build --build-arg NPM_TOKEN --cache-to type=local,dest=/tmp/cache,mode=max -t app .
docker buildx build --build-arg NPM_TOKEN --target build -t app:build --load .
`,
        Dockerfile: NPMRC,
      },
    },
    {
      name: 'a builder stage ENV alone is not in an exported cache',
      files: {
        '.github/workflows/ci.yml': `on: push
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ghcr.io/acme/app:latest
          cache-from: type=gha,scope=app
          cache-to: type=gha,scope=app,mode=max
`,
        Dockerfile: 'FROM node:20 AS build\nENV SENTRY_AUTH_TOKEN=sntrys_eyJpYXQiOjE3MDAwMDAwMDB9abcdefghijklmnop\nRUN npm run build\nFROM node:20-slim\nCOPY --from=build /app/dist /app/dist\n',
      },
    },
    {
      name: 'a push behind a condition the files cannot evaluate is not assumed',
      files: {
        '.github/workflows/ci.yml': `on: [push, pull_request]
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          target: build
          push: \${{ github.event_name != 'pull_request' }}
          tags: ghcr.io/acme/app:build
          build-args: NPM_TOKEN=\${{ secrets.NPM_TOKEN }}
`,
        Dockerfile: NPMRC,
      },
    },
    {
      name: 'a build arg passed empty or as a placeholder',
      files: {
        'compose.yaml': 'services:\n  app:\n    image: r.example.com/app:build\n    build:\n      context: .\n      target: build\n      args:\n        NPM_TOKEN: ""\n',
        'release.sh': '#!/bin/sh\ndocker compose build --push\n',
        Dockerfile: NPMRC,
      },
    },
  ],
  invalid: [
    {
      name: 'a builder stage pushed on its own keeps the passed build arg in its history',
      files: {
        '.github/workflows/images.yml': `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          target: build
          push: true
          tags: ghcr.io/acme/app:build
          build-args: NPM_TOKEN=\${{ secrets.NPM_TOKEN }}
`,
        Dockerfile: NPMRC,
      },
      errors: [
        {
          messageId: 'pushedArg',
          file: '.github/workflows/images.yml',
          line: 11, column: 23, endLine: 11, endColumn: 57,
          severity: 'error',
          message:
            "Build arg NPM_TOKEN, which carries a token, is in the history of the image this build pushes (ghcr.io/acme/app:build): ARG NPM_TOKEN in stage 'build' (Dockerfile:2) is recorded with every RUN after it. Anyone who can pull the image reads it with `docker history`. Pass it with the `secrets` input (`npm_token=...`) and read it with `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN` instead.",
          related: [{ file: 'Dockerfile', line: 2, column: 5, endLine: 2, endColumn: 14, message: 'ARG NPM_TOKEN is declared here.' }],
        },
      ],
    },
    {
      name: 'a mode=max cache export publishes the .npmrc layer of the builder stage',
      files: {
        'ci/build.sh': `#!/bin/sh
set -e
docker buildx build \\
  --build-arg NPM_TOKEN \\
  --cache-from type=registry,ref=registry.example.com/app:cache \\
  --cache-to type=registry,ref=registry.example.com/app:cache,mode=max \\
  -t registry.example.com/app:latest --push .
`,
        Dockerfile: NPMRC,
      },
      errors: [
        {
          messageId: 'cachedFile',
          file: 'ci/build.sh',
          line: 4, column: 15, endLine: 4, endColumn: 24,
          message:
            "Build arg NPM_TOKEN, which carries a token, is written into a file by the RUN on line 5 of Dockerfile (stage 'build'), and this build exports that stage as cache (`type=registry,ref=registry.example.com/app:cache,mode=max`): anyone who can read the cache gets it. Pass it with `--secret id=npm_token,env=NPM_TOKEN` and read it with `RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN` instead.",
          related: [
            { file: 'Dockerfile', line: 2, column: 5, message: 'ARG NPM_TOKEN is declared here.' },
            { file: 'Dockerfile', line: 5, column: 1, message: 'This RUN writes NPM_TOKEN into a file.' },
          ],
        },
      ],
    },
    {
      name: 'compose: a token in ENV of the pushed stage, a token that git config writes in a stage exported to gha',
      files: {
        'compose.yaml': `services:
  tools:
    image: registry.example.com/acme/tools:latest
    build:
      context: .
      target: tools
      cache_to:
        - type=gha,scope=tools,mode=max
`,
        'Makefile': 'push:\n\tdocker compose build --push tools\n',
        Dockerfile: `FROM alpine:3.20 AS src
ARG GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345
RUN git config --global url."https://\${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/" && git clone https://github.com/acme/lib /lib

FROM alpine:3.20 AS tools
ENV SENTRY_AUTH_TOKEN=sntrys_eyJpYXQiOjE3MDAwMDAwMDB9abcdefghijklmnop
COPY --from=src /lib /lib
`,
      },
      errors: [
        {
          messageId: 'pushedEnv',
          file: 'compose.yaml',
          line: 2, column: 3, endLine: 2, endColumn: 8,
          message:
            "A token set in the Dockerfile (`sntr…`) is in the config of the image this build pushes (registry.example.com/acme/tools:latest): ENV SENTRY_AUTH_TOKEN in stage 'tools' (Dockerfile:6). Anyone who can pull the image reads it with `docker inspect`. Pass it under `build.secrets` and read it with `RUN --mount=type=secret,id=sentry_auth_token,env=SENTRY_AUTH_TOKEN` instead.",
          related: [{ file: 'Dockerfile', line: 6, column: 5, endLine: 6, endColumn: 22 }],
        },
        {
          messageId: 'cachedFile',
          file: 'compose.yaml',
          line: 8, column: 11, endLine: 8, endColumn: 40,
          message:
            "A GitHub token set in the Dockerfile (`ghp_…`) is written into a file by the RUN on line 3 of Dockerfile (stage 'src'), and this build exports that stage as cache (`type=gha,scope=tools,mode=max`): anyone who can read the cache gets it. Pass it under `build.secrets` and read it with `RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN` instead.",
        },
      ],
    },
  ],
});
