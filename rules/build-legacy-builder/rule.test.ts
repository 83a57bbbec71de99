import { fileURLToPath } from 'node:url';
import { BuildRuleTester, readRepositoryFiles } from '@stowage/builds';
import { describe, it } from 'vitest';
import rule from './rule.js';

const GO = `FROM golang:1.23 AS build
RUN go build -o /out/app ./cmd/app

FROM build AS test
RUN go test ./...

FROM alpine:3.20 AS release
COPY --from=build /out/app /usr/local/bin/app
`;

new BuildRuleTester({ describe, it }).run(rule, {
  valid: [
    {
      name: 'the realistic repository of packages/builds',
      files: readRepositoryFiles(fileURLToPath(new URL('../../packages/builds/test-fixtures/shop', import.meta.url))),
    },
    {
      name: 'BuildKit builds (the default, DOCKER_BUILDKIT=1, buildx, bake, build-push-action)',
      files: {
        'ci/build.sh': '#!/bin/sh\ndocker build -t app .\nDOCKER_BUILDKIT=1 docker build -t app .\nDOCKER_BUILDKIT=0 docker buildx build -t app .\n',
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    env:\n      DOCKER_BUILDKIT: 0\n    steps:\n      - uses: docker/build-push-action@v6\n',
        Dockerfile: GO,
      },
    },
    {
      name: 'the legacy builder with nothing to skip: every stage up to the target is needed',
      files: {
        'ci/build.sh': '#!/bin/sh\nexport DOCKER_BUILDKIT=0\ndocker build --target test -t app:test .\ndocker build --target build -t app:build .\n',
        Dockerfile: GO,
      },
    },
    {
      name: 'single-stage files',
      files: { 'build.sh': '#!/bin/sh\nDOCKER_BUILDKIT=0 docker build -t app .\n', Dockerfile: 'FROM alpine:3.20\nRUN apk add --no-cache curl\n' },
    },
    {
      name: 'Compose v1 with BuildKit switched on',
      files: {
        Makefile: 'build:\n\tCOMPOSE_DOCKER_CLI_BUILD=1 DOCKER_BUILDKIT=1 docker-compose build\n',
        'docker-compose.yml': 'services:\n  app:\n    build: .\n',
        Dockerfile: GO,
      },
    },
    {
      name: 'stage references built from variables (the ONBUILD trick): which stages are needed is unknown',
      files: {
        'build.sh': '#!/bin/sh\nDOCKER_BUILDKIT=0 docker build --build-arg APP_ENV=prod -t app .\n',
        Dockerfile: 'ARG APP_ENV=dev\nFROM node:20 AS dev_image\nONBUILD RUN npm install\nFROM node:20 AS prod_image\nONBUILD RUN npm ci --omit=dev\nFROM ${APP_ENV}_image\nCMD ["node", "server.js"]\n',
      },
    },
  ],
  invalid: [
    {
      name: 'DOCKER_BUILDKIT=0 exported in a script: stages built for nothing, at each build',
      files: {
        'ci/build.sh': '#!/bin/sh\nset -e\nexport DOCKER_BUILDKIT=0\ndocker build --target release -t registry.example.com/app:latest .\ndocker build --target test -t app:test .\n',
        Dockerfile: GO,
      },
      errors: [
        {
          messageId: 'unusedStages',
          file: 'ci/build.sh',
          line: 4, column: 1, endLine: 4, endColumn: 13,
          severity: 'warn',
          message:
            "`DOCKER_BUILDKIT=0` selects the legacy builder, which builds every stage of Dockerfile up to the target 'release' in file order: 'test' is built for nothing (BuildKit skips stages the target does not need). Remove `DOCKER_BUILDKIT=0` to build with BuildKit.",
          related: [
            { line: 3, column: 8, endLine: 3, endColumn: 25, message: 'The legacy builder is selected here.' },
            { file: 'Dockerfile', line: 4, column: 15, endLine: 4, endColumn: 19, message: "'test' is built although 'release' does not need it." },
          ],
        },
      ],
    },
    {
      name: 'a workflow job env selects the legacy builder for a file using RUN --mount',
      files: {
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    env:\n      DOCKER_BUILDKIT: 0\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker build -t app .\n',
        Dockerfile:
          '# syntax=docker/dockerfile:1\nFROM node:20 AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN --mount=type=cache,target=/root/.npm npm ci\n\nFROM node:20-slim\nCOPY --from=build /app/node_modules /app/node_modules\n',
      },
      errors: [
        {
          messageId: 'needsBuildkit',
          file: '.github/workflows/ci.yml',
          line: 9, column: 14, endLine: 9, endColumn: 26,
          message:
            '`DOCKER_BUILDKIT=0` selects the legacy builder, which cannot build Dockerfile: line 5 uses `RUN --mount`, a BuildKit feature. Remove `DOCKER_BUILDKIT=0` to build with BuildKit.',
          related: [
            { line: 6, column: 7, message: 'The legacy builder is selected here.' },
            { file: 'Dockerfile', line: 5, column: 1, message: '`RUN --mount` needs BuildKit.' },
          ],
        },
      ],
    },
    {
      name: 'docker-compose in a Makefile builds a compose service (a hint: it may be Compose v2)',
      files: {
        Makefile: 'up:\n\tdocker-compose up --build -d\n',
        'docker-compose.yml': 'services:\n  app:\n    build: .\n  db:\n    image: postgres:16\n',
        Dockerfile: GO,
      },
      errors: [
        {
          messageId: 'unusedStages',
          file: 'Makefile',
          line: 2, column: 2, endLine: 2, endColumn: 16,
          severity: 'info',
          message:
            "`docker-compose` (Compose v1, where that is still installed) uses the legacy builder, which builds every stage of Dockerfile up to the last stage ('release') in file order: 'test' is built for nothing (BuildKit skips stages the target does not need). Use `docker compose` (Compose v2), which builds with BuildKit.",
          related: [
            { file: 'docker-compose.yml', line: 2, column: 3, message: "Service 'app' is defined here." },
            { file: 'Dockerfile', line: 4, column: 15 },
          ],
        },
      ],
    },
    {
      name: 'COMPOSE_DOCKER_CLI_BUILD=0 in GitLab variables',
      files: {
        '.gitlab-ci.yml': 'variables:\n  COMPOSE_DOCKER_CLI_BUILD: "0"\nbuild:\n  script:\n    - docker-compose build app\n',
        'docker-compose.yml': 'services:\n  app:\n    build:\n      context: .\n      target: release\n',
        Dockerfile: GO,
      },
      errors: [
        {
          messageId: 'unusedStages',
          file: '.gitlab-ci.yml',
          line: 5, column: 7, endLine: 5, endColumn: 21,
          severity: 'warn',
          message:
            "`COMPOSE_DOCKER_CLI_BUILD=0` makes Compose v1 use the legacy builder, which builds every stage of Dockerfile up to the target 'release' in file order: 'test' is built for nothing (BuildKit skips stages the target does not need). Use `docker compose` (Compose v2), which builds with BuildKit.",
          related: [
            { line: 2, column: 3, message: 'The legacy builder is selected here.' },
            { file: 'docker-compose.yml', line: 2, column: 3 },
            { file: 'Dockerfile', line: 4, column: 15 },
          ],
        },
      ],
    },
  ],
});
