import type { RuleDefinition } from './types.js';

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

/** Declares a rule; checks its metadata once so mistakes show at load time, not in a user's run. */
export function defineRule<Options = Record<string, never>>(rule: RuleDefinition<Options>): RuleDefinition<Options> {
  const { meta, messages } = rule;
  if (!ID.test(meta.id)) throw new Error(`Rule id '${meta.id}' must be kebab-case '<thing>-<check>'.`);
  if (!meta.summary || meta.summary.includes('\n')) throw new Error(`Rule '${meta.id}' needs a one-line summary.`);
  if (Object.keys(messages).length === 0) throw new Error(`Rule '${meta.id}' has no messages.`);
  return rule;
}

/** Fills `{{name}}` placeholders, as ESLint messages do. */
export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (m, key: string) => (key in data ? String(data[key]) : m));
}
