import { defineRule, type StageDependency } from '@stowage/core';
import { closeEarlierStage, definedHere, isImageName, laterStageNamed, lineOf, looksLikeImage } from '../_lib/stage-refs.js';

export default defineRule({
  meta: {
    id: 'copy-from-unknown-stage',
    summary: 'Disallow `--from` naming a later stage, the current stage, a missing stage number, or a misspelt stage',
    category: 'correctness',
    severity: 'error',
    fix: 'none',
    sources: [
      { tool: 'hadolint', code: 'DL3022' },
      { tool: 'hadolint', code: 'DL3023' },
    ],
    // Triggers run in a downstream build and name that file's stages.
    onbuild: false,
  },
  messages: {
    laterStage:
      "Stage '{{name}}' is defined later (line {{line}}); {{what}} can only use stages defined before the current one, so the build fails.",
    ownStage: "'{{name}}' is the stage this instruction belongs to; a stage cannot {{verb}} from itself.",
    indexOutOfRange:
      'Stage number {{index}} is not an earlier stage: stages count from 0 and this instruction is in stage {{current}}.',
    unknownStage:
      "'{{name}}' names no stage and looks like a misspelling of stage '{{suggestion}}'; as written, it is pulled as an image.",
    useStage: "Replace with '{{stage}}'",
  },
  create(ctx) {
    const { model } = ctx;
    return {
      stage(stage) {
        for (const dep of stage.deps) {
          if (dep.kind === 'from' || dep.stage) continue;
          // Numbers in RUN --mount are not stage numbers; copy-from-index reports them.
          if (dep.kind === 'mount' && dep.byIndex) continue;
          const ref = dep.expanded;
          if (!ref || model.scopeAt(dep.instruction).expand(dep.ref).unresolved.length > 0) continue;
          const what = dep.kind === 'copy' ? `${dep.instruction.kind} --from` : 'RUN --mount from=';
          const verb = dep.kind === 'copy' ? 'copy' : 'mount';

          if (dep.byIndex) {
            const target = model.stages[Number(ref)];
            ctx.report({
              messageId: 'indexOutOfRange',
              data: { index: ref, current: stage.index },
              range: dep.range,
              related: target ? definedHere(target) : undefined,
            });
            continue;
          }
          const key = ref.toLowerCase();
          if (key === stage.key) {
            ctx.report({ messageId: 'ownStage', data: { name: ref, verb }, range: dep.range, related: definedHere(stage) });
            continue;
          }
          const later = laterStageNamed(model, stage, key);
          if (later) {
            ctx.report({ messageId: 'laterStage', data: { name: ref, line: lineOf(model, later), what }, range: dep.range, related: definedHere(later) });
            continue;
          }
          reportTypo(dep, ref);
        }

        function reportTypo(dep: StageDependency, ref: string): void {
          if (looksLikeImage(ref) || isImageName(ref, model)) return;
          const close = closeEarlierStage(model, stage, ref);
          if (!close) return;
          ctx.report({
            messageId: 'unknownStage',
            data: { name: ref, suggestion: close.name! },
            range: dep.range,
            related: definedHere(close),
            // Text built from variables is left alone.
            suggestions: dep.ref === ref
              ? [{ messageId: 'useStage', data: { stage: close.name! }, applicability: 'unsafe', edits: [{ range: dep.range, text: close.name! }] }]
              : undefined,
          });
        }
      },
    };
  },
});

