/** BuildKit's build checks (`docker build --check`), as its ruleset names them. */
const BUILDKIT_CHECKS = [
  'StageNameCasing', 'FromAsCasing', 'NoEmptyContinuation', 'ConsistentInstructionCasing', 'DuplicateStageName', 'ReservedStageName',
  'JSONArgsRecommended', 'MaintainerDeprecated', 'UndefinedArgInFrom', 'WorkdirRelativePath', 'UndefinedVar', 'MultipleInstructionsDisallowed',
  'LegacyKeyValueFormat', 'InvalidBaseImagePlatform', 'RedundantTargetPlatform', 'SecretsUsedInArgOrEnv', 'InvalidDefaultArgInFrom',
  'FromPlatformFlagConstDisallowed', 'CopyIgnoredFile', 'InvalidDefinitionDescription', 'ExposeProtoCasing', 'ExposeInvalidFormat',
];

/**
 * What another linter's code is ("a hadolint rule"), or null when `name` is no such code. For
 * names that no stowage rule stands for: a did-you-mean on a code points at an unrelated rule
 * (DL3009 is one edit from DL3022).
 */
export function foreignCode(name: string): string | null {
  if (/^DL\d{4}$/i.test(name)) return 'a hadolint rule';
  if (/^SC\d{4}$/i.test(name)) return 'a ShellCheck rule (hadolint runs ShellCheck)';
  const check = BUILDKIT_CHECKS.find((c) => c.toLowerCase() === name.toLowerCase());
  return check ? `a BuildKit check (${check})` : null;
}
