#!/usr/bin/env bash
# Builds and pushes every stage so that the next CI run finds them as cache sources.
set -euo pipefail
cd "$(dirname "$0")/.."

REGISTRY="${REGISTRY:-registry.example.com}"
IMAGE="$REGISTRY/shop/app"
export DOCKER_BUILDKIT=0

docker pull "$IMAGE:stage1" || true
docker build --target stage1 \
  --cache-from "$IMAGE:stage1" \
  -t "$IMAGE:stage1" -f docker/Dockerfile .
docker build --target stage2 \
  --cache-from "$IMAGE:stage1" --cache-from="$IMAGE:stage2" \
  -t "$IMAGE:stage2" -f docker/Dockerfile .
docker build \
  --cache-from "$IMAGE:stage1" --cache-from "$IMAGE:stage2" --cache-from "$IMAGE:latest" \
  --build-arg BUILDKIT_INLINE_CACHE=1 \
  -t "$IMAGE:latest" -f docker/Dockerfile .
docker tag "$IMAGE:latest" "$IMAGE:${CI_COMMIT_SHA}"

for stage in stage1 stage2 latest; do
  docker push "$IMAGE:$stage"
done
docker push "$IMAGE:${CI_COMMIT_SHA}"
