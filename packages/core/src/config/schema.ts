/**
 * JSON Schema (draft-07) of stowage configuration files, for editors (completion, hover, squiggles).
 *
 * The loader validates files by hand (for precise error messages); this schema describes the same shape.
 * Rule options are validated with each rule's own `optionsSchema`, which `configJsonSchema` embeds.
 */
import type { RuleInfo } from './load.js';

type Schema = Record<string, unknown>;

const severity: Schema = {
  description: 'Severity: "off" (0), "info" (shown, never fails a run), "warn" (1) or "error" (2).',
  enum: ['off', 'info', 'warn', 'error', 0, 1, 2],
};

function ruleSetting(optionsSchema: object = { type: 'object' }, description?: string): Schema {
  return {
    ...(description ? { description } : {}),
    anyOf: [
      { $ref: '#/definitions/severity' },
      {
        type: 'array',
        description: '[severity] or [severity, options]',
        items: [{ $ref: '#/definitions/severity' }, optionsSchema],
        minItems: 1,
        additionalItems: false,
      },
    ],
  };
}

const extendsEntry: Schema = {
  anyOf: [
    { enum: ['recommended', 'all'], description: 'A built-in preset.' },
    { type: 'string', pattern: '^(\\.\\.?/|/)', description: 'A config file, relative to this file.' },
  ],
};

const globs: Schema = {
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
};

/** Schema of a config file without per-rule details (any rule id, any options). */
export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'stowage configuration',
  type: 'object',
  additionalProperties: false,
  definitions: {
    severity,
    globs,
    rules: {
      description: 'Rule id (or hadolint/BuildKit code) to severity or [severity, options].',
      type: 'object',
      additionalProperties: ruleSetting(),
    } as Schema,
  },
  properties: {
    $schema: { type: 'string' },
    extends: {
      description:
        'Presets ("recommended", "all") and/or config files (paths starting with "./" or "../") applied before this file. Default: "recommended".',
      anyOf: [extendsEntry, { type: 'array', items: extendsEntry }],
    },
    rules: { $ref: '#/definitions/rules' },
    overrides: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['files'],
        properties: {
          files: { $ref: '#/definitions/globs', description: 'Globs relative to this config file.' },
          rules: { $ref: '#/definitions/rules' },
        },
      },
    },
    include: { $ref: '#/definitions/globs', description: 'Files to lint when given a directory.' },
    exclude: { $ref: '#/definitions/globs', description: 'Files never linted when given a directory.' },
    reportUnusedDisableDirectives: { $ref: '#/definitions/severity' },
  },
};

/** `configSchema` with one property per rule id and alias code, each with the rule's options schema. */
export function configJsonSchema(rules: readonly RuleInfo[]): Schema {
  const properties: Record<string, Schema> = {};
  const aliases = new Map<string, RuleInfo[]>();
  for (const rule of rules) {
    properties[rule.id] = ruleSetting(rule.optionsSchema, `Default: ${rule.defaultSeverity}.`);
    for (const { code } of rule.sources) aliases.set(code, [...(aliases.get(code) ?? []), rule]);
  }
  for (const [code, targets] of aliases) {
    if (code in properties) continue;
    const only = targets.length === 1 ? targets[0].optionsSchema : undefined;
    properties[code] = ruleSetting(only, `Alias of ${targets.map((r) => r.id).join(', ')}.`);
  }
  return {
    ...configSchema,
    definitions: {
      ...configSchema.definitions,
      rules: { ...configSchema.definitions.rules, properties, additionalProperties: false },
    },
  };
}

export const buildConfigSchema = configJsonSchema;
