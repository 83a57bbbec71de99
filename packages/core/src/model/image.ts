/** A parsed image reference such as `docker.io/library/node:20-alpine@sha256:...`. */
export interface ImageRef {
  /** The reference as written (before variable expansion). */
  raw: string;
  /** After expansion with the build's default ARG values (unresolved variables left as written). */
  expanded: string;
  registry: string | null;
  /** Path without registry, tag or digest, e.g. `library/node` or `node`. */
  repository: string;
  tag: string | null;
  digest: string | null;
  /** `scratch`, the empty image. */
  scratch: boolean;
  /** The raw text names variables (`$X`, `${X}`). */
  hasVariables: boolean;
  /** Variables that could not be resolved from defaults. */
  unresolved: string[];
}

export function parseImageRef(raw: string, expanded: string = raw, unresolved: string[] = []): ImageRef {
  let rest = expanded;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | null = null;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost') {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && !rest.slice(colon).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return {
    raw,
    expanded,
    registry,
    repository: rest,
    tag,
    digest,
    scratch: rest.toLowerCase() === 'scratch' && !registry && !tag && !digest,
    hasVariables: /\$(\{|[A-Za-z_])/.test(raw),
    unresolved,
  };
}
