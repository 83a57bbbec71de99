import { closest, type RelatedLocation } from '@stowage/core';
import { defineBuildRule, type BuildInvocation } from '@stowage/builds/rule-api';
import { certain, shownPath, stageName, writtenHere, joinWords } from '../_lib/builds.js';
import { isTemplate } from '../_lib/stages.js';

export default defineBuildRule({
  meta: {
    id: 'build-target-unknown',
    summary: 'Report a build target that names no stage of the Dockerfile it builds',
    category: 'correctness',
    severity: 'error',
    fix: 'none',
    sources: [],
    onbuild: false,
    appliesTo: 'builds',
  },
  messages: {
    unknownTarget: "{{dockerfile}} has no stage named '{{target}}': the build fails with `target stage \"{{target}}\" could not be found`.{{hint}}",
  },
  create(ctx) {
    const reported = new Set<string>();
    const check = (inv: BuildInvocation) => {
      const t = inv.target;
      // Only a target written in this file, with a value that is certain.
      if (t === null || !certain(t) || !writtenHere(ctx, inv, t) || t.value.trim() === '') return;
      const info = ctx.dockerfileOf(inv);
      if (info === null) return;
      const { model } = info;
      // A stage named by a variable (`AS ${NAME}`) or a template may have any name.
      if (model.stages.length === 0 || isTemplate(model) || model.stages.some((s) => s.name !== null && /[${}]/.test(s.name))) return;
      if (model.stageByName(t.value)) return;
      const key = `${t.range.start}:${info.path}`;
      if (reported.has(key)) return; // a bake target inherited by several others
      reported.add(key);
      const named = model.stages.filter((s) => s.name !== null);
      const suggestion = closest(t.value, named.map((s) => s.name!));
      const related: RelatedLocation[] = [];
      let hint: string;
      if (suggestion !== null) {
        const stage = model.stageByName(suggestion)!;
        hint = ` Did you mean '${suggestion}'?`;
        related.push(ctx.inDockerfile(info, stage.nameRange!, `Stage '${stage.name}' is defined here.`));
      } else if (named.length > 0) {
        hint = ` Its stages: ${joinWords(named.map(stageName))}.`;
        related.push(ctx.inDockerfile(info, named[0].nameRange!, 'The Dockerfile\'s first named stage.'));
      } else {
        hint = ' None of its stages has a name (`FROM <image> AS <name>`).';
        related.push(ctx.inDockerfile(info, model.stages[0].from.range, 'The Dockerfile\'s first stage.'));
      }
      ctx.report({
        messageId: 'unknownTarget',
        data: { dockerfile: shownPath(ctx, info.path), target: t.value, hint },
        range: t.range,
        related,
      });
    };
    return {
      fileExit() {
        // Every invocation whose target is written here: bake `--set app.target=...` lives in the
        // file of the run, not of the bake target.
        for (const inv of ctx.repository.invocations) check(inv);
      },
    };
  },
});
