import { normalizeRef, type BuildInvocation, type CacheEntry, type CacheSpec, type DockerfileInfo } from '@stowage/builds/rule-api';
import type { SemanticModel, Stage } from '@stowage/core';

/**
 * Which stages of a build a clean CI runner rebuilds: it has no local layers, only the cache
 * sources the build names, and those hold what some build in the repository wrote there. A cache
 * export with `mode=max` holds every stage its build ran; `mode=min` and inline cache (a pushed
 * image built with BUILDKIT_INLINE_CACHE=1 or `--cache-to type=inline`) hold only the layers of
 * the image itself: its stage and the stages it is FROM.
 */

/** The stage an invocation builds, as far as it can be known. */
export type TargetStage =
  | { kind: 'named' | 'last'; stage: Stage }
  | { kind: 'no-such-stage'; name: string }
  | { kind: 'unresolved'; text: string }
  /** The Dockerfile is remote, unresolved, unreadable or has no stage. */
  | { kind: 'unknown' };

/** Something in the repository that fills a cache source. */
export interface Provider {
  writer: BuildInvocation;
  /** `export`: a `cache-to` of that location; `image`: a pushed image tagged with the reference. */
  via: 'export' | 'image';
  /** `max` for exports with mode=max; `min` otherwise. */
  mode: 'max' | 'min';
  /**
   * For `image`: it carries cache metadata (inline cache). BuildKit finds no cache in an image
   * without, so it then covers nothing; the classic builder uses any image's layers.
   */
  inline: boolean;
  /** The stages whose layers it holds. */
  covers: Stage[];
}

export interface SourceCoverage {
  entry: CacheEntry;
  providers: Provider[];
}

export interface Coverage {
  target: TargetStage;
  model: SemanticModel | null;
  /** Stages the build runs, in file order (the legacy builder runs every stage up to the target). */
  needs: Stage[];
  /** Each cache source with what fills it; null when the Dockerfile is not known. */
  sources: SourceCoverage[] | null;
  /** Stages no cache source provides, in file order; null when the target is not known. */
  rebuilds: Stage[] | null;
}

export function targetStage(inv: BuildInvocation, model: SemanticModel | null): TargetStage {
  if (model === null) return { kind: 'unknown' };
  if (inv.target === null) return model.finalStage ? { kind: 'last', stage: model.finalStage } : { kind: 'unknown' };
  if (inv.target.unresolved.length > 0) return { kind: 'unresolved', text: inv.target.value };
  const stage = model.stageByName(inv.target.value);
  return stage ? { kind: 'named', stage } : { kind: 'no-such-stage', name: inv.target.value };
}

/** The stages a build runs for `stage`. */
function needsOf(inv: BuildInvocation, model: SemanticModel, stage: Stage): Stage[] {
  // The classic builder runs every stage up to the target, used or not.
  if (inv.legacy.length > 0) return model.stages.filter((s) => s.index <= stage.index);
  return [...model.stagesForTarget(stage)].sort((a, b) => a.index - b.index);
}

/** The stages whose layers are in an image built for `stage`: itself and the stages it is FROM. */
function imageStages(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | null = stage; s !== null && !out.includes(s); s = s.parent) out.push(s);
  return out.reverse();
}

function hasInlineCache(inv: BuildInvocation): boolean {
  return (
    inv.cacheTo.some((c) => c.spec.type === 'inline') ||
    inv.buildArgs.some((a) => a.name === 'BUILDKIT_INLINE_CACHE' && a.value !== null && /^(1|true)$/i.test(a.value.value))
  );
}

// Attributes that tune how a cache is written or read, not where it is.
const NOT_LOCATION = new Set(['type', 'mode', 'ignore-error', 'compression', 'compression-level', 'force-compression', 'oci-mediatypes', 'image-manifest', 'src', 'dest', 'ref', 'scope']);

/** Where a cache lives, comparable between an import (`src`) and an export (`dest`). */
function location(spec: CacheSpec, side: 'from' | 'to'): string | null {
  switch (spec.type) {
    case 'registry':
      return spec.ref === null ? null : `registry ${normalizeRef(spec.ref)}`;
    case 'gha':
      // gha's default scope is `buildkit`, shared by every build of the repository.
      return `gha ${spec.scope ?? 'buildkit'}`;
    case 'local': {
      const dir = side === 'from' ? spec.attrs.src : spec.attrs.dest;
      return dir === undefined ? null : `local ${dir.replace(/\/+$/, '')}`;
    }
    case 'inline':
      return null;
    default: {
      const key = Object.keys(spec.attrs)
        .filter((k) => !NOT_LOCATION.has(k))
        .sort()
        .map((k) => `${k}=${spec.attrs[k]}`);
      return `${spec.type} ${key.join(',')}`;
    }
  }
}

const pushes = (inv: BuildInvocation) => inv.push.some((p) => p.value !== false);

/**
 * What a clean runner rebuilds for `inv`, given every invocation of the repository (`dockerfileOf`
 * must return one model per path: writers are matched to it by identity).
 */
export function coverageOf(inv: BuildInvocation, all: BuildInvocation[], dockerfileOf: (inv: BuildInvocation) => DockerfileInfo | null): Coverage {
  const model = dockerfileOf(inv)?.model ?? null;
  const target = targetStage(inv, model);
  if (model === null) return { target, model, needs: [], sources: null, rebuilds: null };
  const sources = inv.cacheFrom.map((entry) => ({ entry, providers: providersOf(entry.spec, all, model, dockerfileOf) }));
  if (target.kind !== 'named' && target.kind !== 'last') return { target, model, needs: [], sources, rebuilds: null };

  const needs = needsOf(inv, model, target.stage);
  if (inv.noCache !== null) return { target, model, needs, sources, rebuilds: needs };
  const usable = (p: Provider) => p.via === 'export' || p.inline || inv.legacy.length > 0;
  const covered = new Set<Stage>(sources.flatMap((s) => s.providers.filter(usable).flatMap((p) => p.covers)));
  return { target, model, needs, sources, rebuilds: needs.filter((s) => !covered.has(s)) };
}

/** The builds of the same Dockerfile (the same parsed model, so stages compare by identity) that fill a cache source. */
function providersOf(spec: CacheSpec, all: BuildInvocation[], model: SemanticModel, dockerfileOf: (inv: BuildInvocation) => DockerfileInfo | null): Provider[] {
  const where = location(spec, 'from');
  if (where === null) return [];
  const out: Provider[] = [];
  for (const w of all) {
    if (dockerfileOf(w)?.model !== model) continue;
    const t = targetStage(w, model);
    // A writer whose stage is not known still writes there; what it holds is not known.
    const stage = t.kind === 'named' || t.kind === 'last' ? t.stage : null;
    for (const to of w.cacheTo) {
      if (location(to.spec, 'to') !== where) continue;
      const max = to.spec.mode === 'max';
      const covers = stage === null ? [] : max ? needsOf(w, model, stage) : imageStages(stage);
      out.push({ writer: w, via: 'export', mode: max ? 'max' : 'min', inline: false, covers });
    }
    // An image pushed under the reference: its own layers, usable when it carries cache metadata.
    if (spec.type === 'registry' && spec.ref !== null && pushes(w) && w.tags.some((tag) => normalizeRef(tag.value) === normalizeRef(spec.ref!))) {
      out.push({ writer: w, via: 'image', mode: 'min', inline: hasInlineCache(w), covers: stage === null ? [] : imageStages(stage) });
    }
  }
  return out;
}

/** How stages are named in listings: by name, else `#index`. */
export function stageLabel(stage: Stage): string {
  return stage.name ?? `#${stage.index}`;
}
