import { defineRule, type Instruction, type Stage } from '@stowage/core';
import { fromCandidates, isTemplate, lineAt } from '../_lib/stages.js';

const hasOnbuild = (s: Stage) => s.instructions.some((i) => i.kind === 'ONBUILD' && i.trigger !== null);
const label = (s: Stage) => (s.name ? `'${s.name}'` : `${s.index}`);

export default defineRule({
  meta: {
    id: 'onbuild-stage-hack',
    summary: 'Report ONBUILD used to defer work to a stage of the same file, and FROM picking such a stage by build arg',
    category: 'cache',
    severity: 'warn',
    fix: 'none',
    sources: [],
    // It looks at ONBUILD instructions themselves, not at what they wrap.
    onbuild: false,
  },
  messages: {
    deferred:
      'This ONBUILD only runs when {{children}} is built FROM stage {{stage}} in this same file: the pre-BuildKit way to defer work until a later stage is chosen. BuildKit builds only the stages the target needs, so write it as a plain instruction in the stage that needs it and pick that stage with `--target`.',
    argSelected:
      'This FROM picks stage {{stages}} by build arg ({{image}}) so that only the chosen stage\'s ONBUILD triggers run. BuildKit already skips the stages a target does not need: make each variant a stage with plain instructions and choose it with `--target` instead of `--build-arg`.',
  },
  create(ctx) {
    const { model, builds } = ctx;
    return {
      fileExit() {
        if (model.stages.length < 2 || !model.stages.some(hasOnbuild) || isTemplate(model)) return;
        // ONBUILD stage → the stages of this file whose FROM may run its triggers.
        const children = new Map<Stage, { stage: Stage; selected: boolean }[]>();
        const addChild = (parent: Stage, child: Stage, selected: boolean) => {
          const list = children.get(parent) ?? [];
          list.push({ stage: child, selected });
          children.set(parent, list);
        };
        for (const stage of model.stages) {
          const c = fromCandidates(model, stage);
          const earlier = (s: Stage) => s.index < stage.index && hasOnbuild(s);
          let picked = c.stages.filter(earlier);
          // `FROM $X` whose default is an ONBUILD stage: any other ONBUILD stage may be passed.
          if (c.any && c.byDefault && hasOnbuild(c.byDefault)) picked = model.stages.filter(earlier);
          if (picked.length === 0) continue;
          for (const p of picked) addChild(p, stage, c.variable);
          if (c.variable && stage.baseRange) {
            ctx.report({
              messageId: 'argSelected',
              data: { stages: picked.map(label).join(' or '), image: `FROM ${stage.base.raw}` },
              range: stage.baseRange,
              related: picked.map((p) => ({ message: `Stage ${label(p)} holds ONBUILD triggers.`, range: p.nameRange ?? p.from.keyword.range })),
            });
          }
        }
        for (const [parent, kids] of children) {
          // A stage a known build targets is also published as a base image: its triggers are for others too.
          if (builds && builds.invocations > 0 && parent.key !== null && builds.targets.has(parent.key)) continue;
          const names = kids.map((k) => `stage ${label(k.stage)} (line ${lineAt(model, k.stage.from.range.start)}${k.selected ? ', chosen by build arg' : ''})`);
          const onbuilds: Instruction[] = parent.instructions.filter((i) => i.kind === 'ONBUILD' && i.trigger !== null);
          for (const instr of onbuilds) {
            ctx.report({
              messageId: 'deferred',
              data: { children: names.join(' or '), stage: label(parent) },
              range: instr.keyword.range,
              related: kids.map((k) => ({ message: `Stage ${label(k.stage)} is built FROM ${label(parent)} here.`, range: k.stage.baseRange ?? k.stage.from.keyword.range })),
            });
          }
        }
      },
    };
  },
});
