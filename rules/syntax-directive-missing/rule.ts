import { defineRule, type Instruction, type Range } from '@stowage/core';
import { syntaxDirective } from '../_lib/buildkit.js';
import { isWindowsStage } from '../_lib/layers.js';

export { syntaxDirective };

/** A Dockerfile frontend version, `[major, minor]`. */
type Version = readonly [number, number];

interface Feature {
  /** How messages name it, capitalised: `` `RUN --mount` ``, `A heredoc`. */
  label: string;
  /** First stable `docker/dockerfile` release with it; null: only in the labs channel. */
  stable: Version | null;
  /** First `-labs` (or `-experimental`) release with it. */
  labs: Version;
}

/**
 * When each BuildKit-only feature reached the Dockerfile frontend (docker/docs
 * build/buildkit/dockerfile-release-notes.md, moby/buildkit frontend/dockerfile/docs/reference.md).
 */
const FEATURES = {
  mount: { label: '`RUN --mount`', stable: [1, 2], labs: [1, 0] },
  secretEnv: { label: 'A secret mount with `env=`', stable: [1, 10], labs: [1, 10] },
  network: { label: '`RUN --network`', stable: [1, 3], labs: [1, 2] },
  security: { label: '`RUN --security`', stable: null, labs: [1, 1] },
  device: { label: '`RUN --device`', stable: null, labs: [1, 14] },
  heredoc: { label: 'A heredoc', stable: [1, 4], labs: [1, 3] },
  link: { label: '`--link`', stable: [1, 4], labs: [1, 4] },
  chmod: { label: '`--chmod`', stable: [1, 2], labs: [1, 2] },
  chmodVar: { label: '`--chmod` with a variable', stable: [1, 10], labs: [1, 10] },
  chmodSymbolic: { label: 'A non-octal `--chmod`', stable: [1, 14], labs: [1, 11] },
  checksum: { label: '`ADD --checksum`', stable: [1, 6], labs: [1, 5] },
  keepGitDir: { label: '`ADD --keep-git-dir`', stable: [1, 6], labs: [1, 5] },
  unpack: { label: '`ADD --unpack`', stable: [1, 17], labs: [1, 17] },
  exclude: { label: '`--exclude`', stable: [1, 19], labs: [1, 7] },
  parents: { label: '`COPY --parents`', stable: [1, 20], labs: [1, 7] },
} satisfies Record<string, Feature>;

/** The built-in frontend of Docker 20.10 (BuildKit 0.8), the oldest BuildKit still met in CI. */
const OLD_BUILTIN: Version = [1, 2];

interface Use {
  feature: Feature;
  range: Range;
}

interface Pin {
  /** The pinned version, or null for a moving tag (`1`, `1-labs`, `latest`). */
  version: Version | null;
  labs: boolean;
}

const after = (a: Version, b: Version) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
const show = (v: Version) => `${v[0]}.${v[1]}`;

/**
 * What a `syntax` value pins: `docker/dockerfile:1.4`, `docker.io/docker/dockerfile:1.7-labs`,
 * `docker/dockerfile-upstream:1.6.0@sha256:...`. Null for frontends this rule does not know.
 */
export function readPin(value: string): Pin | null {
  const m = /^(?:(?:docker\.io|registry-1\.docker\.io|index\.docker\.io)\/)?docker\/dockerfile(?:-upstream)?(?::([^@]+))?(?:@sha256:[0-9a-f]+)?$/i.exec(value);
  if (!m) return null;
  const tag = (m[1] ?? 'latest').toLowerCase();
  if (m[1] === undefined && value.includes('@')) return null;
  const labs = /-(labs|experimental)$/.test(tag);
  const base = tag.replace(/-(labs|experimental)$/, '');
  if (base === 'latest' || base === '1' || base === 'labs' || base === 'master' || base === 'experimental') {
    // `experimental` is a frozen tag of the old channel: no version is known.
    return base === 'experimental' ? null : { version: null, labs: labs || base === 'labs' || base === 'master' };
  }
  const v = /^1\.(\d+)(?:\.\d+)?$/.exec(base);
  if (!v) return null;
  return { version: [1, Number(v[1])], labs };
}

