import { describe, expect, it } from 'vitest';
import { parseImageRef } from './image.js';

describe('parseImageRef', () => {
  it.each([
    ['alpine', null, 'alpine', null, null],
    ['node:20-alpine', null, 'node', '20-alpine', null],
    ['docker.io/library/node:20', 'docker.io', 'library/node', '20', null],
    ['localhost:5000/app', 'localhost:5000', 'app', null, null],
    ['ghcr.io/o/r@sha256:abc', 'ghcr.io', 'o/r', null, 'sha256:abc'],
    ['registry:5000/a/b:1.0@sha256:d', 'registry:5000', 'a/b', '1.0', 'sha256:d'],
    ['library/ubuntu', null, 'library/ubuntu', null, null],
  ])('%s', (raw, registry, repository, tag, digest) => {
    expect(parseImageRef(raw)).toMatchObject({ registry, repository, tag, digest, scratch: false });
  });

  it('knows scratch and variables', () => {
    expect(parseImageRef('scratch').scratch).toBe(true);
    expect(parseImageRef('${BASE}:1', 'x:1').hasVariables).toBe(true);
  });
});
