import { fileURLToPath } from 'node:url';
import { BuildRuleTester, readRepositoryFiles } from '@stowage/builds';
import { describe, it } from 'vitest';
import rule from './rule.js';

/** node → build (FROM node) and a runtime that only copies from it. */
const NODE = `FROM node:20 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci

FROM deps AS build
COPY . .
RUN npm run build

FROM node:20-slim AS runtime
WORKDIR /app
COPY --from=build /app/dist ./dist
CMD ["node", "dist/server.js"]
`;

const GO = `FROM golang:1.23 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/api ./cmd/api

FROM gcr.io/distroless/static
COPY --from=build /out/api /api
`;

/** The realistic repository of packages/builds. */
const shop = () => readRepositoryFiles(fileURLToPath(new URL('../../packages/builds/test-fixtures/shop', import.meta.url)));

new BuildRuleTester({ describe, it }).run(rule, {
  valid: [
    {
      name: 'every stage built with --target, pushed and listed by every later build (script)',
      files: {
        'ci/build.sh': `#!/usr/bin/env bash
set -euo pipefail
IMAGE=registry.example.com/shop/app
for stage in deps build; do
  docker build --target "$stage" --cache-from "$IMAGE:deps" --cache-from "$IMAGE:build" -t "$IMAGE:$stage" .
  docker push "$IMAGE:$stage"
done
docker build --cache-from "$IMAGE:deps" --cache-from "$IMAGE:build" --cache-from "$IMAGE:latest" -t "$IMAGE:latest" .
docker push "$IMAGE:latest"
`,
        Dockerfile: NODE,
      },
    },
    {
      name: 'the classic compose setup: stage services with inline cache, pushed with docker compose push',
      files: {
        'compose.yaml': `x-build: &build
  context: .
  args:
    BUILDKIT_INLINE_CACHE: 1
services:
  deps:
    image: registry.example.com/shop/app:deps
    build:
      <<: *build
      target: deps
      cache_from: [registry.example.com/shop/app:deps]
  build:
    image: registry.example.com/shop/app:build
    build:
      <<: *build
      target: build
      cache_from: [registry.example.com/shop/app:deps, registry.example.com/shop/app:build]
  app:
    image: registry.example.com/shop/app:latest
    build:
      <<: *build
      target: runtime
      cache_from:
        - registry.example.com/shop/app:deps
        - registry.example.com/shop/app:build
        - registry.example.com/shop/app:latest
`,
        'ci/release.sh': '#!/bin/sh\nset -e\ndocker compose build\ndocker compose push\n',
        Dockerfile: NODE,
      },
    },
    {
      name: 'a registry cache exported with mode=max and read back',
      files: {
        '.gitlab-ci.yml': `build:
  script:
    - docker buildx build
        --cache-from type=registry,ref=registry.gitlab.com/acme/app:buildcache
        --cache-to type=registry,ref=registry.gitlab.com/acme/app:buildcache,mode=max
        -t registry.gitlab.com/acme/app:latest --push .
`,
        Dockerfile: NODE,
      },
    },
    {
      name: 'gha caches with distinct scopes and mode=max, bake and build-push-action',
      files: {
        '.github/workflows/images.yml': `on: push
jobs:
  images:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: web
          push: true
          tags: ghcr.io/acme/web:latest
          cache-from: type=gha,scope=web
          cache-to: type=gha,scope=web,mode=max
      - uses: docker/build-push-action@v6
        with:
          context: api
          push: true
          tags: ghcr.io/acme/api:latest
          cache-from: type=gha,scope=api
          cache-to: type=gha,scope=api,mode=max
      - uses: docker/bake-action@v5
        with:
          push: true
`,
        'docker-bake.hcl': `target "worker" {
  context = "api"
  tags = ["ghcr.io/acme/worker:latest"]
  cache-from = ["type=gha,scope=worker"]
  cache-to = ["type=gha,scope=worker,mode=max"]
}
`,
        'web/Dockerfile': NODE,
        'api/Dockerfile': GO,
      },
    },
    {
      name: 'the image built is a FROM chain: inline cache holds all of it',
      files: {
        Makefile: `IMAGE := registry.example.com/tools
build:
\tdocker build --build-arg BUILDKIT_INLINE_CACHE=1 --cache-from $(IMAGE):latest --target tools -t $(IMAGE):latest .
\tdocker push $(IMAGE):latest
`,
        Dockerfile: 'FROM alpine:3.20 AS base\nRUN apk add --no-cache curl\n\nFROM base AS tools\nRUN apk add --no-cache jq\n\nFROM base AS release\nCOPY bin/ /usr/local/bin/\n',
      },
    },
    {
      name: 'what a source holds is unknown: variables, other pipelines, local caches, hidden options',
      files: {
        '.gitlab-ci.yml': `build:
  script:
    - docker build --cache-from $CI_REGISTRY_IMAGE:latest -t $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA .
    - docker push $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA
`,
        '.github/workflows/ci.yml': `on: push
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: api
          cache-from: type=local,src=/tmp/.buildx-cache
          cache-to: type=local,dest=/tmp/.buildx-cache-new,mode=max
      - uses: docker/build-push-action@v6
        with:
          context: api
          tags: ghcr.io/\${{ github.repository }}:latest
          cache-from: type=registry,ref=ghcr.io/\${{ github.repository }}:buildcache
`,
        'build.sh': '#!/bin/sh\ndocker build $CACHE_OPTS --cache-from registry.example.com/app:latest -t app .\n',
        Dockerfile: NODE,
        'api/Dockerfile': GO,
      },
    },
  ],
  invalid: [
    {
      name: 'compose: BUILDKIT_INLINE_CACHE=1 and the image as its own cache source',
      files: {
        'compose.yaml': `services:
  app:
    image: registry.example.com/shop/app:latest
    build:
      context: .
      target: runtime
      args:
        BUILDKIT_INLINE_CACHE: 1
      cache_from:
        - registry.example.com/shop/app:latest
`,
        'ci/release.sh': '#!/bin/sh\nset -e\ndocker compose build --push app\n',
        Dockerfile: NODE,
      },
      errors: [
        {
          messageId: 'inlineOnly',
          file: 'compose.yaml',
          line: 8, column: 9, endLine: 8, endColumn: 33,
          severity: 'warn',
          message:
            "`BUILDKIT_INLINE_CACHE=1` caches only the layers of the image this build produces ('runtime' and the stages it is built FROM): 'deps' and 'build' of Dockerfile rebuild on a clean runner. Export every stage with `type=registry,ref=...,mode=max` instead, or push each stage and list its image as a cache source.",
          related: [
            { file: 'Dockerfile', line: 1, column: 17, endLine: 1, endColumn: 21, message: "'deps' is not cached." },
            { file: 'Dockerfile', line: 6, column: 14, endLine: 6, endColumn: 19, message: "'build' is not cached." },
          ],
        },
      ],
    },
    {
      name: 'a stage image is pushed but the final build does not list it',
      files: {
        'ci/build.sh': `#!/usr/bin/env bash
set -euo pipefail
IMAGE=registry.example.com/shop/app
docker build --target build --cache-from "$IMAGE:build" -t "$IMAGE:build" .
docker push "$IMAGE:build"
docker build --cache-from "$IMAGE:latest" -t "$IMAGE:latest" .
docker push "$IMAGE:latest"
`,
        Dockerfile: NODE,
      },
      errors: [
        {
          messageId: 'stageImageNotListed',
          file: 'ci/build.sh',
          line: 6, column: 14, endLine: 6, endColumn: 26,
          message:
            "Stage 'build' is built and pushed as registry.example.com/shop/app:build by `docker build` (ci/build.sh:4), but this build does not list that image as a cache source: on a clean runner 'build' rebuilds. Add registry.example.com/shop/app:build to the cache sources.",
          related: [
            { line: 4, column: 1, endLine: 4, endColumn: 13, message: "'build' is built and pushed here." },
            { file: 'Dockerfile', line: 6, column: 14, message: "Stage 'build'." },
          ],
        },
      ],
    },
    {
      name: 'BuildKit builds reading images built without cache metadata',
      files: {
        '.github/workflows/release.yml': `on:
  push:
    branches: [main]
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: api
          push: true
          tags: ghcr.io/acme/api:latest
          cache-from: ghcr.io/acme/api:latest
`,
        'compose.yaml': `services:
  deps:
    image: registry.example.com/shop/app:deps
    build:
      context: .
      target: deps
  app:
    image: registry.example.com/shop/app:latest
    build:
      context: .
      args:
        BUILDKIT_INLINE_CACHE: 1
      cache_from:
        - registry.example.com/shop/app:deps
        - registry.example.com/shop/app:latest
`,
        'ci/release.sh': '#!/bin/sh\nset -e\ndocker compose build --push\n',
        'api/Dockerfile': GO,
        Dockerfile: NODE,
      },
      errors: [
        {
          messageId: 'imageWithoutCacheMetadata',
          file: '.github/workflows/release.yml',
          line: 13, column: 23, endLine: 13, endColumn: 46,
          message:
            'ghcr.io/acme/api:latest is built by this build without cache metadata: BuildKit finds cache in an image only when it was built with `BUILDKIT_INLINE_CACHE=1` (or `--cache-to type=inline`), so this source never gives a cache hit. Build that image with inline cache, or export a cache (`type=registry,ref=...,mode=max`) and read that instead.',
        },
        {
          messageId: 'imageWithoutCacheMetadata',
          file: 'compose.yaml',
          line: 14, column: 11, endLine: 14, endColumn: 45,
          message:
            "registry.example.com/shop/app:deps is built by service 'deps' (compose.yaml:2) without cache metadata: BuildKit finds cache in an image only when it was built with `BUILDKIT_INLINE_CACHE=1` (or `--cache-to type=inline`), so this source never gives a cache hit. Build that image with inline cache, or export a cache (`type=registry,ref=...,mode=max`) and read that instead.",
          related: [{ line: 2, column: 3, message: 'The image is built here, without inline cache.' }],
        },
      ],
    },
    {
      name: 'buildx reads a stage image the legacy builder pushed (it ignores BUILDKIT_INLINE_CACHE)',
      files: {
        'ci/build.sh': `#!/bin/sh
set -e
IMAGE=registry.example.com/shop/app
DOCKER_BUILDKIT=0 docker build --target build --build-arg BUILDKIT_INLINE_CACHE=1 -t $IMAGE:build .
docker push $IMAGE:build
docker buildx build --cache-from $IMAGE:build --cache-to type=inline -t $IMAGE:latest --push .
`,
        Dockerfile: NODE,
      },
      errors: [
        {
          messageId: 'imageWithoutCacheMetadata',
          file: 'ci/build.sh',
          line: 6, column: 34, endLine: 6, endColumn: 46,
          message:
            'registry.example.com/shop/app:build is built by `docker build` (ci/build.sh:4) on the legacy builder without cache metadata: BuildKit finds cache in an image only when it was built with `BUILDKIT_INLINE_CACHE=1` (or `--cache-to type=inline`), so this source never gives a cache hit. Build that image with inline cache, or export a cache (`type=registry,ref=...,mode=max`) and read that instead.',
          related: [{ line: 4, column: 19, message: 'The image is built here, without inline cache.' }],
        },
      ],
    },
    {
      name: 'a docker build reads back its own pushed image (the classic GitLab recipe)',
      files: {
        '.gitlab-ci.yml': `variables:
  IMAGE: registry.example.com/acme/api
build:
  script:
    - docker pull $IMAGE:latest || true
    - docker build --cache-from $IMAGE:latest -t $IMAGE:latest api
    - docker push $IMAGE:latest
`,
        'api/Dockerfile': GO,
      },
      errors: [
        {
          messageId: 'stagesNotCached',
          file: '.gitlab-ci.yml',
          line: 6, column: 20, endLine: 6, endColumn: 32,
          message:
            "'build' of api/Dockerfile is in none of the cache sources listed here, so on a clean runner it rebuilds. Build each stage with a target, push it and list its image as a cache source, or export every stage with a `mode=max` cache export.",
          related: [{ file: 'api/Dockerfile', line: 1, column: 21, message: "'build' is not cached." }],
        },
      ],
    },
    {
      name: 'a gha cache exported with the default mode=min',
      files: {
        '.github/workflows/ci.yml': `on: push
jobs:
  api:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: api
          tags: ghcr.io/acme/api:latest
          push: true
          cache-from: type=gha,scope=api
          cache-to: type=gha,scope=api
`,
        'api/Dockerfile': GO,
      },
      errors: [
        {
          messageId: 'minModeOnly',
          file: '.github/workflows/ci.yml',
          line: 12, column: 21, endLine: 12, endColumn: 39,
          message:
            "`type=gha,scope=api` exports only the layers of the image this build produces (`mode=min` is the default): 'build' of api/Dockerfile rebuilds on a clean runner. Add `mode=max` to export every stage.",
        },
      ],
    },
    {
      name: 'two images export gha cache to the default scope',
      files: {
        '.github/workflows/images.yml': `on: push
jobs:
  images:
    runs-on: ubuntu-latest
    steps:
      - name: web
        uses: docker/build-push-action@v6
        with:
          context: web
          push: true
          tags: ghcr.io/acme/web:latest
          cache-from: type=gha
          cache-to: type=gha,mode=max
      - name: api
        uses: docker/build-push-action@v6
        with:
          context: api
          push: true
          tags: ghcr.io/acme/api:latest
          cache-from: type=gha
          cache-to: type=gha,mode=max
`,
        'web/Dockerfile': NODE,
        'api/Dockerfile': GO,
      },
      errors: [
        {
          messageId: 'ghaScopeShared',
          file: '.github/workflows/images.yml',
          line: 13, column: 21, endLine: 13, endColumn: 38,
          message:
            "GitHub Actions cache scope 'buildkit' (the default, as no `scope=` is set) is also written by step 'api' (.github/workflows/images.yml:15), which builds a different image: each export replaces the other's, so these builds keep missing the cache. Give each image its own `scope=`.",
          related: [{ line: 15, column: 15, message: "This build exports to scope 'buildkit' too." }],
        },
        {
          messageId: 'ghaScopeShared',
          file: '.github/workflows/images.yml',
          line: 21, column: 21, endLine: 21, endColumn: 38,
          related: [{ line: 7, column: 15 }],
        },
      ],
    },
    {
      name: 'sources nothing in the repository writes',
      files: {
        '.github/workflows/ci.yml': `on: push
jobs:
  api:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/build-push-action@v6
        with:
          context: api
          push: true
          tags: ghcr.io/acme/api:latest
          cache-from: |
            type=gha,scope=api
            type=registry,ref=ghcr.io/acme/api:buildcache
            type=registry,ref=ghcr.io/acme/shared-cache:go
`,
        'api/Dockerfile': GO,
      },
      errors: [
        {
          messageId: 'ghaScopeNeverWritten',
          file: '.github/workflows/ci.yml',
          line: 12, column: 13, endLine: 12, endColumn: 31,
          severity: 'warn',
          message:
            "No build in this repository exports GitHub Actions cache to scope 'api': this cache source is always empty. Export to it from the build that should fill it (`type=gha,scope=api,mode=max`).",
        },
        {
          messageId: 'ownSourceNeverWritten',
          file: '.github/workflows/ci.yml',
          line: 13, column: 13, endLine: 13, endColumn: 58,
          severity: 'warn',
          message:
            'No build in this repository tags an image ghcr.io/acme/api:buildcache or exports cache to it, though it builds ghcr.io/acme/api:latest of the same image repository: this cache source is always empty.',
        },
        {
          messageId: 'sourceNeverWritten',
          file: '.github/workflows/ci.yml',
          line: 14, column: 13, endLine: 14, endColumn: 59,
          severity: 'info',
        },
      ],
    },
    {
      name: 'the realistic repository: only the bake cache source set in GitLab is never written',
      files: shop(),
      errors: [
        {
          messageId: 'sourceNeverWritten',
          file: '.gitlab-ci.yml',
          line: 23, column: 29, endLine: 23, endColumn: 83,
          severity: 'info',
          message:
            'No build in this repository tags an image registry.example.com/shop/bake:cache or exports cache to it: unless a pipeline elsewhere pushes it, this cache source is always empty.',
        },
      ],
    },
  ],
});
