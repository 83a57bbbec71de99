import type { Instruction, Property, Range, RelatedLocation, SemanticModel, ShellCommand, Stage } from '@stowage/core';
import { defineBuildRule, type BuildArg, type BuildInvocation, type CacheEntry } from '@stowage/builds/rule-api';
import { certain, chainOf, graphIsCertain, resolveBuild, shownPath, stageName, writtenHere } from '../_lib/builds.js';
import { isPlaceholder, judgeProperty, secretId, shownSecret } from '../_lib/secrets.js';

/** Cache backends whose exports leave the machine (a `local` cache stays in a folder). */
const PUBLISHED_CACHE = new Set(['registry', 'gha', 's3', 'azblob']);

/** How a stage comes to hold a credential. */
interface Held {
  instr: Instruction;
  prop: Property;
  /** "a token", "an API key". */
  what: string;
  /** Written in the Dockerfile: the text (for masking only); else passed by the build. */
  literal: string | null;
  /** The build arg of this invocation that carries it. */
  arg: BuildArg | null;
  /** Where the credential comes in (the ARG or ENV another copies it from). */
  origin: Property;
}

/** The build args this invocation passes a value with (from the environment, or a value that is no placeholder). */
function passedArgs(inv: BuildInvocation): Map<string, BuildArg> {
  const out = new Map<string, BuildArg>();
  for (const a of inv.buildArgs) {
    const v = a.value;
    if (v !== null && certain(v) && (v.value.trim() === '' || isPlaceholder(v.value))) continue;
    out.set(a.name, a);
  }
  return out;
}

/** What an ARG/ENV property holds for this build, per secret-in-env-or-arg's judgement. */
function held(model: SemanticModel, instr: Instruction, prop: Property, passed: Map<string, BuildArg>, depth = 0): Held | null {
  const v = judgeProperty(model, instr, prop);
  if (v === null || depth > 4) return null;
  if (v.type === 'literal') return { instr, prop, what: v.what, literal: v.secret, arg: null, origin: prop };
  if (v.type === 'arg') {
    const arg = passed.get(v.from ? v.from.property.name : prop.name);
    return arg ? { instr, prop, what: v.what, literal: null, arg, origin: v.from?.property ?? prop } : null;
  }
  const from = held(model, v.of.instruction, v.of.property, passed, depth + 1);
  return from ? { ...from, instr, prop } : null;
}

/** The credentials the ARGs and ENVs of a stage hold, ENVs first (ONBUILD triggers run elsewhere). */
function secretsOf(model: SemanticModel, stage: Stage, passed: Map<string, BuildArg>): Held[] {
  const out: Held[] = [];
  for (const instr of stage.instructions) {
    if (instr.kind !== 'ARG' && instr.kind !== 'ENV') continue;
    for (const p of instr.properties) {
      const h = held(model, instr, p, passed);
      if (h) out.push(h);
    }
  }
  return out.sort((a, b) => (a.instr.kind === b.instr.kind ? 0 : a.instr.kind === 'ENV' ? -1 : 1));
}

const WRITE_OPS = new Set(['>', '>>', '>|', '&>', '&>>']);
/** Tools whose `config set` (or `config`) writes a credential into a config file, and that file's names. */
const CONFIG_FILES: Record<string, { sub: string[]; files: string[] }> = {
  npm: { sub: ['config', 'set'], files: ['.npmrc'] },
  pnpm: { sub: ['config', 'set'], files: ['.npmrc'] },
  yarn: { sub: ['config', 'set'], files: ['.yarnrc', '.yarnrc.yml'] },
  pip: { sub: ['config', 'set'], files: ['pip.conf', 'pip.ini'] },
  poetry: { sub: ['config'], files: ['auth.toml', 'config.toml'] },
  composer: { sub: ['config'], files: ['auth.json', 'config.json'] },
  bundle: { sub: ['config'], files: ['config'] },
  git: { sub: ['config'], files: ['.gitconfig', 'config'] },
};

const base = (p: string) => p.replace(/\/+$/, '').split('/').pop() ?? p;

