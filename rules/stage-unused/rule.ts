import { defineRule, type Stage } from '@stowage/core';
import { closure, isTemplate, stageUses } from '../_lib/stages.js';

export default defineRule({
  meta: {
    id: 'stage-unused',
    summary: 'Report stages that neither the final stage, another stage nor a known build needs',
    category: 'cache',
    severity: 'warn',
    fix: 'none',
    sources: [],
    onbuild: false,
  },
  messages: {
    unusedByBuilds:
      "No known build of this file needs stage {{stage}}: it is not the final stage, no build targets it, and no stage that is built uses it. BuildKit skips it and the legacy builder builds it for nothing; remove it.",
    unnamed:
      'Stage {{index}} ({{image}}) is never built by BuildKit: it is not the final stage, no stage builds FROM it or copies from it, and `--target` needs a stage name. Remove it, or name it and use it (the legacy builder ran it; BuildKit does not).',
    leaf:
      "Nothing in this file uses stage '{{name}}': it is not the final stage and no stage builds FROM it or copies from it. Fine if it is built with `--target {{name}}` (a test, dev or debug stage); otherwise remove it, since the legacy builder still builds it.",
  },
  create(ctx) {
    const { model, builds } = ctx;
    return {
      fileExit() {
        const final = model.finalStage;
        if (!final || model.stages.length < 2 || isTemplate(model)) return;
        const { uses, anyStage } = stageUses(model);
        // A bare variable may name any stage (`FROM $STAGE`, `COPY --from=$STAGE`): nothing is provably unused.
        if (anyStage) return;
        // `AS ${NAME}` (Buildah, templates): the name is unknown, so is what targets it.
        const named = (s: Stage) => s.key !== null;
        if (model.stages.some((s) => s.name !== null && s.name.includes('$'))) return;

        if (builds && builds.invocations > 0) {
          const roots = [final, ...model.stages.filter((s) => s.key !== null && builds.targets.has(s.key))];
          const built = closure(uses, roots);
          for (const s of model.stages) {
            if (built.has(s)) continue;
            const stage = s.name ? `'${s.name}'` : `${s.index} (${s.base.raw || 'FROM'})`;
            ctx.report({ messageId: 'unusedByBuilds', data: { stage }, range: s.from.range });
          }
          return;
        }

        // No build is known: any named stage may be built with --target, so only leaves (stages no
        // other stage uses) are reported; a stage that only dead stages use shows once they are gone.
        const usedByOthers = new Set<Stage>();
        for (const [s, set] of uses) for (const d of set) if (d !== s) usedByOthers.add(d);
        for (const s of model.stages) {
          if (s === final || usedByOthers.has(s)) continue;
          if (named(s)) ctx.report({ messageId: 'leaf', data: { name: s.name! }, range: s.from.range, severity: 'info' });
          else ctx.report({ messageId: 'unnamed', data: { index: s.index, image: s.base.raw || 'FROM' }, range: s.from.range });
        }
      },
    };
  },
});
