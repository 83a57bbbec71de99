import { defineRule, PLATFORM_ARGS, PREDEFINED_ARGS, type Instruction, type Property, type ShellScript } from '@stowage/core';
import { blockStart, cannotReadEnv, commandName, isWindowsStage, lineEndOf, mentions, ownsItsLines, refersTo, SHELL_NAMES, textOf } from '../_lib/layers.js';
import { leadingCommandsOf } from '../_lib/leading-commands.js';

/** Names whose value usually differs on every build (commit, date, build number, cache busters). */
const VOLATILE =
  /^((.*_)?(BUILD_?DATE|BUILD_?TIME(STAMP)?|BUILD_?NUMBER|BUILD_?ID|COMMIT(_?SHA|_?HASH|_?ID|_?REF)?|DOCKER_TAG|IMAGE_TAG|CACHE_?BUST(ER)?)|DATE|TIMESTAMP|(GIT|VCS|SCM|SOURCE|SRC)_(SHA|HASH|REF|REV|REVISION|COMMIT|DESCRIBE|VERSION|TAG)|GITHUB_(SHA|REF|RUN_ID|RUN_NUMBER)|CI_(COMMIT_[A-Z_]+|PIPELINE_[A-Z_]+|JOB_ID)|REVISION|RUN_?(ID|NUMBER)|PIPELINE_ID|JOB_ID|CACHEBUST_?[A-Z]*|TAG)$/i;
/** The app's own version (`VERSION`, `APP_VERSION`), not a tool's pinned version (`NODE_VERSION`). */
const OWN_VERSION = /^(VERSION|APP_VERSION|BUILD_VERSION|IMAGE_VERSION|RELEASE_VERSION|RELEASE|PROJECT_VERSION|PACKAGE_VERSION)$/i;

function isVolatile(name: string): boolean {
  if (/VERSION$|^RELEASE$/i.test(name)) return OWN_VERSION.test(name);
  return VOLATILE.test(name);
}

/** Set by BuildKit itself or kept out of the cache key: moving them gains nothing. */
function isPredefined(name: string): boolean {
  return PREDEFINED_ARGS.has(name) || name in PLATFORM_ARGS || /^BUILDKIT_/.test(name);
}

/**
 * How far below an ARG its use is looked for, in instructions. Real files move ARGs past a few
 * RUNs (at most 5 in the corpus and gold set); past this the rule says nothing.
 */
const MAX_SCAN = 200;

/** No script: `cannotReadEnv` reads one only for shells with -c, which are not asked here. */
const NO_SCRIPT: ShellScript = { commands: [], assignments: [], errors: [] };

const plural = (n: number) => (n === 1 ? '1 RUN' : `${n} RUNs`);

