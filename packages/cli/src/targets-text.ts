import type { InvocationKind } from '@stowage/builds';
import type { TargetJson } from './targets.js';

// The text form of `stowage targets`: one block per build, labels and values aligned.

const KIND: Record<InvocationKind, string> = {
  'compose-service': 'compose service',
  'shell-command': 'script',
  'makefile-recipe': 'make recipe',
  'github-build-push-action': 'build-push-action',
  'github-run': 'workflow run step',
  'gitlab-script': 'GitLab CI script',
  'bake-target': 'bake target',
};

/** A problem met reading a build file, as `stowage targets` shows it. */
export interface ProblemJson {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
}

/** The text listing: one block per build, labels and values aligned. */
export function formatTargets(rows: TargetJson[], problems: ProblemJson[]): string {
  const blocks = rows.map(formatBuild);
  const files = new Set(rows.map((r) => r.file)).size;
  let out = rows.length === 0 ? 'No builds found.\n' : `${blocks.join('\n')}\n${count(rows.length, 'build')} in ${count(files, 'file')}.\n`;
  if (problems.length > 0) {
    out += `\nProblems reading build files:\n`;
    for (const p of problems) out += `  ${p.file}:${p.line}:${p.column}  ${p.message}\n`;
  }
  return out;
}

function count(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

function formatBuild(r: TargetJson): string {
  const fields: Array<[string, string[]]> = [
    ['dockerfile', [r.dockerfileFound ? r.dockerfile : `${r.dockerfile} (not read: remote, unresolved or missing)`]],
    ['target', [targetText(r)]],
    ['stages', [r.stages === null ? 'unknown' : r.stages.join(', ')]],
    ['cache from', cacheFromLines(r)],
    ['cache to', r.cacheTo.length === 0 ? ['-'] : r.cacheTo.map((c) => c.value)],
    ['tags', [r.tags.length === 0 ? '-' : r.tags.join(', ')]],
    ['push', [r.push === false ? 'no' : `${r.push ? 'yes' : 'maybe'}: ${r.pushedBy.join(', ')}`]],
    ['builder', [r.legacyBuilder.length === 0 ? 'BuildKit' : `legacy: ${r.legacyBuilder.join(', ')}`]],
    ['clean runner', [rebuildText(r)]],
  ];
  const width = Math.max(...fields.map(([label]) => label.length));
  let out = `${r.file}:${r.line}  ${KIND[r.kind]}: ${r.name}\n`;
  for (const [label, values] of fields) {
    values.forEach((v, i) => (out += `  ${(i === 0 ? label : '').padEnd(width)}  ${v}`.trimEnd() + '\n'));
  }
  return out;
}

function targetText(r: TargetJson): string {
  if (r.target === null) return r.stage === null ? 'none (last stage)' : `none (last stage: ${r.stage})`;
  if (r.targetIssue === 'no-such-stage') return `${r.target} (no such stage)`;
  if (r.targetIssue === 'unresolved') return `${r.target} (unresolved)`;
  return r.target;
}

/** Each source with what writes it, the sources padded to one column. */
function cacheFromLines(r: TargetJson): string[] {
  if (r.cacheFrom.length === 0) return ['-'];
  const legacy = r.legacyBuilder.length > 0;
  const width = Math.max(...r.cacheFrom.map((c) => c.value.length));
  return r.cacheFrom.map((c) => {
    const providers = (c.providers ?? []).map((p) => {
      const stages = p.covers.length > 0 ? p.covers.join(', ') : 'stages unknown';
      if (p.via === 'export') return `exported by ${p.by} (mode=${p.mode}): ${stages}`;
      // The classic builder uses any image's layers; BuildKit only an image's cache metadata.
      if (legacy) return `pushed by ${p.by}: ${stages}`;
      return p.inline ? `pushed by ${p.by} (inline cache): ${stages}` : `pushed by ${p.by}, no inline cache: BuildKit finds none in it`;
    });
    if (c.providers === null) return c.value;
    return `${c.value.padEnd(width)}  ${providers.length === 0 ? 'nothing found writes it' : providers.join('; ')}`;
  });
}

function rebuildText(r: TargetJson): string {
  if (r.rebuilds === null) return 'unknown';
  if (r.noCache) return `rebuilds ${r.rebuilds.join(', ')} (no cache)`;
  if (r.rebuilds.length === 0) return 'all stages cached';
  return `rebuilds ${r.rebuilds.join(', ')}${r.cacheFrom.length === 0 ? ' (no cache source)' : ''}`;
}
