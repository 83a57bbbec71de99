import { basename } from 'node:path';
import type { RelatedLocation, Stage } from '@stowage/core';
import { defineBuildRule, type BuildInvocation } from '@stowage/builds/rule-api';
import { hidesOptions, isBakeTemplate, shownPath, stageList, stageName, stageRange } from '../_lib/builds.js';
import { nameWords } from '../_lib/secrets.js';
import { isTemplate, stageUses } from '../_lib/stages.js';

/** Name words of stages that are not the image to ship, by what they are. */
const NON_SHIPPING: Record<string, string> = {
  test: 'test', tests: 'test', testing: 'test', unittest: 'test', unittests: 'test',
  dev: 'development', devel: 'development', develop: 'development', development: 'development',
  debug: 'debug',
  lint: 'lint', linter: 'lint', linting: 'lint',
  ci: 'CI',
};

function nonShipping(name: string | null): string | null {
  if (name === null) return null;
  for (const w of nameWords(name)) if (NON_SHIPPING[w]) return NON_SHIPPING[w];
  return null;
}

/** How to set a target where this invocation is written. */
function howToSet(inv: BuildInvocation): string {
  switch (inv.kind) {
    case 'compose-service':
      return '`build.target`';
    case 'bake-target':
      return '`target`';
    case 'github-build-push-action':
      return 'the `target` input';
    default:
      return '`--target`';
  }
}

/** The names the author gave this build: service, bake target, job, make target, step. */
function buildNames(inv: BuildInvocation): { name: string; what: string }[] {
  const out: { name: string; what: string }[] = [];
  if (inv.kind === 'compose-service') out.push({ name: inv.name, what: 'service' });
  if (inv.kind === 'bake-target') out.push({ name: inv.name, what: 'bake target' });
  if (inv.kind !== 'compose-service' && inv.kind !== 'bake-target' && inv.details.group) {
    out.push({ name: inv.details.group, what: inv.kind === 'makefile-recipe' ? 'make target' : 'job' });
  }
  if (inv.details.step) out.push({ name: inv.details.step, what: 'step' });
  return out;
}

export default defineBuildRule({
  meta: {
    id: 'build-target-missing',
    summary: 'Report a build without a target of a Dockerfile whose last stage may not be the one meant',
    category: 'cache',
    severity: 'warn',
    fix: 'none',
    sources: [],
    onbuild: false,
    appliesTo: 'builds',
  },
  messages: {
    namedStageNotBuilt:
      "No target: this builds the last stage of {{dockerfile}}, {{last}}, not stage '{{stage}}' that this {{what}} is named after. Set {{how}} to the stage you mean.",
    lastStageNotShipping:
      'No target: this builds the last stage of {{dockerfile}}, {{last}}, which looks like a {{kind}} stage rather than an image to ship. Set {{how}} to the stage you mean.',
    severalLeaves:
      'No target: this builds whatever stage comes last in {{dockerfile}} ({{last}}), though {{others}} {{verb}} that nothing else uses. Set {{how}} so that adding or reordering stages cannot change what this builds.',
  },
  create(ctx) {
    return {
      invocation(inv) {
        if (inv.target !== null || hidesOptions(inv) || isBakeTemplate(inv)) return;
        const info = ctx.dockerfileOf(inv);
        if (info === null) return;
        const { model } = info;
        const last = model.finalStage;
        if (last === null || model.stages.length < 2 || isTemplate(model)) return;
        const { uses, anyStage } = stageUses(model);
        if (anyStage) return;
        const used = new Set<Stage>();
        for (const [s, set] of uses) for (const d of set) if (d !== s) used.add(d);
        // Other leaves a target could pick: named, and nothing in the file builds on them.
        const otherLeaves = model.stages.filter((s) => s !== last && s.name !== null && !used.has(s));
        const dockerfile = shownPath(ctx, info.path);
        const how = howToSet(inv);
        const lastRelated = ctx.inDockerfile(info, stageRange(last), 'Without a target the build produces this last stage.');

        const names = buildNames(inv);
        // A service or bake target names the image it builds; job and step names (`build`,
        // `docker`) are too generic to say which stage is meant.
        for (const { name, what } of names.filter((n) => n.what === 'service' || n.what === 'bake target')) {
          // Named after another stage of the file: that stage is most likely the one meant.
          const stage = model.stages.find((s) => s !== last && s.key === name.toLowerCase());
          // The last stage builds on it (`FROM web AS prod`): what is built includes it, maybe on purpose.
          if (!stage || model.stagesForTarget(last).has(stage)) continue;
          ctx.report({
            messageId: 'namedStageNotBuilt',
            data: { dockerfile, last: stageName(last), stage: stage.name!, what, how },
            range: inv.nameRange,
            related: [lastRelated, ctx.inDockerfile(info, stageRange(stage), `Stage '${stage.name}' is defined here.`)],
          });
          return;
        }

        const kind = nonShipping(last.name);
        if (kind !== null) {
          // A build whose own names (or file name) say it is for this kind of stage means it.
          const own = [...names.map((n) => n.name), basename(inv.file.path).replace(/\.[^.]*$/, '')];
          if (own.some((n) => nonShipping(n) === kind)) return;
          ctx.report({ messageId: 'lastStageNotShipping', data: { dockerfile, last: stageName(last), kind, how }, range: inv.nameRange, related: [lastRelated] });
          return;
        }

        const candidates = otherLeaves.filter((s) => nonShipping(s.name) === null);
        if (candidates.length === 0) return;
        const related: RelatedLocation[] = [lastRelated, ...candidates.map((s) => ctx.inDockerfile(info, stageRange(s), `Stage '${s.name}' is another end of the stage graph.`))];
        ctx.report({
          messageId: 'severalLeaves',
          data: { dockerfile, last: stageName(last), others: stageList(candidates), verb: candidates.length === 1 ? 'is also a stage' : 'are also stages', how },
          range: inv.nameRange,
          related,
          severity: 'info',
        });
      },
    };
  },
});
