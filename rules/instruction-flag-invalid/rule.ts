import { closest, defineRule, unquote, type Flag, type FlagOption, type Instruction } from '@stowage/core';
import {
  ALL_MOUNT_OPTIONS,
  BARE_MOUNT_OPTIONS,
  BUILDAH_MOUNT_OPTIONS,
  CACHE_ONLY_OPTIONS,
  FLAG_VALUES,
  FLAGLESS,
  GO_BOOLS,
  GO_DURATION,
  HEALTHCHECK_DURATIONS,
  INSTRUCTION_FLAGS,
  MOUNT_OPTIONS,
  MOUNT_TYPES,
  RAM_SIZE,
  SHARING_MODES,
  type MountType,
} from './flags.js';

/** Flags whose empty value BuildKit (and the legacy builder) treat as if the flag were not given. */
const EMPTY_IS_ABSENT = new Set(['from', 'chown', 'chmod', 'platform']);

export default defineRule({
  meta: {
    id: 'instruction-flag-invalid',
    summary: 'Disallow unknown, malformed, repeated or ill-valued instruction flags, including `--mount` options',
    category: 'correctness',
    severity: 'error',
    fix: 'safe',
    sources: [],
    onbuild: true,
  },
  messages: {
    unknownFlag: '{{instruction}} has no flag `--{{name}}`, so the build fails; it accepts {{accepted}}.',
    unknownFlagSuggest: '{{instruction}} has no flag `--{{name}}`, so the build fails; did you mean `--{{suggestion}}`?',
    wrongInstruction: '`--{{name}}` is a flag of {{owners}}, not of {{instruction}}; the build fails.',
    flagCase: 'Flag names are case-sensitive: `--{{name}}` is unknown, `--{{lower}}` is the flag.',
    malformed: '`--{{name}}` is not valid flag syntax: the value follows `=`, as in `--{{flag}}={{value}}`.',
    malformedNoValue: '`--{{name}}` is not valid flag syntax: the value follows `=` with no space, as in `--{{flag}}=<value>`.',
    noFlags: '{{instruction}} takes no flags; the build fails on `{{flag}}`.',
    missingValue: '`--{{name}}` needs a value, written `--{{name}}=<value>`.',
    emptyValue: '`--{{name}}=` is empty, which the build reads as no `--{{name}}` at all; give it a value or remove it.',
    emptyFrom: '`--from=` is empty, so this copies from the build context, as without the flag; name the stage or image to copy from.',
    invalidBool: "`--{{name}}` takes `true` or `false` (or no value), not '{{value}}'.",
    duplicateFlag: '`--{{name}}` is given twice; {{instruction}} accepts it only once.',
    invalidValue: "`--{{name}}={{value}}` is not valid; use one of {{allowed}}.",
    invalidDuration: '`--{{name}}={{value}}` is not a duration; give it a unit, such as `30s` or `1m30s`.',
    invalidRetries: '`--retries={{value}}` is not a whole number.',
    unknownMountType: "Mount type '{{value}}' does not exist; use one of bind, cache, tmpfs, secret, ssh.",
    unknownMountOption: "'{{key}}' is not a --mount option, so the build fails.",
    unknownMountOptionSuggest: "'{{key}}' is not a --mount option, so the build fails; did you mean '{{suggestion}}'?",
    buildahMountOption: "'{{key}}' is a Podman/Buildah mount option; BuildKit rejects it.",
    optionNotForType: "'{{key}}' does not apply to {{type}} mounts.",
    cacheOptionOnBind:
      "'{{key}}' does not apply to bind mounts, the default type; add `type=cache` if this is meant to be a cache mount.",
    optionNeedsValue: "Mount option '{{key}}' needs a value, written `{{key}}=<value>`.",
    invalidOptionValue: "'{{key}}={{value}}' is not valid: {{expected}}.",
    useEquals: 'Replace `:` with `=`',
    lowercase: 'Write `--{{lower}}`',
    useFlag: 'Replace with `--{{suggestion}}`',
    useWord: "Replace with '{{suggestion}}'",
  },
  create(ctx) {
    const { report } = ctx;

    function checkFlagless(instr: Instruction): void {
      if (instr.jsonForm) return;
      for (const arg of instr.args) {
        if (!arg.raw.startsWith('--') || arg.raw === '--') return;
        report({ messageId: 'noFlags', data: { instruction: instr.kind, flag: arg.raw }, range: arg.range });
      }
    }

    function checkUnknown(instr: Instruction, flag: Flag, table: Record<string, unknown>): void {
      const { name } = flag;
      const colon = name.indexOf(':');
      if (colon > 0 && name.slice(0, colon) in table) {
        const at = flag.nameRange.start + colon;
        const value = name.slice(colon + 1);
        // `--from: x`: the value is not after the colon; replacing it would leave an empty flag.
        report({
          messageId: value === '' ? 'malformedNoValue' : 'malformed',
          data: { name, flag: name.slice(0, colon), value },
          range: flag.range,
          fix: value === '' ? undefined : { messageId: 'useEquals', edits: [{ range: { start: at, end: at + 1 }, text: '=' }] },
        });
        return;
      }
      const lower = name.toLowerCase();
      if (lower in table) {
        report({
          messageId: 'flagCase',
          data: { name, lower },
          range: flag.nameRange,
          fix: { messageId: 'lowercase', data: { lower }, edits: [{ range: flag.nameRange, text: lower }] },
        });
        return;
      }
      const owners = Object.keys(INSTRUCTION_FLAGS).filter((k) => lower in INSTRUCTION_FLAGS[k]);
      if (owners.length > 0) {
        report({ messageId: 'wrongInstruction', data: { name, owners: owners.join(' and '), instruction: instr.kind }, range: flag.range });
        return;
      }
      const suggestion = closest(name, Object.keys(table));
      if (suggestion) {
        report({
          messageId: 'unknownFlagSuggest',
          data: { instruction: instr.kind, name, suggestion },
          range: flag.nameRange,
          suggestions: [{ messageId: 'useFlag', data: { suggestion }, applicability: 'unsafe', edits: [{ range: flag.nameRange, text: suggestion }] }],
        });
      } else {
        const accepted = Object.keys(table).map((f) => `\`--${f}\``).join(', ');
        report({ messageId: 'unknownFlag', data: { instruction: instr.kind, name, accepted }, range: flag.range });
      }
    }

    function checkValue(flag: Flag, value: string): void {
      const range = flag.valueRange ?? flag.range;
      const allowed = FLAG_VALUES[flag.name];
      if (allowed && value !== '' && !allowed.includes(value)) {
        report({ messageId: 'invalidValue', data: { name: flag.name, value, allowed: allowed.map((v) => `\`${v}\``).join(', ') }, range });
      } else if (HEALTHCHECK_DURATIONS.has(flag.name) && value !== '' && !GO_DURATION.test(value)) {
        report({ messageId: 'invalidDuration', data: { name: flag.name, value }, range });
      } else if (flag.name === 'retries' && value !== '' && !/^\+?\d+$/.test(value)) {
        report({ messageId: 'invalidRetries', data: { value }, range });
      } else if (flag.name === 'mount') {
        checkMount(flag);
      }
    }

    function checkMount(flag: Flag): void {
      // Quotes can hide commas and spaces from the option split; the options are then not reliable.
      if (!flag.value || /["']/.test(flag.value)) return;
      const typeOption = flag.options.find((o) => o.key.toLowerCase() === 'type');
      let type: MountType | null = 'bind';
      if (typeOption?.value != null) {
        const v = typeOption.value.toLowerCase();
        if (v.includes('$')) type = null;
        else if ((MOUNT_TYPES as readonly string[]).includes(v)) type = v as MountType;
        else {
          type = null;
          badWord(typeOption, 'unknownMountType', { value: typeOption.value }, MOUNT_TYPES);
        }
      }
      for (const option of flag.options) checkMountOption(option, type, typeOption === undefined);
    }

    function checkMountOption(option: FlagOption, type: MountType | null, defaultType: boolean): void {
      const key = option.key.toLowerCase();
      if (!ALL_MOUNT_OPTIONS.has(key)) {
        if (BUILDAH_MOUNT_OPTIONS.has(key)) {
          report({ messageId: 'buildahMountOption', data: { key: option.key }, range: option.range });
          return;
        }
        const suggestion = closest(key, ALL_MOUNT_OPTIONS);
        if (suggestion) {
          report({
            messageId: 'unknownMountOptionSuggest',
            data: { key: option.key, suggestion },
            range: option.keyRange,
            suggestions: [{ messageId: 'useWord', data: { suggestion }, applicability: 'unsafe', edits: [{ range: option.keyRange, text: suggestion }] }],
          });
        } else {
          report({ messageId: 'unknownMountOption', data: { key: option.key }, range: option.range });
        }
        return;
      }
      if (option.value === null) {
        if (!BARE_MOUNT_OPTIONS.has(key)) report({ messageId: 'optionNeedsValue', data: { key: option.key }, range: option.range });
        else if (key === 'required' && type !== null && !MOUNT_OPTIONS[type].has(key)) notForType(option, key, type, defaultType);
        return;
      }
      if (type !== null && !MOUNT_OPTIONS[type].has(key)) {
        notForType(option, key, type, defaultType);
        return;
      }
      const value = option.value;
      if (value.includes('$')) return; // expanded at build time
      const expected = expectedValue(key, value);
      if (expected) {
        if (key === 'sharing') badWord(option, 'invalidOptionValue', { key: option.key, value, expected }, SHARING_MODES);
        else report({ messageId: 'invalidOptionValue', data: { key: option.key, value, expected }, range: option.valueRange ?? option.range });
      }
    }

    function notForType(option: FlagOption, key: string, type: MountType, defaultType: boolean): void {
      const messageId = defaultType && CACHE_ONLY_OPTIONS.has(key) ? 'cacheOptionOnBind' : 'optionNotForType';
      report({ messageId, data: { key: option.key, type }, range: option.range });
    }

    /** Reports a value outside `allowed`, suggesting the closest allowed word. */
    function badWord(option: FlagOption, messageId: string, data: Record<string, string>, allowed: readonly string[]): void {
      const range = option.valueRange ?? option.range;
      const suggestion = closest(option.value ?? '', allowed);
      report({
        messageId,
        data,
        range,
        suggestions: suggestion
          ? [{ messageId: 'useWord', data: { suggestion }, applicability: 'unsafe', edits: [{ range, text: suggestion }] }]
          : undefined,
      });
    }

    return {
      instruction(instr) {
        if (!instr.known) return;
        if (FLAGLESS.has(instr.kind)) {
          checkFlagless(instr);
          return;
        }
        const table = INSTRUCTION_FLAGS[instr.kind];
        if (!table) return;
        // BuildKit never parses the flags of `HEALTHCHECK NONE`.
        if (instr.kind === 'HEALTHCHECK' && instr.args[0]?.value.toUpperCase() === 'NONE') return;
        const seen = new Set<string>();
        for (const flag of instr.flags) {
          const kind = table[flag.name];
          if (kind === undefined) {
            checkUnknown(instr, flag, table);
            continue;
          }
          if (kind !== 'repeatable') {
            if (seen.has(flag.name)) report({ messageId: 'duplicateFlag', data: { name: flag.name, instruction: instr.kind }, range: flag.range });
            seen.add(flag.name);
          }
          const value = flag.value === null ? null : unquote(flag.value, ctx.model.ast.escapeChar);
          if (kind === 'bool') {
            if (value !== null && value.toLowerCase() !== 'true' && value.toLowerCase() !== 'false') {
              report({ messageId: 'invalidBool', data: { name: flag.name, value }, range: value && flag.valueRange ? flag.valueRange : flag.range });
            }
          } else if (value === null) {
            report({ messageId: 'missingValue', data: { name: flag.name }, range: flag.range });
          } else if (value === '' && EMPTY_IS_ABSENT.has(flag.name)) {
            report({ messageId: flag.name === 'from' ? 'emptyFrom' : 'emptyValue', data: { name: flag.name }, range: flag.range });
          } else {
            checkValue(flag, value);
          }
        }
      },
    };
  },
});

/** What a mount option value must look like, or null when `value` is fine. */
function expectedValue(key: string, value: string): string | null {
  switch (key) {
    case 'sharing':
      return SHARING_MODES.includes(value.toLowerCase()) ? null : 'use shared, private or locked';
    case 'ro':
    case 'readonly':
    case 'rw':
    case 'readwrite':
    case 'required':
      return GO_BOOLS.has(value) ? null : 'use true or false';
    case 'mode':
      return /^[0-7]+$/.test(value) ? null : 'use an octal file mode such as 0644';
    case 'uid':
    case 'gid':
      return /^\d+$/.test(value) ? null : `use a numeric ${key}`;
    case 'size':
      return RAM_SIZE.test(value) ? null : 'use a size such as 64m or 1g';
    default:
      return null;
  }
}

