import { fileURLToPath } from 'node:url';
import { BuildRuleTester, readRepositoryFiles } from '@stowage/builds';
import { describe, it } from 'vitest';
import rule from './rule.js';

const SERVICES = `FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/ ./cmd/...

FROM gcr.io/distroless/static AS api
COPY --from=build /out/api /api

FROM gcr.io/distroless/static AS worker
COPY --from=build /out/worker /worker
`;

const DEBUG_LAST = `FROM node:20 AS build
WORKDIR /app
RUN npm ci && npm run build

FROM node:20-slim AS runtime
COPY --from=build /app/dist /app/dist

FROM runtime AS debug
RUN npm install -g ndb
`;

new BuildRuleTester({ describe, it }).run(rule, {
  valid: [
    {
      name: 'the realistic repository of packages/builds',
      files: readRepositoryFiles(fileURLToPath(new URL('../../packages/builds/test-fixtures/shop', import.meta.url))),
    },
    {
      name: 'every build names its stage',
      files: {
        'compose.yaml': 'services:\n  api:\n    build:\n      context: .\n      target: api\n  worker:\n    build:\n      context: .\n      target: worker\n',
        Dockerfile: SERVICES,
      },
    },
    {
      name: 'a single end stage: building the last stage is unambiguous',
      files: {
        'compose.yaml': 'services:\n  app:\n    build: .\n',
        'ci/build.sh': '#!/bin/sh\ndocker build -t app .\n',
        Dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM alpine:3.20 AS runtime\nCOPY --from=build /app /app\n',
      },
    },
    {
      name: 'other end stages are test, lint or dev stages',
      files: {
        'compose.yaml': 'services:\n  app:\n    build: .\n',
        Dockerfile:
          'FROM node:20 AS build\nRUN npm ci\nFROM build AS test\nRUN npm test\nFROM build AS lint\nRUN npm run lint\nFROM build AS dev\nCMD ["npm", "run", "dev"]\nFROM node:20-slim AS runtime\nCOPY --from=build /app /app\n',
      },
    },
    {
      name: 'a build meant for the test stage says so in its name or file name',
      files: {
        'docker-compose.test.yml': 'services:\n  app:\n    build: .\n',
        'compose.yaml': 'services:\n  tests:\n    build: .\n',
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  unit-test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n',
        Dockerfile: 'FROM python:3.12 AS base\nRUN pip install poetry\nFROM base AS test\nRUN poetry run pytest\n',
      },
    },
    {
      name: 'a service named after a stage the last stage builds on',
      files: {
        'compose.yaml': 'services:\n  web:\n    build: .\n',
        Dockerfile: 'FROM php:8.3-fpm AS web\nRUN docker-php-ext-install pdo_mysql\nFROM web AS production\nCOPY . /var/www/html\n',
      },
    },
    {
      name: 'job and step names are too generic to name a stage (a `build` job, a `build` stage)',
      files: {
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - name: build\n        uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:latest\n',
        Makefile: 'build:\n\tdocker build -t app .\n',
        Dockerfile: 'FROM golang:1.23 AS build\nRUN go build -o /app\nFROM alpine:3.20\nCOPY --from=build /app /app\n',
      },
    },
    {
      name: 'single-stage files, and stage references built from variables',
      files: {
        'compose.yaml': 'services:\n  a:\n    build: a\n  b:\n    build: b\n  api:\n    build: c\n',
        'a/Dockerfile': 'FROM alpine AS dev\nRUN true\n',
        // both out-* stages may be the base of the last stage
        'b/Dockerfile': 'ARG TARGETOS=linux\nFROM alpine AS out-linux\nFROM alpine AS out-windows\nFROM out-${TARGETOS} AS release\n',
        // a bare variable may name any stage: which stages are ends is unknown
        'c/Dockerfile': 'ARG APP=worker\nFROM alpine AS api\nFROM alpine AS worker\nFROM ${APP}\nRUN true\n',
      },
    },
    {
      name: 'options may hide a --target; bake templates are no builds',
      files: {
        'build.sh': '#!/bin/sh\ndocker build $DOCKER_OPTS -t app .\n',
        'docker-bake.hcl': 'target "_common" {\n  args = { GO_VERSION = "1.23" }\n}\ntarget "app" {\n  inherits = ["_common"]\n  target = "runtime"\n}\n',
        Dockerfile: DEBUG_LAST,
      },
    },
  ],
  invalid: [
    {
      name: 'a service named after another stage builds the last one',
      files: { 'compose.yaml': 'services:\n  api:\n    build: .\n  worker:\n    build:\n      context: .\n      target: worker\n', Dockerfile: SERVICES },
      errors: [
        {
          messageId: 'namedStageNotBuilt',
          file: 'compose.yaml',
          line: 2, column: 3, endLine: 2, endColumn: 6,
          severity: 'warn',
          message: "No target: this builds the last stage of Dockerfile, 'worker', not stage 'api' that this service is named after. Set `build.target` to the stage you mean.",
          related: [
            { file: 'Dockerfile', line: 9, column: 34, endLine: 9, endColumn: 40, message: 'Without a target the build produces this last stage.' },
            { file: 'Dockerfile', line: 6, column: 34, endLine: 6, endColumn: 37, message: "Stage 'api' is defined here." },
          ],
        },
      ],
    },
    {
      name: 'a release workflow and a script push the debug stage',
      files: {
        '.github/workflows/release.yml':
          'on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n        with:\n          push: true\n          tags: ghcr.io/acme/app:latest\n',
        'ci/publish.sh': '#!/bin/sh\nset -e\ndocker build -t registry.example.com/app:latest .\ndocker push registry.example.com/app:latest\n',
        Dockerfile: DEBUG_LAST,
      },
      errors: [
        {
          messageId: 'lastStageNotShipping',
          file: '.github/workflows/release.yml',
          line: 7, column: 15, endLine: 7, endColumn: 42,
          message:
            "No target: this builds the last stage of Dockerfile, 'debug', which looks like a debug stage rather than an image to ship. Set the `target` input to the stage you mean.",
          related: [{ file: 'Dockerfile', line: 8, column: 17, endLine: 8, endColumn: 22 }],
        },
        {
          messageId: 'lastStageNotShipping',
          file: 'ci/publish.sh',
          line: 3, column: 1, endLine: 3, endColumn: 13,
          message: "No target: this builds the last stage of Dockerfile, 'debug', which looks like a debug stage rather than an image to ship. Set `--target` to the stage you mean.",
        },
      ],
    },
    {
      name: 'a bake target in a file that ends in two shipping stages (a hint)',
      files: {
        'docker-bake.hcl': 'group "default" {\n  targets = ["binaries"]\n}\ntarget "binaries" {\n  output = ["type=local,dest=bin"]\n}\n',
        Dockerfile:
          'FROM golang:1.23 AS build\nRUN go build -o /out/app ./cmd/app\n\nFROM scratch AS export\nCOPY --from=build /out/app /\n\nFROM alpine:3.20 AS release\nCOPY --from=build /out/app /usr/local/bin/app\n',
      },
      errors: [
        {
          messageId: 'severalLeaves',
          file: 'docker-bake.hcl',
          line: 4, column: 8, endLine: 4, endColumn: 18,
          severity: 'info',
          message:
            "No target: this builds whatever stage comes last in Dockerfile ('release'), though 'export' is also a stage that nothing else uses. Set `target` so that adding or reordering stages cannot change what this builds.",
          related: [
            { file: 'Dockerfile', line: 7, column: 21 },
            { file: 'Dockerfile', line: 4, column: 17, message: "Stage 'export' is another end of the stage graph." },
          ],
        },
      ],
    },
  ],
});