/** BuildKit-only syntax of one instruction, in source order. */
function usesOf(instr: Instruction): Use[] {
  const out: Use[] = [];
  const push = (feature: Feature, range: Range) => out.push({ feature, range });
  const kind = instr.kind;
  if (kind === 'RUN') {
    for (const f of instr.flags) {
      if (f.name === 'mount') {
        push(FEATURES.mount, f.range);
        const type = f.options.find((o) => o.key.toLowerCase() === 'type')?.value;
        const env = f.options.find((o) => o.key.toLowerCase() === 'env');
        if (type === 'secret' && env) push(FEATURES.secretEnv, env.range);
      } else if (f.name === 'network') push(FEATURES.network, f.range);
      else if (f.name === 'security') push(FEATURES.security, f.range);
      else if (f.name === 'device') push(FEATURES.device, f.range);
    }
  }
  if (kind === 'COPY' || kind === 'ADD') {
    for (const f of instr.flags) {
      if (f.name === 'link') push(FEATURES.link, f.range);
      else if (f.name === 'chmod') {
        const v = f.value ?? '';
        push(/^[0-7]{1,4}$/.test(v) || v === '' ? FEATURES.chmod : v.includes('$') ? FEATURES.chmodVar : FEATURES.chmodSymbolic, f.range);
      } else if (f.name === 'exclude') push(FEATURES.exclude, f.range);
      else if (f.name === 'parents' && kind === 'COPY') push(FEATURES.parents, f.range);
      else if (kind === 'ADD' && f.name === 'checksum') push(FEATURES.checksum, f.range);
      else if (kind === 'ADD' && f.name === 'keep-git-dir') push(FEATURES.keepGitDir, f.range);
      else if (kind === 'ADD' && f.name === 'unpack') push(FEATURES.unpack, f.range);
    }
  }
  if (kind === 'RUN' || kind === 'COPY' || kind === 'ADD') {
    for (const h of instr.heredocs) push(FEATURES.heredoc, h.range);
  }
  out.sort((a, b) => a.range.start - b.range.start);
  return out;
}

/** Whether `pin` has `feature`. */
function supports(pin: Pin, feature: Feature): boolean {
  if (pin.version === null) return pin.labs || feature.stable !== null;
  if (pin.labs) return !after(feature.labs, pin.version);
  return feature.stable !== null && !after(feature.stable, pin.version);
}

/** The version a pin must name to have `feature`, keeping its channel. */
function needed(pin: Pin, feature: Feature): string {
  if (pin.labs || feature.stable === null) return `${show(feature.labs)}-labs`;
  return show(feature.stable);
}

