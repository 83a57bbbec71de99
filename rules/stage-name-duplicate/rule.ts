import { defineRule } from '@stowage/core';
import { definedHere, lineOf } from '../_lib/stage-refs.js';
import { stagesByKey } from '../_lib/stages.js';

export default defineRule({
  meta: {
    id: 'stage-name-duplicate',
    summary: 'Disallow two stages with the same name',
    category: 'correctness',
    severity: 'error',
    fix: 'none',
    sources: [
      { tool: 'buildkit', code: 'DuplicateStageName' },
      { tool: 'hadolint', code: 'DL3024' },
    ],
    onbuild: false,
  },
  messages: {
    duplicate:
      "Stage name '{{name}}' is already used by the stage at line {{line}}; stage names are case-insensitive and must be unique.",
  },
  create(ctx) {
    const { model } = ctx;
    return {
      stage(stage) {
        if (!stage.key || !stage.nameRange) return;
        const first = stagesByKey(model).get(stage.key)?.[0];
        if (!first || first.index >= stage.index) return;
        ctx.report({
          messageId: 'duplicate',
          data: { name: stage.name!, line: lineOf(model, first) },
          range: stage.nameRange,
          related: definedHere(first),
        });
      },
    };
  },
});
