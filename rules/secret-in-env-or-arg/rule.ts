import { defineRule, type Instruction, type Property, type RelatedLocation } from '@stowage/core';
import {
  inFinalImage, judgeProperty, lineAt, secretId, shownSecret, stageLabel, type Declared, type Verdict,
} from '../_lib/secrets.js';

const BUILDER_NOTE = "stage {{stage}} is not in the final image, but the value still lands in the builder's cache layers and in any pushed cache image";

export default defineRule({
  meta: {
    id: 'secret-in-env-or-arg',
    summary: 'Disallow credentials in ARG and ENV',
    category: 'security',
    severity: 'error',
    fix: 'none',
    sources: [
      { tool: 'buildkit', code: 'SecretsUsedInArgOrEnv' },
      { tool: 'hadolint', code: 'DL3064' },
    ],
    // The trigger text is stored in the image config, and the trigger runs in every downstream build.
    onbuild: true,
  },
  messages: {
    literalSecret: '{{keyword}} {{name}} holds {{what}} in plain text{{shown}}: {{where}}.{{copied}} {{advice}}',
    secretArg: '{{subject}}{{where}}.{{copied}} {{advice}}',
  },
  create(ctx) {
    const { model } = ctx;

    // ENVs that copy a reported ARG/ENV (`ENV TOKEN=$TOKEN`): reported once, at the declaration they copy.
    const copies = new Map<Property, { instruction: Instruction; property: Property }[]>();
    const each = (fn: (instr: Instruction, p: Property) => void) => {
      for (const instr of model.ast.instructions) {
        const target = instr.trigger ?? instr;
        if (target.kind !== 'ARG' && target.kind !== 'ENV') continue;
        for (const p of target.properties) fn(target, p);
      }
    };
    each((instr, p) => {
      const v = judgeProperty(model, instr, p);
      if (v?.type !== 'copy') return;
      const list = copies.get(v.of.property) ?? [];
      list.push({ instruction: instr, property: p });
      copies.set(v.of.property, list);
    });

    const check = (instr: Instruction) => {
      for (const p of instr.properties) {
        const v = judgeProperty(model, instr, p);
        if (v && v.type !== 'copy') report(instr, p, v);
      }
    };

    const report = (instr: Instruction, p: Property, v: Exclude<Verdict, { type: 'copy' }>) => {
      const stage = model.stageOf(instr);
      const builder = stage !== null && !inFinalImage(model, stage);
      const note = builder ? BUILDER_NOTE.replace('{{stage}}', stageLabel(stage!)) : '';
      const isEnv = instr.kind === 'ENV';
      const related: RelatedLocation[] = [];
      let copied = '';
      // The value ends up in a shipped image's environment: it is run-time configuration.
      let runtime = isEnv && !builder;
      for (const c of copies.get(p) ?? []) {
        const line = lineAt(model, c.instruction.range.start);
        if (c.instruction.kind === 'ENV') {
          const inImage = inFinalImage(model, model.stageOf(c.instruction));
          runtime ||= inImage;
          copied += ` ENV ${c.property.name} on line ${line} copies it into the image config${inImage ? ', where `docker inspect` shows it' : ''}.`;
        } else {
          copied += ` ARG ${c.property.name} on line ${line} takes it as its default.`;
        }
        related.push({ message: `${c.instruction.kind} ${c.property.name} copies ${instr.kind} ${p.name} here.`, range: c.property.valueRange ?? c.property.range });
      }
      const id = secretId(p.name);
      const mount = `--mount=type=secret,id=${id},env=${p.name}`;
      const runtimeAdvice = `Set it when the container starts (\`docker run -e\`, an env file or a secrets file) instead; a RUN that needs it can use \`${mount}\`.`;
      if (v.type === 'literal') {
        let where: string;
        if (isEnv) {
          where = builder ? note : 'anyone with the image can read it with `docker inspect`, and images built `FROM` it inherit it';
        } else {
          where = stage === null
            ? `it is in the Dockerfile, and every stage that declares \`ARG ${p.name}\` gets it as a build arg`
            : `it is in the Dockerfile, and ${builder ? note : 'build args are saved in the image history (`docker history`)'}`;
        }
        const advice = runtime ? runtimeAdvice : `Pass it at build time with \`--secret id=${id}\` and read it with \`RUN ${mount}\` instead.`;
        ctx.report({
          messageId: 'literalSecret',
          data: { keyword: instr.kind, name: p.name, what: v.what, shown: shownSecret(v.secret), where, advice, copied },
          range: v.range,
          related: related.length ? related : undefined,
        });
        return;
      }
      let subject: string;
      if (v.from) {
        related.unshift(fromHere(v.from));
        const line = lineAt(model, v.from.instruction.range.start);
        const fromArg = `build arg ${v.from.property.name} (line ${line})`;
        if (isEnv) subject = `ENV ${p.name} copies ${fromArg}, which looks like ${v.what}, into the image config${builder ? '' : ', where `docker inspect` shows it'}`;
        else subject = `ARG ${p.name} takes ${v.what} from ${fromArg}${builder ? '' : ', and build args are saved in the image history'}`;
      } else {
        subject = `ARG ${p.name} looks like it carries ${v.what}: a value passed with \`--build-arg\` is saved in the image history`;
      }
      ctx.report({
        messageId: 'secretArg',
        data: {
          subject, where: note ? `; ${note}` : '', copied,
          advice: runtime ? runtimeAdvice : `Use \`RUN ${mount}\` on the RUN that needs it instead.`,
        },
        range: v.range,
        severity: 'warn',
        related: related.length ? related : undefined,
      });
    };

    return { ARG: check, ENV: check };
  },
});

function fromHere(d: Declared): RelatedLocation {
  return { message: `Build arg ${d.property.name} is declared here.`, range: d.property.nameRange };
}