export default defineRule({
  meta: {
    id: 'syntax-directive-missing',
    summary: 'Require a `# syntax=` directive, recent enough, in files that use BuildKit-only syntax',
    category: 'portability',
    severity: 'warn',
    fix: 'safe',
    sources: [],
    // A trigger's syntax is read by the downstream file's frontend.
    onbuild: false,
  },
  messages: {
    missing:
      '{{feature}} needs Dockerfile frontend {{version}} or later, and the file has no `# syntax=` directive: it builds only where the built-in frontend is new enough{{where}}. Add `# syntax=docker/dockerfile:1` as the first line.',
    missingLabs:
      '{{feature}} exists only in the labs channel of the Dockerfile frontend, and the file has no `# syntax=` directive: no built-in frontend has it. Add `# syntax=docker/dockerfile:1-labs` as the first line.',
    outdated:
      '{{feature}} needs Dockerfile frontend {{version}} or later, but the `# syntax=` directive pins {{pinned}}: the build fails. Pin `docker/dockerfile:{{version}}` or later (or `docker/dockerfile:1`).',
    labsOnly:
      '{{feature}} exists only in the labs channel, but the `# syntax=` directive pins {{pinned}}: the build fails. Use `docker/dockerfile:1-labs`.',
    addDirective: 'Add `# syntax=docker/dockerfile:{{tag}}` as the first line',
    bump: 'Pin `docker/dockerfile:{{version}}`',
  },
  create(ctx) {
    const { model } = ctx;
    return {
      fileExit() {
        // Podman and Buildah, the builders a Containerfile is named for, ignore the directive.
        if (/(^|[\\/])Containerfile[^\\/]*$/i.test(ctx.filePath)) return;
        const uses: Use[] = [];
        for (const instr of model.ast.instructions) {
          if (instr.kind === 'ONBUILD') continue;
          // Windows images build with the classic builder, which no directive changes.
          const stage = model.stageOf(instr);
          if (stage && isWindowsStage(model, stage)) continue;
          uses.push(...usesOf(instr));
        }
        if (uses.length === 0) return;
        const directive = syntaxDirective(model.text);
        if (!directive) {
          const labsOnly = uses.find((u) => u.feature.stable === null);
          const first = labsOnly ?? uses.reduce((a, b) => (b.feature.stable && a.feature.stable && after(b.feature.stable, a.feature.stable) ? b : a));
          const newest = first.feature;
          const tag = labsOnly ? '1-labs' : '1';
          // Insert after a BOM or a `#!` line, which BuildKit skips before the directives.
          let at = model.text.charCodeAt(0) === 0xfeff ? 1 : 0;
          if (model.text.startsWith('#!', at)) at = model.text.indexOf('\n', at) + 1;
          const eol = model.text.includes('\r\n') ? '\r\n' : '\n';
          const fix = { messageId: 'addDirective', data: { tag }, edits: [{ range: { start: at, end: at }, text: `# syntax=docker/dockerfile:${tag}${eol}` }] };
          if (labsOnly) {
            ctx.report({ messageId: 'missingLabs', data: { feature: newest.label }, range: labsOnly.range, fix });
            return;
          }
          // Docker 20.10's built-in frontend (1.2) already has RUN --mount and --chmod: only a hint then.
          const v = newest.stable!;
          const old = !after(v, OLD_BUILTIN);
          const where = old
            ? ' (any BuildKit since Docker 20.10)'
            : !after(v, [1, 5])
              ? ' (Docker 23 and later; Docker 20.10, still packaged by some distributions, fails)'
              : '';
          ctx.report({
            messageId: 'missing',
            data: { feature: newest.label, version: show(v), where },
            range: first.range,
            severity: old ? 'info' : undefined,
            fix,
          });
          return;
        }
        const pin = readPin(directive.value);
        if (!pin) return;
        const bad = uses.find((u) => !supports(pin, u.feature));
        if (!bad) return;
        const valueStart = model.text.indexOf(directive.value, directive.range.start);
        const pinned = directive.value;
        if (bad.feature.stable === null && !pin.labs) {
          ctx.report({ messageId: 'labsOnly', data: { feature: bad.feature.label, pinned }, range: bad.range, related: [{ message: 'The directive is here.', range: directive.range }] });
          return;
        }
        const version = needed(pin, bad.feature);
        const tagStart = valueStart + directive.value.lastIndexOf(':') + 1;
        const tagText = directive.value.slice(directive.value.lastIndexOf(':') + 1).split('@')[0];
        ctx.report({
          messageId: 'outdated',
          data: { feature: bad.feature.label, version, pinned },
          range: bad.range,
          related: [{ message: 'The directive is here.', range: directive.range }],
          suggestions: directive.value.includes('@')
            ? undefined
            : [{ messageId: 'bump', data: { version }, applicability: 'unsafe', edits: [{ range: { start: tagStart, end: tagStart + tagText.length }, text: version }] }],
        });
      },
    };
  },
});