/** What a command that mentions the credential writes to disk, or null. */
function writes(cmd: ShellCommand, ref: RegExp): { files: string[]; paths: string[] } | null {
  for (const r of cmd.redirects) {
    if (!WRITE_OPS.has(r.op) || (r.fd !== null && r.fd !== '1')) continue;
    const t = r.target?.value;
    if (t && !t.startsWith('/dev/')) return { files: [base(t)], paths: [t] };
  }
  const name = cmd.name.value;
  if (name === null) return null;
  const words = cmd.args.map((a) => a.value);
  const conf = CONFIG_FILES[name];
  if (conf && conf.sub.every((s, i) => words[i] === s) && !words.some((w) => w === '--unset' || w === 'delete' || w === '--unset-all')) {
    return { files: conf.files, paths: [] };
  }
  // `git clone https://$TOKEN@host/repo` keeps the URL, token included, in .git/config.
  if (name === 'git' && words[0] === 'clone' && cmd.args.some((a) => /:\/\/[^/\s]*$/.test(a.raw.split(ref)[0] ?? '') && ref.test(a.raw))) {
    const positional = cmd.args.slice(1).filter((a) => a.value !== null && !a.value.startsWith('-'));
    const dir = positional.length >= 2 ? positional[positional.length - 1].value! : null;
    return { files: ['.git', 'config'], paths: dir ? [dir] : [] };
  }
  return null;
}

/** A later `rm` in the same RUN removes what was written. */
function removedLater(rest: ShellCommand[], w: { files: string[]; paths: string[] }): boolean {
  return rest.some(
    (c) => (c.name.value === 'rm' || c.name.value === 'shred') && c.args.some((a) => a.value !== null && (w.paths.includes(a.value) || w.files.includes(base(a.value)))),
  );
}

/** The RUN after the declaration, in the same stage, that writes the variable's value into a file the layer keeps. */
function runWriting(model: SemanticModel, stage: Stage, decl: Instruction, name: string): Instruction | null {
  const ref = new RegExp(`\\$\\{?${name.replace(/[^A-Za-z0-9_]/g, '')}(?![A-Za-z0-9_])`);
  for (const instr of stage.instructions) {
    if (instr.kind !== 'RUN' || instr.index <= decl.index) continue;
    const script = model.shellOf(instr);
    if (script === null) continue;
    const cmds = script.commands;
    for (let i = 0; i < cmds.length; i++) {
      const cmd = cmds[i];
      // A single-quoted word does not expand the variable.
      if (!cmd.args.some((a) => !a.raw.startsWith("'") && ref.test(a.raw))) continue;
      const w = writes(cmd, ref);
      if (w && !removedLater(cmds.slice(i + 1), w)) return instr;
    }
  }
  return null;
}

