import { defineRule } from '@stowage/core';
import {
  closeEarlierStage,
  definedHere,
  earlierStageNamed,
  isImageName,
  laterStageNamed,
  lineOf,
  looksLikeImage,
} from '../_lib/stage-refs.js';

export default defineRule({
  meta: {
    id: 'from-unknown-stage',
    summary: 'Disallow FROM naming a stage that is defined later, misspelt, or cased differently',
    category: 'correctness',
    severity: 'warn',
    fix: 'safe',
    sources: [],
    onbuild: false,
  },
  messages: {
    laterStage:
      "'{{name}}' is the name of a stage defined later (line {{line}}); FROM only sees earlier stages, so this pulls an image named '{{name}}'.",
    unknownStage:
      "'{{name}}' names no earlier stage and looks like a misspelling of stage '{{suggestion}}'; as written, it pulls an image named '{{name}}'.",
    caseMismatch:
      "'{{name}}' does not match stage '{{stage}}': FROM compares stage names case-sensitively, so this is read as an image name.",
    useStage: "Replace with '{{stage}}'",
  },
  create(ctx) {
    const { model } = ctx;
    return {
      stage(stage) {
        const base = stage.base;
        const range = stage.baseRange;
        if (!range || stage.parent || base.scratch || base.unresolved.length > 0) return;
        if (base.registry || base.tag || base.digest) return;
        const ref = base.expanded;
        const key = ref.toLowerCase();
        // `FROM nginx AS nginx` pulls the image; so does an image name the file uses elsewhere.
        if (!ref || looksLikeImage(ref) || key === stage.key || isImageName(ref, model, stage)) return;

        const sameName = earlierStageNamed(model, stage, key);
        if (sameName) {
          ctx.report({
            messageId: 'caseMismatch',
            data: { name: ref, stage: sameName.key! },
            range,
            related: definedHere(sameName),
            fix: base.raw === ref ? { messageId: 'useStage', data: { stage: sameName.key! }, edits: [{ range, text: sameName.key! }] } : undefined,
          });
          return;
        }
        const later = laterStageNamed(model, stage, key);
        if (later) {
          ctx.report({ messageId: 'laterStage', data: { name: ref, line: lineOf(model, later) }, range, related: definedHere(later) });
          return;
        }
        const close = closeEarlierStage(model, stage, ref);
        if (close) {
          ctx.report({
            messageId: 'unknownStage',
            data: { name: ref, suggestion: close.key! },
            range,
            related: definedHere(close),
            // FROM matches the lower-cased stage name exactly. Text built from variables is left alone.
            suggestions: base.raw === ref
              ? [{ messageId: 'useStage', data: { stage: close.key! }, applicability: 'unsafe', edits: [{ range, text: close.key! }] }]
              : undefined,
          });
        }
      },
    };
  },
});
