import type { Range, RelatedLocation, Stage } from '@stowage/core';
import { defineBuildRule, normalizeRef, repositoryOf, type BuildInvocation, type BuildRuleContext, type CacheEntry, type Setting } from '@stowage/builds/rule-api';
import {
  certain, chainOf, fileOf, graphIsCertain, hidesOptions, isBakeTemplate, relatedIn, resolveBuild, shownInvocation, shownPath, stageList, stageName, stageRange,
  type Resolved,
} from '../_lib/builds.js';

/** What an image reference can look like (anything else is a typo the build itself rejects). */
const IMAGE_REF = /^[A-Za-z0-9][\w.\-/:@]*$/;

/** gha's scope when none is given: every build of the repository shares it. */
const GHA_DEFAULT_SCOPE = 'buildkit';

interface Write {
  inv: BuildInvocation;
  /** The image it builds is tagged with the ref (and pushed, here or by a pipeline we do not see), or a cache export. */
  how: 'image' | 'cache-to';
  /** For exports: `max` exports every stage built, else the final image's layers only. */
  max: boolean;
}

/** Who writes what in the repository: registry refs and gha scopes. */
interface Writes {
  /**
   * Normalized ref → the builds whose image is tagged so (pushed or not: a push may be written where
   * we do not look, and whatever is pushed there is that build's image), and registry cache exports to it.
   */
  registry: Map<string, Write[]>;
  /** Refs written with a part the model could not resolve (`$IMAGE:${{ github.sha }}`): anything they may match is maybe written. */
  maybe: RegExp[];
  /** Image repositories the repository's builds tag or export cache to. */
  ownRepositories: Map<string, string>;
  gha: Map<string, Write[]>;
  /** Some gha export has a scope the model could not resolve. */
  ghaMaybe: boolean;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A setting whose value has unresolved parts, as a pattern: each unresolved part may be anything. */
function patternOf(s: Setting, value = s.value): RegExp {
  let out = escape(value);
  for (const u of s.unresolved) out = out.split(escape(u)).join('.*');
  return new RegExp(`^${out}$`);
}

function maybeMatches(patterns: RegExp[], ref: string): boolean {
  const forms = [ref, normalizeRef(ref), normalizeRef(ref).replace(/:latest$/, '')];
  return patterns.some((p) => forms.some((f) => p.test(f)));
}

const cache = new WeakMap<object, Writes>();

function writesOf(ctx: BuildRuleContext<unknown>): Writes {
  const key = ctx.repository;
  let w = cache.get(key);
  if (w) return w;
  w = { registry: new Map(), maybe: [], ownRepositories: new Map(), gha: new Map(), ghaMaybe: false };
  const add = <K>(map: Map<K, Write[]>, k: K, v: Write) => map.set(k, [...(map.get(k) ?? []), v]);
  for (const inv of ctx.repository.invocations) {
    // `docker build $OPTS`: the hidden words may tag or export anything.
    if (hidesOptions(inv)) w.maybe.push(/.*/);
    for (const t of inv.tags) {
      if (!certain(t)) {
        w.maybe.push(patternOf(t));
        continue;
      }
      const ref = normalizeRef(t.value);
      add(w.registry, ref, { inv, how: 'image', max: false });
      w.ownRepositories.set(repositoryOf(ref), t.value);
    }
    for (const e of inv.cacheTo) {
      if (e.spec.type === 'registry') {
        if (e.spec.ref === null || e.spec.ref === '') continue;
        if (!certain(e)) {
          w.maybe.push(patternOf(e, e.spec.ref));
          continue;
        }
        const ref = normalizeRef(e.spec.ref);
        add(w.registry, ref, { inv, how: 'cache-to', max: e.spec.mode === 'max' });
        w.ownRepositories.set(repositoryOf(ref), e.spec.ref);
      } else if (e.spec.type === 'gha') {
        if (!certain(e)) w.ghaMaybe = true;
        else add(w.gha, e.spec.scope ?? GHA_DEFAULT_SCOPE, { inv, how: 'cache-to', max: e.spec.mode === 'max' });
      }
    }
  }
  cache.set(key, w);
  return w;
}

function inlineSetting(inv: BuildInvocation): { range: Range; file: ReturnType<typeof fileOf>; how: string } | null {
  for (const a of inv.buildArgs) {
    if (a.name === 'BUILDKIT_INLINE_CACHE' && a.value && certain(a.value) && /^(?:1|true)$/i.test(a.value.value.trim())) {
      return { range: a.range, file: fileOf(inv, a), how: '`BUILDKIT_INLINE_CACHE=1`' };
    }
  }
  for (const e of inv.cacheTo) {
    if (certain(e) && e.spec.type === 'inline') return { range: e.range, file: fileOf(inv, e), how: '`type=inline`' };
  }
  return null;
}

/**
 * The build certainly runs on BuildKit: buildx, bake, build-push-action, nerdctl, or a compose
 * service every found run of which is `docker compose` without DOCKER_BUILDKIT=0. (`docker build`
 * is the legacy builder on Docker before 23 and on DOCKER_BUILDKIT=0: not certain.)
 */
function onBuildkit(inv: BuildInvocation): boolean {
  if (inv.legacy.length > 0) return false;
  if (inv.tool === 'docker buildx build' || inv.tool === 'bake' || inv.tool === 'build-push-action' || inv.tool === 'nerdctl build') return true;
  return inv.tool === 'compose' && inv.runs.length > 0 && inv.runs.every((r) => r.legacy.length === 0);
}

/** The invocation reads back what it writes itself (its own tag or cache ref/scope). */
function readsOwn(inv: BuildInvocation, e: CacheEntry): boolean {
  if (!certain(e)) return false;
  if (e.spec.type === 'gha') {
    return inv.cacheFrom.some((f) => certain(f) && f.spec.type === 'gha' && (f.spec.scope ?? GHA_DEFAULT_SCOPE) === (e.spec.scope ?? GHA_DEFAULT_SCOPE));
  }
  const ref = e.spec.ref;
  return ref !== null && inv.cacheFrom.some((f) => certain(f) && f.spec.ref !== null && normalizeRef(f.spec.ref) === normalizeRef(ref));
}

export default defineBuildRule({
  meta: {
    id: 'build-cache-from-incomplete',
    summary: 'Report cache sources that leave stages of a multi-stage build to rebuild on a clean runner',
    category: 'cache',
    severity: 'warn',
    fix: 'none',
    sources: [],
    onbuild: false,
    appliesTo: 'builds',
  },
  messages: {
    stagesNotCached:
      '{{stages}} of {{dockerfile}} {{verb}} in none of the cache sources listed here, so on a clean runner {{pronoun}} {{rebuild}}. Build each stage with a target, push it and list its image as a cache source, or export every stage with a `mode=max` cache export.',
    stageImageNotListed:
      'Stage {{stage}} is built and pushed as {{ref}} by {{writer}}, but this build does not list that image as a cache source: on a clean runner {{stage}} rebuilds. Add {{ref}} to the cache sources.',
    inlineOnly:
      '{{how}} caches only the layers of the image this build produces ({{target}} and the stages it is built FROM): {{stages}} of {{dockerfile}} {{rebuild}} on a clean runner. Export every stage with `type=registry,ref=...,mode=max` instead, or push each stage and list its image as a cache source.',
    minModeOnly:
      '`{{cache}}` exports only the layers of the image this build produces (`mode=min` is the default): {{stages}} of {{dockerfile}} {{rebuild}} on a clean runner. Add `mode=max` to export every stage.',
    imageWithoutCacheMetadata:
      '{{ref}} is built by {{writer}} without cache metadata: BuildKit finds cache in an image only when it was built with `BUILDKIT_INLINE_CACHE=1` (or `--cache-to type=inline`), so this source never gives a cache hit. Build that image with inline cache, or export a cache (`type=registry,ref=...,mode=max`) and read that instead.',
    sourceNeverWritten:
      'No build in this repository tags an image {{ref}} or exports cache to it: unless a pipeline elsewhere pushes it, this cache source is always empty.',
    ownSourceNeverWritten:
      'No build in this repository tags an image {{ref}} or exports cache to it, though it builds {{example}} of the same image repository: this cache source is always empty.',
    ghaScopeNeverWritten:
      'No build in this repository exports GitHub Actions cache to scope \'{{scope}}\'{{dflt}}: this cache source is always empty. Export to it from the build that should fill it (`type=gha,scope={{scope}},mode=max`).',
    ghaScopeShared:
      "GitHub Actions cache scope '{{scope}}'{{dflt}} is also written by {{others}}, which {{build}} a different image: each export replaces the other's, so these builds keep missing the cache. Give each image its own `scope=`.",
  },
  create(ctx) {
    const writes = writesOf(ctx);
    const here = (inv: BuildInvocation, s: { file?: BuildInvocation['file'] }) => fileOf(inv, s).path === ctx.file.path;
    const reported = new Set<string>();
    const report = (input: Parameters<typeof ctx.report>[0]) => {
      const key = `${input.messageId}:${input.range.start}:${JSON.stringify(input.data ?? {})}`;
      if (reported.has(key)) return;
      reported.add(key);
      ctx.report(input);
    };

    /** Sources nobody writes. */
    const checkSources = (inv: BuildInvocation) => {
      for (const e of inv.cacheFrom) {
        if (!certain(e) || !here(inv, e)) continue;
        if (e.spec.type === 'gha') {
          const scope = e.spec.scope ?? GHA_DEFAULT_SCOPE;
          if (writes.ghaMaybe || writes.gha.has(scope)) continue;
          report({
            messageId: 'ghaScopeNeverWritten',
            data: { scope, dflt: e.spec.scope === null ? ' (the default scope)' : '' },
            range: e.range,
          });
        } else if (e.spec.type === 'registry' && e.spec.ref !== null && IMAGE_REF.test(e.spec.ref)) {
          const ref = normalizeRef(e.spec.ref);
          if (writes.registry.has(ref) || maybeMatches(writes.maybe, e.spec.ref)) continue;
          const own = writes.ownRepositories.get(repositoryOf(ref));
          if (own !== undefined) report({ messageId: 'ownSourceNeverWritten', data: { ref: e.spec.ref, example: own }, range: e.range });
          else report({ messageId: 'sourceNeverWritten', data: { ref: e.spec.ref }, range: e.range, severity: 'info' });
        }
      }
    };

    /**
     * The registry sources of a BuildKit build that hold only images built without cache metadata
     * (every writer in the repository tags the image; none exports a cache there or adds inline cache).
     */
    const bareImageSources = (inv: BuildInvocation): { e: CacheEntry; writer: BuildInvocation }[] => {
      if (!onBuildkit(inv)) return [];
      const out: { e: CacheEntry; writer: BuildInvocation }[] = [];
      for (const e of inv.cacheFrom) {
        if (!certain(e) || e.spec.type !== 'registry' || e.spec.ref === null || !IMAGE_REF.test(e.spec.ref)) continue;
        const list = writes.registry.get(normalizeRef(e.spec.ref)) ?? [];
        if (list.length === 0 || maybeMatches(writes.maybe, e.spec.ref)) continue;
        // Inline cache is written by BuildKit only: the legacy builder ignores BUILDKIT_INLINE_CACHE.
        if (list.some((w) => w.how !== 'image' || (inlineSetting(w.inv) !== null && w.inv.legacy.length === 0))) continue;
        out.push({ e, writer: list[0].inv });
      }
      return out;
    };

    /** Stages of a multi-stage target that no cache source holds. */
    const checkCoverage = (inv: BuildInvocation) => {
      if (inv.cacheFrom.length === 0 || hidesOptions(inv) || isBakeTemplate(inv)) return;
      const bare = bareImageSources(inv);
      for (const { e, writer } of bare) {
        if (!here(inv, e)) continue;
        report({
          messageId: 'imageWithoutCacheMetadata',
          data: { ref: e.spec.ref!, writer: `${writer === inv ? 'this build' : shownInvocation(ctx, writer)}${writer.legacy.length > 0 ? ' on the legacy builder' : ''}` },
          range: e.range,
          related: writer === inv ? undefined : [relatedIn(ctx, writer.file, writer.nameRange, 'The image is built here, without inline cache.')],
        });
      }
      // Those sources explain the misses on their own.
      if (bare.length > 0) return;
      const first = inv.cacheFrom[0];
      const res = resolveBuild(ctx, inv);
      if (res === null || !graphIsCertain(res.model)) return;
      const { info, model, target } = res;
      const needed = model.stagesForTarget(target.stage);
      if (needed.size < 2) return;
      const covered = new Set<Stage>();
      const cover = (w: Write): boolean => {
        const wr: Resolved | null = w.inv === inv ? res : resolveBuild(ctx, w.inv);
        if (wr === null || wr.info.path !== info.path) return false;
        for (const s of w.how === 'cache-to' && w.max ? model.stagesForTarget(wr.target.stage) : chainOf(wr.target.stage)) covered.add(s);
        return true;
      };
      for (const e of inv.cacheFrom) {
        if (!certain(e)) return;
        if (e.spec.type === 'registry' && e.spec.ref) {
          const list = writes.registry.get(normalizeRef(e.spec.ref)) ?? [];
          // Written outside the repository, or by something we cannot follow: its content is unknown.
          if (list.length === 0 || maybeMatches(writes.maybe, e.spec.ref)) return;
          for (const w of list) if (!cover(w)) return;
        } else if (e.spec.type === 'gha') {
          if (writes.ghaMaybe) return;
          // A scope nobody writes holds nothing (reported on its own); one shared by other images is unknown.
          for (const w of writes.gha.get(e.spec.scope ?? GHA_DEFAULT_SCOPE) ?? []) if (!cover(w)) return;
        } else return;
      }
      let missing = [...needed].filter((s) => !covered.has(s)).sort((a, b) => a.index - b.index);
      if (missing.length === 0) return;
      const dockerfile = shownPath(ctx, info.path);
      const sourcesHere = here(inv, first);
      const sourcesAt = first.keyRange ?? first.range;

      // Stages that another build pushes as an image of their own: list that image.
      for (const stage of [...missing].reverse()) {
        if (stage === target.stage || !missing.includes(stage)) continue;
        const writer = ctx.repository.invocations.find(
          (w) =>
            w !== inv && w.push.length > 0 && w.target !== null && certain(w.target) && w.target.value.toLowerCase() === stage.key &&
            w.dockerfile.path === info.path && w.tags.some((t) => certain(t)),
        );
        if (!writer) continue;
        const ref = writer.tags.find((t) => certain(t))!.value;
        missing = missing.filter((s) => !chainOf(stage).includes(s));
        if (!sourcesHere) continue;
        report({
          messageId: 'stageImageNotListed',
          data: { stage: stageName(stage), ref, writer: shownInvocation(ctx, writer) },
          range: sourcesAt,
          related: [relatedIn(ctx, writer.file, writer.nameRange, `${stageName(stage)} is built and pushed here.`), ctx.inDockerfile(info, stageRange(stage), `Stage ${stageName(stage)}.`)],
        });
      }
      if (missing.length === 0) return;
      const many = missing.length > 1;
      const data = {
        dockerfile,
        stages: stageList(missing),
        verb: many ? 'are' : 'is',
        pronoun: many ? 'they' : 'it',
        rebuild: many ? 'rebuild' : 'rebuilds',
        target: stageName(target.stage),
      };
      const related: RelatedLocation[] = missing.map((s) => ctx.inDockerfile(info, stageRange(s), `${stageName(s)} is not cached.`));

      // BUILDKIT_INLINE_CACHE means nothing to the legacy builder (which reads any image's history).
      const inline = inv.legacy.length === 0 ? inlineSetting(inv) : null;
      if (inline && inv.cacheFrom.some((f) => certain(f) && f.spec.ref !== null && inv.tags.some((t) => certain(t) && normalizeRef(t.value) === normalizeRef(f.spec.ref!)))) {
        if (inline.file.path === ctx.file.path) report({ messageId: 'inlineOnly', data: { ...data, how: inline.how }, range: inline.range, related });
        return;
      }
      const min = inv.cacheTo.find((e) => certain(e) && (e.spec.type === 'registry' || e.spec.type === 'gha') && e.spec.mode !== 'max' && readsOwn(inv, e));
      if (min) {
        if (here(inv, min)) report({ messageId: 'minModeOnly', data: { ...data, cache: min.value }, range: min.range, related });
        return;
      }
      if (sourcesHere) report({ messageId: 'stagesNotCached', data: { ...data, stages: capitalFirst(stageList(missing)) }, range: sourcesAt, related });
    };

    /** Several images exporting gha cache to one scope from this file. */
    const checkSharedScopes = () => {
      const byScope = new Map<string, { inv: BuildInvocation; e: CacheEntry; image: string }[]>();
      for (const inv of ctx.repository.invocations) {
        for (const e of inv.cacheTo) {
          if (e.spec.type !== 'gha' || !certain(e) || !here(inv, e)) continue;
          const image = imageKey(inv);
          if (image === null) continue;
          const scope = e.spec.scope ?? GHA_DEFAULT_SCOPE;
          byScope.set(scope, [...(byScope.get(scope) ?? []), { inv, e, image }]);
        }
      }
      for (const [scope, list] of byScope) {
        if (new Set(list.map((x) => x.image)).size < 2) continue;
        for (const x of list) {
          const others = list.filter((o) => o.image !== x.image);
          const invs = [...new Set(others.map((o) => o.inv))];
          report({
            messageId: 'ghaScopeShared',
            data: {
              scope,
              dflt: x.e.spec.scope === null ? ' (the default, as no `scope=` is set)' : '',
              others: invs.map((o) => shownInvocation(ctx, o)).join(', '),
              build: invs.length === 1 ? 'builds' : 'build',
            },
            range: x.e.range,
            related: invs.map((o) => relatedIn(ctx, o.file, o.nameRange, `This build exports to scope '${scope}' too.`)),
          });
        }
      }
    };

    return {
      fileExit() {
        // Sources and exports may be written in another file than their invocation (bake `--set`).
        for (const inv of ctx.repository.invocations) {
          checkSources(inv);
          checkCoverage(inv);
        }
        checkSharedScopes();
      },
    };
  },
});

function capitalFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Which image an invocation builds: Dockerfile, target and context; null when any is unknown. */
function imageKey(inv: BuildInvocation): string | null {
  if (inv.dockerfile.path === null || inv.dockerfile.unresolved.length > 0 || inv.context.path === null || inv.context.unresolved.length > 0) return null;
  if (inv.target !== null && inv.target.unresolved.length > 0) return null;
  if (hidesOptions(inv)) return null;
  return `${inv.dockerfile.path}\u0000${inv.target?.value.toLowerCase() ?? ''}\u0000${inv.context.path}`;
}
