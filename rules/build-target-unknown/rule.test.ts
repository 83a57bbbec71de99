import { fileURLToPath } from 'node:url';
import { BuildRuleTester, readRepositoryFiles } from '@stowage/builds';
import { describe, it } from 'vitest';
import rule from './rule.js';

const GO = `FROM golang:1.23 AS build
RUN go build -o /out/app ./cmd/app

FROM build AS test
RUN go test ./...

FROM gcr.io/distroless/static AS production
COPY --from=build /out/app /app
`;

new BuildRuleTester({ describe, it }).run(rule, {
  valid: [
    {
      name: 'the realistic repository of packages/builds',
      files: readRepositoryFiles(fileURLToPath(new URL('../../packages/builds/test-fixtures/shop', import.meta.url))),
    },
    {
      name: 'compose, bake and a workflow name existing stages, in any case',
      files: {
        'compose.yaml': 'services:\n  app:\n    build:\n      context: .\n      target: Production\n',
        'docker-bake.hcl': 'target "_base" {\n  target = "test"\n}\ntarget "test" {\n  inherits = ["_base"]\n}\n',
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          target: BUILD\n',
        Dockerfile: GO,
      },
    },
    {
      name: 'a target from a variable the files do not set',
      files: {
        'ci/build.sh': '#!/bin/sh\ndocker build --target "$STAGE" .\n',
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        target: [test, production]\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          target: ${{ matrix.target }}\n',
        Dockerfile: GO,
      },
    },
    {
      name: 'a target resolved through a variable the script sets',
      files: { 'build.sh': '#!/bin/sh\nSTAGE=production\ndocker build --target "$STAGE" .\n', Dockerfile: GO },
    },
    {
      name: 'the Dockerfile does not exist (or is remote)',
      files: {
        'compose.yaml': 'services:\n  app:\n    build:\n      context: ./missing\n      target: prod\n  remote:\n    build:\n      context: https://github.com/acme/app.git\n      target: prod\n',
      },
    },
    {
      name: 'stage names are variables or template placeholders',
      files: {
        'compose.yaml': 'services:\n  a:\n    build:\n      context: a\n      target: prod\n  b:\n    build:\n      context: b\n      target: prod\n',
        'a/Dockerfile': 'ARG NAME=production\nFROM alpine AS ${NAME}\n',
        'b/Dockerfile': 'FROM {{ base_image }} AS build\nFROM alpine AS {{ stage }}\n',
      },
    },
  ],
  invalid: [
    {
      name: 'compose target with a typo: did you mean',
      files: { 'compose.yaml': 'services:\n  app:\n    build:\n      context: .\n      target: prodution\n', Dockerfile: GO },
      errors: [
        {
          messageId: 'unknownTarget',
          file: 'compose.yaml',
          line: 5, column: 15, endLine: 5, endColumn: 24,
          severity: 'error',
          message:
            "Dockerfile has no stage named 'prodution': the build fails with `target stage \"prodution\" could not be found`. Did you mean 'production'?",
          related: [{ file: 'Dockerfile', line: 7, column: 34, endLine: 7, endColumn: 44, message: "Stage 'production' is defined here." }],
        },
      ],
    },
    {
      name: 'a renamed stage still targeted by a workflow and a Makefile',
      files: {
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker/build-push-action@v6\n        with:\n          file: docker/Dockerfile\n          target: unit-tests\n',
        Makefile: 'IMAGE := registry.example.com/app\n\nrelease:\n\tdocker build --target prod -t $(IMAGE):latest -f docker/Dockerfile .\n',
        'docker/Dockerfile': GO,
      },
      errors: [
        {
          messageId: 'unknownTarget',
          file: '.github/workflows/ci.yml',
          line: 9, column: 19, endLine: 9, endColumn: 29,
          message:
            "docker/Dockerfile has no stage named 'unit-tests': the build fails with `target stage \"unit-tests\" could not be found`. Did you mean 'test'?",
          related: [{ file: 'docker/Dockerfile', line: 4, column: 15, endLine: 4, endColumn: 19 }],
        },
        {
          messageId: 'unknownTarget',
          file: 'Makefile',
          line: 4, column: 24, endLine: 4, endColumn: 28,
          message:
            "docker/Dockerfile has no stage named 'prod': the build fails with `target stage \"prod\" could not be found`. Did you mean 'production'?",
          related: [{ file: 'docker/Dockerfile', line: 7, column: 34 }],
        },
      ],
    },
    {
      name: 'bake: a target set with --set in CI is reported where it is written, an inherited one once',
      files: {
        'docker-bake.hcl':
          'group "default" {\n  targets = ["app", "app-arm"]\n}\ntarget "_release" {\n  target = "relase"\n}\ntarget "app" {\n  inherits = ["_release"]\n}\ntarget "app-arm" {\n  inherits = ["_release"]\n  platforms = ["linux/arm64"]\n}\n',
        '.gitlab-ci.yml': 'bake:\n  script:\n    - docker buildx bake --set app.target=debug app\n',
        Dockerfile: 'FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim AS release\nCOPY --from=build /app /app\n',
      },
      errors: [
        {
          messageId: 'unknownTarget',
          file: '.gitlab-ci.yml',
          line: 3, column: 43, endLine: 3, endColumn: 48,
          message: "Dockerfile has no stage named 'debug': the build fails with `target stage \"debug\" could not be found`. Its stages: 'build' and 'release'.",
          related: [{ file: 'Dockerfile', line: 1, column: 17, message: "The Dockerfile's first named stage." }],
        },
        {
          messageId: 'unknownTarget',
          file: 'docker-bake.hcl',
          line: 5, column: 12, endLine: 5, endColumn: 20,
          message: "Dockerfile has no stage named 'relase': the build fails with `target stage \"relase\" could not be found`. Did you mean 'release'?",
        },
      ],
    },
    {
      name: 'a Dockerfile without stage names',
      files: { 'build.sh': '#!/bin/sh\ndocker build --target runtime -t app .\n', Dockerfile: 'FROM golang:1.23\nRUN go build ./...\nFROM alpine:3.20\nCOPY --from=0 /go/bin/app /app\n' },
      errors: [
        {
          messageId: 'unknownTarget',
          file: 'build.sh',
          line: 2, column: 23, endLine: 2, endColumn: 30,
          message:
            "Dockerfile has no stage named 'runtime': the build fails with `target stage \"runtime\" could not be found`. None of its stages has a name (`FROM <image> AS <name>`).",
          related: [{ file: 'Dockerfile', line: 1, column: 1 }],
        },
      ],
    },
  ],
});
