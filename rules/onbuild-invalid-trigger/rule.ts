import { defineRule } from '@stowage/core';

/** Instructions Docker refuses as ONBUILD triggers (BuildKit's `parseOnBuild`, hadolint DL3043). */
const NOT_TRIGGERS = new Set(['FROM', 'MAINTAINER']);

export default defineRule({
  meta: {
    id: 'onbuild-invalid-trigger',
    summary: 'Disallow `ONBUILD ONBUILD`, `ONBUILD FROM`, `ONBUILD MAINTAINER` and ONBUILD without a trigger',
    category: 'correctness',
    severity: 'error',
    fix: 'none',
    sources: [{ tool: 'hadolint', code: 'DL3043' }],
    // It checks the ONBUILD instruction itself, not the instruction it wraps.
    onbuild: false,
  },
  messages: {
    chained: 'Chaining `ONBUILD ONBUILD` is not allowed: Docker rejects this line and the build fails.',
    notAllowed: '`{{kind}}` is not allowed as an ONBUILD trigger: Docker rejects this line and the build fails.',
    empty: 'ONBUILD needs an instruction to run in images built FROM this one: Docker rejects an empty ONBUILD and the build fails.',
  },
  create(ctx) {
    return {
      ONBUILD(instr) {
        const trigger = instr.trigger;
        if (!trigger) {
          if (!instr.argsRange) ctx.report({ messageId: 'empty', range: instr.keyword.range });
          return;
        }
        if (trigger.kind === 'ONBUILD') ctx.report({ messageId: 'chained', range: trigger.keyword.range });
        else if (NOT_TRIGGERS.has(trigger.kind)) ctx.report({ messageId: 'notAllowed', data: { kind: trigger.keyword.raw.toUpperCase() }, range: trigger.keyword.range });
      },
    };
  },
});