function secretAdvice(inv: BuildInvocation, name: string): string {
  const id = secretId(name);
  const mount = `\`RUN --mount=type=secret,id=${id},env=${name}\``;
  switch (inv.kind) {
    case 'compose-service':
      return `Pass it under \`build.secrets\` and read it with ${mount} instead.`;
    case 'bake-target':
      return `Pass it with \`secret = ["id=${id},env=${name}"]\` and read it with ${mount} instead.`;
    case 'github-build-push-action':
      return `Pass it with the \`secrets\` input (\`${id}=...\`) and read it with ${mount} instead.`;
    default:
      return `Pass it with \`--secret id=${id},env=${name}\` and read it with ${mount} instead.`;
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export default defineBuildRule({
  meta: {
    id: 'build-secret-in-cached-stage',
    summary: 'Report builds that push or export as cache a stage holding a credential',
    category: 'security',
    severity: 'error',
    fix: 'none',
    sources: [],
    onbuild: false,
    needsShell: true,
    appliesTo: 'builds',
  },
  messages: {
    pushedEnv:
      '{{subject}} is in the config of the image this build pushes{{image}}: ENV {{name}} in stage {{stage}} ({{dockerfile}}:{{line}}). Anyone who can pull the image reads it with `docker inspect`. {{advice}}',
    pushedArg:
      '{{subject}} is in the history of the image this build pushes{{image}}: ARG {{name}} in stage {{stage}} ({{dockerfile}}:{{line}}) is recorded with every RUN after it. Anyone who can pull the image reads it with `docker history`. {{advice}}',
    cachedFile:
      '{{subject}} is written into a file by the RUN on line {{runLine}} of {{dockerfile}} (stage {{stage}}), and this build exports that stage as cache (`{{cache}}`): anyone who can read the cache gets it. {{advice}}',
  },
  create(ctx) {
    const reported = new Set<string>();
    return {
      invocation(inv) {
        const res = resolveBuild(ctx, inv);
        if (res === null || !graphIsCertain(res.model)) return;
        const { info, model, target } = res;
        const pushes = inv.push.filter((p) => p.value === true);
        const exports = inv.cacheTo.filter((e) => certain(e) && PUBLISHED_CACHE.has(e.spec.type));
        if (pushes.length === 0 && exports.length === 0) return;
        const passed = passedArgs(inv);
        const dockerfile = shownPath(ctx, info.path);
        const tag = inv.tags.find((t) => certain(t));
        const image = tag ? ` (${tag.value})` : '';
        const pushAt = pushes.find((p) => p.file.path === ctx.file.path)?.range ?? inv.nameRange;

        const report = (messageId: string, h: Held, stage: Stage, at: Range, extra: Record<string, string>, related: RelatedLocation[]) => {
          const range = h.arg && writtenHere(ctx, inv, h.arg) ? h.arg.range : at;
          // One finding per credential and place: an ENV that copies a build arg is the same credential.
          const key = `${range.start}:${h.origin.range.start}`;
          if (reported.has(key)) return;
          reported.add(key);
          const subject = h.arg
            ? `Build arg ${h.arg.name}, which carries ${h.what},`
            : `${capital(h.what)} set in the Dockerfile${shownSecret(h.literal ?? '')}`;
          ctx.report({
            messageId,
            data: {
              subject,
              image,
              name: h.prop.name,
              stage: stageName(stage),
              dockerfile,
              line: String(info.lines.positionAt(h.prop.range.start).line),
              advice: secretAdvice(inv, h.arg?.name ?? h.prop.name),
              ...extra,
            },
            range,
            related: [ctx.inDockerfile(info, h.prop.nameRange, `${h.instr.kind} ${h.prop.name} is declared here.`), ...related],
          });
        };

        // A pushed image holds the config and history of its stage and the stages it is built FROM.
        const inImage = new Set<Stage>(pushes.length > 0 ? chainOf(target.stage) : []);
        for (const stage of inImage) {
          for (const h of secretsOf(model, stage, passed)) {
            if (h.instr.kind === 'ENV') report('pushedEnv', h, stage, pushAt, {}, []);
            else if (stage.instructions.some((i) => i.kind === 'RUN' && i.index > h.instr.index)) report('pushedArg', h, stage, pushAt, {}, []);
          }
        }

        // A cache export holds layers (files), not config or history: a credential is published
        // only when a RUN writes it into a file of an exported stage.
        for (const e of exports) {
          const stages = e.spec.mode === 'max' ? model.stagesForTarget(target.stage) : new Set(chainOf(target.stage));
          const at = writtenHere(ctx, inv, e) ? e.range : inv.nameRange;
          for (const stage of stages) {
            for (const h of secretsOf(model, stage, passed)) {
              if (inImage.has(stage) && (h.instr.kind === 'ENV' || stage.instructions.some((i) => i.kind === 'RUN' && i.index > h.instr.index))) continue;
              const run = runWriting(model, stage, h.instr, h.prop.name);
              if (run === null) continue;
              report('cachedFile', h, stage, at, { cache: cacheText(e), runLine: String(info.lines.positionAt(run.range.start).line) }, [ctx.inDockerfile(info, run.range, `This RUN writes ${h.prop.name} into a file.`)]);
            }
          }
        }
      },
    };
  },
});

function cacheText(e: CacheEntry): string {
  return e.value.length > 80 ? `${e.value.slice(0, 77)}...` : e.value;
}
