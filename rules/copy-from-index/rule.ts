import { defineRule } from '@stowage/core';
import { definedHere } from '../_lib/stage-refs.js';

export default defineRule({
  meta: {
    id: 'copy-from-index',
    summary: 'Prefer stage names over stage numbers in `--from`',
    category: 'style',
    severity: 'warn',
    fix: 'safe',
    sources: [],
    // Triggers run in a downstream build, where numbers count that file's stages.
    onbuild: false,
  },
  messages: {
    useName: "`--from={{index}}` names stage '{{name}}' by its position; refer to it by name so reordering stages cannot break the copy.",
    nameStage: '`--from={{index}}` names stage {{index}} by its position; name that stage with `AS <name>` and refer to it by name.',
    mountIndex:
      "`from={{index}}` in RUN --mount is not a stage number: BuildKit looks for an image named '{{index}}'. Refer to the stage by name{{hint}}.",
    replace: "Replace {{index}} with '{{name}}'",
  },
  create(ctx) {
    const { model } = ctx;
    return {
      stage(stage) {
        for (const dep of stage.deps) {
          // A number behind a variable is someone's deliberate choice; only literal numbers.
          if (!dep.byIndex || dep.ref !== dep.expanded) continue;
          const target = model.stages[Number(dep.ref)];
          const named = target && target.index < stage.index && target.name ? target : undefined;
          const edit = named && { messageId: 'replace', data: { index: dep.ref, name: named.name! }, edits: [{ range: dep.range, text: named.name! }] };
          if (dep.kind === 'mount') {
            ctx.report({
              messageId: 'mountIndex',
              data: { index: dep.ref, hint: named ? ` ('${named.name}')` : ' (add `AS <name>` to its FROM)' },
              range: dep.range,
              related: named ? definedHere(named) : undefined,
              // It changes what the build does (an image pull becomes a stage), so only suggest it.
              suggestions: edit ? [{ ...edit, applicability: 'unsafe' }] : undefined,
            });
          } else if (target && target.index < stage.index) {
            ctx.report({
              messageId: named ? 'useName' : 'nameStage',
              data: { index: dep.ref, name: named?.name ?? '' },
              range: dep.range,
              related: definedHere(target),
              fix: edit || undefined,
            });
          }
        }
      },
    };
  },
});
