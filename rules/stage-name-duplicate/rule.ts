import { defineRule } from '@stowage/core';
import { definedHere, lineOf } from '../_lib/stage-refs.js';

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
        const first = model.stages.find((s) => s.index < stage.index && s.key === stage.key);
        if (!first) return;
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