export default defineRule({
  meta: {
    id: 'arg-declared-too-early',
    summary: 'Declare a stage ARG just before its first use, not above RUNs that cannot read it',
    category: 'cache',
    severity: 'warn',
    fix: 'unsafe',
    sources: [],
    // A trigger's ARG is declared in the downstream build, where its RUNs are not known.
    onbuild: false,
    needsShell: true,
  },
  messages: {
    volatile:
      'ARG {{name}} usually changes on every build, and it is declared {{count}} before {{where}}: each new value reruns those RUNs although they cannot read it. Declare it just before line {{line}}.',
    labelOnly:
      'ARG {{name}} is only used by {{kind}} on line {{line}}, yet the {{count}} above rerun whenever its value changes (a build arg is in the cache key of every RUN after it). Declare it just before line {{line}}.',
    tooEarly:
      'ARG {{name}} is declared {{count}} before {{where}}: a new value reruns those RUNs too, although they cannot read it. Declare it just before line {{line}}.',
    moveDown: 'Move `ARG {{name}}` down to just before line {{line}}',
  },
  create(ctx) {
    const { model } = ctx;
    const lineOf = (i: Instruction) => model.lines.positionAt(i.range.start).line;

    /** The RUNs that provably cannot read `name`, and the instruction where `name` is (or may be) read. */
    function scan(list: Instruction[], textAt: (j: number) => string, from: number, name: string) {
      const blind: Instruction[] = [];
      for (let j = from; j < list.length; j++) {
        // Each ARG reads on below it: unbounded, a file of many ARGs and RUNs costs ARGs x RUNs.
        if (j - from >= MAX_SCAN) return null;
        const instr = list[j];
        const text = textAt(j);
        if (instr.kind === 'RUN') {
          if (mentions(text, name)) return { blind, stop: instr, uses: true };
          // A command at the plain start of its script that may read the name settles it without a
          // parse. A shell with -c is left to the parse: its inner commands decide.
          if (leadingCommandsOf(model, instr).some((c) => !SHELL_NAMES.has(commandName(c) ?? '') && !cannotReadEnv(c, NO_SCRIPT, name))) return { blind, stop: instr, uses: false };
          const script = model.shellOf(instr);
          const plain = !!script && script.errors.length === 0 && script.commands.length > 0 && script.commands.every((c) => cannotReadEnv(c, script, name));
          if (!plain) return { blind, stop: instr, uses: false };
          blind.push(instr);
          continue;
        }
        if (refersTo(text, name)) return { blind, stop: instr, uses: true };
        // Declared again: the ARG above is shadowed or re-set, an odd file that we leave alone.
        if ((instr.kind === 'ARG' || instr.kind === 'ENV') && instr.properties.some((p) => p.name === name)) return null;
      }
      return { blind, stop: null, uses: false };
    }

    function check(instr: Instruction, prop: Property, list: Instruction[], textAt: (j: number) => string, at: number): void {
      const name = prop.name;
      if (isPredefined(name)) return;
      // Only an ARG that something below names can be reported (see `users`): look before any parse.
      // A reference (`$NAME`) is a mention too: one look at the rest of the stage's text.
      if (at + 1 >= list.length || !mentions(model.text.slice(list[at + 1].range.start, list[list.length - 1].range.end), name)) return;
      const named = (j: number) => (list[j].kind === 'RUN' ? mentions(textAt(j), name) : refersTo(textAt(j), name));
      const found = scan(list, textAt, at + 1, name);
      if (!found || !found.stop || found.blind.length === 0) return;
      const { blind, stop } = found;
      // Only when the stage evidently uses the ARG somewhere below: an ARG nothing names may be
      // read implicitly, or be a cache buster placed there on purpose.
      const stopAt = list.indexOf(stop);
      const later = list.slice(stopAt);
      const users = later.filter((_, k) => named(stopAt + k));
      if (users.length === 0) return;

      const line = lineOf(stop);
      const labelOnly =
        found.uses &&
        users.every((i) => i.kind === 'LABEL' || i.kind === 'ENV') &&
        !later.some((i) => i.kind === 'RUN');
      const where = found.uses ? `its first use (line ${line})` : `line ${line}, the first RUN that may read it`;
      const messageId = labelOnly ? 'labelOnly' : isVolatile(name) ? 'volatile' : 'tooEarly';
      const data = { name, count: plural(blind.length), where, line, kind: stop.kind };

      ctx.report({
        messageId,
        data,
        range: prop.range,
        // Rarely changed values: a hint, not a warning.
        severity: messageId === 'tooEarly' ? 'info' : undefined,
        related: [
          { message: found.uses ? `First use of ${name}.` : `First RUN that may read ${name}.`, range: stop.range },
          ...blind.map((r) => ({ message: `Reruns when ${name} changes.`, range: r.range })),
        ],
        fix: moveFix(instr, stop, name, line) ?? undefined,
      });
    }

    function moveFix(instr: Instruction, stop: Instruction, name: string, line: number) {
      if (instr.properties.length !== 1 || !ownsItsLines(model, instr) || !ownsItsLines(model, stop)) return null;
      // The default must mean the same below: the variables it names must not change in between.
      const raw = instr.properties[0].rawValue;
      if (raw !== null) {
        const before = model.scopeAt(instr);
        const after = model.scopeAt(stop);
        for (const v of before.expand(raw).names) if (v !== name && before.binding(v) !== after.binding(v)) return null;
      }
      const from = blockStart(model, instr);
      const to = lineEndOf(model, instr.range.end);
      const insertAt = blockStart(model, stop);
      const text = model.text.slice(from, to);
      if (!/\n$/.test(text)) return null;
      return {
        messageId: 'moveDown',
        data: { name, line },
        edits: [
          { range: { start: from, end: to }, text: '' },
          { range: { start: insertAt, end: insertAt }, text },
        ],
      };
    }

    return {
      stage(stage) {
        if (isWindowsStage(model, stage)) return;
        const list = stage.instructions;
        if (!list.some((i) => i.kind === 'ARG')) return;
        // Each instruction's text, sliced once for all the stage's ARGs.
        const texts: (string | undefined)[] = [];
        const textAt = (j: number) => (texts[j] ??= textOf(model, list[j]));
        list.forEach((instr, at) => {
          if (instr.kind !== 'ARG') return;
          for (const prop of instr.properties) check(instr, prop, list, textAt, at);
        });
      },
    };
  },
});
