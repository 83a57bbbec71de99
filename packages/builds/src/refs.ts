import type { BuildInvocation, PushSignal, Setting } from './model.js';

/**
 * An image reference in a comparable form: `docker.io/` and `library/` dropped, `:latest` added when
 * there is neither tag nor digest. Unresolved parts stay as written, so `$IMAGE:stage1` still equals
 * `$IMAGE:stage1`.
 */
export function normalizeRef(ref: string): string {
  let r = ref.trim();
  r = r.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  r = r.replace(/^library\//, '');
  const slash = r.lastIndexOf('/');
  const lastPart = r.slice(slash + 1);
  if (!lastPart.includes(':') && !r.includes('@')) r += ':latest';
  return r;
}

/** The repository of a normalized reference (tag and digest removed). */
export function repositoryOf(ref: string): string {
  const n = normalizeRef(ref);
  const at = n.indexOf('@');
  const noDigest = at < 0 ? n : n.slice(0, at);
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Whether an invocation is tagged with `ref` (normalized). */
export function hasTag(inv: BuildInvocation, ref: string): boolean {
  const n = normalizeRef(ref);
  return inv.tags.some((t) => normalizeRef(t.value) === n);
}

/** Adds a push signal to the invocations tagged with `ref` (any tag of its repository for `--all-tags`). */
export function recordPush(invocations: BuildInvocation[], ref: string, allTags: boolean, signal: PushSignal): void {
  const n = normalizeRef(ref);
  const repo = repositoryOf(ref);
  for (const inv of invocations) {
    const match = allTags ? inv.tags.some((t) => repositoryOf(t.value) === repo) : inv.tags.some((t) => normalizeRef(t.value) === n);
    if (match) inv.push.push(signal);
  }
}

/** `docker tag <src> <dst>`: invocations tagged `src` are also tagged `dst`. */
export function addTag(invocations: BuildInvocation[], src: string, dst: Setting): void {
  for (const inv of invocations) {
    if (inv.tags.some((t) => normalizeRef(t.value) === src)) {
      inv.tags.push(dst);
      for (const u of dst.unresolved) inv.unresolved.push({ text: u, range: dst.range, setting: 'tag' });
    }
  }
}
