import type { Instruction, Range, RelatedLocation, Stage } from '@stowage/core';
import { defineBuildRule, type BuildInvocation, type LegacySignal } from '@stowage/builds/rule-api';
import { graphIsCertain, relatedIn, resolveBuild, shownPath, stageList, stageName, stageRange } from '../_lib/builds.js';

/** RUN flags the legacy builder rejects (`the --mount option requires BuildKit`). */
const BUILDKIT_RUN_FLAGS = new Set(['mount', 'network', 'security']);

/** The first instruction the legacy builder cannot build, in these stages. */
function buildkitOnly(stages: Stage[]): { instr: Instruction; what: string } | null {
  for (const stage of stages) {
    for (const top of stage.instructions) {
      if (top.heredocs.length > 0) return { instr: top, what: 'a heredoc' };
      if (top.kind === 'RUN') {
        const flag = top.flags.find((f) => BUILDKIT_RUN_FLAGS.has(f.name.toLowerCase()));
        if (flag) return { instr: top, what: `\`RUN --${flag.name.toLowerCase()}\`` };
      }
    }
  }
  return null;
}

const SIGNAL: Record<LegacySignal['via'], { text: string; advice: string }> = {
  'DOCKER_BUILDKIT=0': { text: '`DOCKER_BUILDKIT=0` selects the legacy builder', advice: 'Remove `DOCKER_BUILDKIT=0` to build with BuildKit.' },
  'COMPOSE_DOCKER_CLI_BUILD=0': {
    text: '`COMPOSE_DOCKER_CLI_BUILD=0` makes Compose v1 use the legacy builder',
    advice: 'Use `docker compose` (Compose v2), which builds with BuildKit.',
  },
  'docker-compose': {
    text: '`docker-compose` (Compose v1, where that is still installed) uses the legacy builder',
    advice: 'Use `docker compose` (Compose v2), which builds with BuildKit.',
  },
};

export default defineBuildRule({
  meta: {
    id: 'build-legacy-builder',
    summary: 'Report multi-stage builds run with the legacy builder (DOCKER_BUILDKIT=0, docker-compose v1)',
    category: 'cache',
    severity: 'warn',
    fix: 'none',
    sources: [],
    onbuild: false,
    appliesTo: 'builds',
  },
  messages: {
    unusedStages:
      '{{signal}}, which builds every stage of {{dockerfile}} up to {{target}} in file order: {{stages}} {{verb}} built for nothing (BuildKit skips stages the target does not need). {{advice}}',
    needsBuildkit: '{{signal}}, which cannot build {{dockerfile}}: line {{line}} uses {{what}}, a BuildKit feature. {{advice}}',
  },
  create(ctx) {
    const reported = new Set<string>();
    const judge = (inv: BuildInvocation, signals: LegacySignal[], range: Range) => {
      const res = resolveBuild(ctx, inv);
      if (res === null) return;
      const { info, model, target } = res;
      if (model.stages.length < 2 || !graphIsCertain(model)) return;
      // The legacy builder runs every stage before the target, and stops at it.
      const built = model.stages.filter((s) => s.index <= target.stage.index);
      const needed = model.stagesForTarget(target.stage);
      const wasted = built.filter((s) => !needed.has(s));
      const blocker = buildkitOnly(built);
      if (wasted.length === 0 && blocker === null) return;
      // Compose v1 is only a possibility (`docker-compose` may be v2's standalone binary); an
      // explicit DOCKER_BUILDKIT=0 / COMPOSE_DOCKER_CLI_BUILD=0 is certain.
      const explicit = signals.find((s) => s.via !== 'docker-compose');
      const signal = explicit ?? signals[0];
      const v1 = explicit === undefined;
      const dockerfile = shownPath(ctx, info.path);
      const key = `${range.start}:${inv.file.path}:${inv.range.start}`;
      if (reported.has(key)) return;
      reported.add(key);
      const related: RelatedLocation[] = [];
      if (!(signal.file.path === ctx.file.path && signal.range.start === range.start)) {
        related.push(relatedIn(ctx, signal.file, signal.range, v1 ? 'Compose v1 is run here.' : 'The legacy builder is selected here.'));
      }
      if (inv.file.path !== ctx.file.path) related.push(relatedIn(ctx, inv.file, inv.nameRange, `Service '${inv.name}' is defined here.`));
      const base = {
        dockerfile,
        signal: SIGNAL[signal.via].text,
        advice: SIGNAL[signal.via].advice,
        target: target.explicit ? `the target ${stageName(target.stage)}` : `the last stage (${stageName(target.stage)})`,
      };
      if (blocker !== null) {
        related.push(ctx.inDockerfile(info, blocker.instr.range, `${blocker.what} needs BuildKit.`));
        ctx.report({
          messageId: 'needsBuildkit',
          data: { ...base, line: info.lines.positionAt(blocker.instr.range.start).line, what: blocker.what },
          range,
          related,
          severity: v1 ? 'info' : undefined,
        });
        return;
      }
      for (const s of wasted) related.push(ctx.inDockerfile(info, stageRange(s), `${stageName(s)} is built although ${stageName(target.stage)} does not need it.`));
      ctx.report({
        messageId: 'unusedStages',
        data: { ...base, stages: stageList(wasted), verb: wasted.length === 1 ? 'is' : 'are' },
        range,
        related,
        severity: v1 ? 'info' : undefined,
      });
    };
    return {
      fileExit() {
        for (const inv of ctx.repository.invocations) {
          // `docker buildx`, bake, podman, buildah and nerdctl ignore DOCKER_BUILDKIT.
          if (inv.tool !== 'docker build' && inv.tool !== 'compose') continue;
          if (inv.legacy.length === 0) continue;
          if (inv.kind !== 'compose-service') {
            if (inv.file.path === ctx.file.path) judge(inv, inv.legacy, inv.nameRange);
            continue;
          }
          // A compose service: reported at each run written here that builds it with the legacy builder.
          for (const run of inv.runs) {
            if (run.file.path !== ctx.file.path || run.legacy.length === 0) continue;
            judge(inv, run.legacy, run.nameRange);
          }
        }
      },
    };
  },
});
