import { readFileSync, statSync } from 'node:fs';
import { buildModel, parse } from '@stowage/core';
import type { DockerfileInfo } from './lint.js';
import type { BuildInvocation } from './model.js';

export interface DockerfileReaderOptions {
  /** Skip Dockerfiles larger than this (default 5 MiB, the parser's limit). */
  maxBytes?: number;
}

/**
 * A `dockerfileOf` for `lintInvocationFile`: reads and parses the Dockerfile an invocation builds,
 * once per path. Null when the path is unknown (unresolved variables), remote, inline, missing,
 * unreadable, too large, or fails to parse as a Dockerfile (a fatal parse error).
 */
export function dockerfileReader(options: DockerfileReaderOptions = {}): (invocation: BuildInvocation) => DockerfileInfo | null {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const cache = new Map<string, DockerfileInfo | null>();
  return (inv) => {
    const df = inv.dockerfile;
    if (df.remote || df.path === null || df.unresolved.length > 0) return null;
    const path = df.path;
    if (cache.has(path)) return cache.get(path)!;
    let info: DockerfileInfo | null = null;
    try {
      if (statSync(path).size <= maxBytes) {
        const { ast, lines } = parse(readFileSync(path, 'utf8'));
        if (!ast.diagnostics.some((d) => d.fatal)) info = { path, lines, model: buildModel(ast, lines) };
      }
    } catch {
      info = null;
    }
    cache.set(path, info);
    return info;
  };
}
