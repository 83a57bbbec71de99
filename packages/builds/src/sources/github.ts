import { dirname, resolve, sep } from 'node:path';
import type { Range } from '@stowage/core';
import type { Document, Pair, YAMLMap } from 'yaml';
import { envVar, expandGithub, type Env } from '../expand.js';
import { emptyResult, guarded, invocationFile } from '../file.js';
import type {
  BakeOverride,
  BuildArg,
  BuildInvocation,
  CacheEntry,
  InvocationFile,
  ParseResult,
  PathSetting,
  PushSignal,
  Setting,
  Unresolved,
} from '../model.js';
import { contextSetting, dockerfileSetting, resolveAgainst, workflowRoot } from '../paths.js';
import { analyzeSegment, newGroup, parseOverride, type ShellGroup } from '../shell.js';
import { asMap, deref, get, getPair, isScalar, isSeq, keyText, nodeRange, pairRange, pairsOf, parseYamlFile, scalarText } from '../yaml.js';
import { scalarSegment } from './ci-common.js';
import { buildArgFromLine, cacheEntry, keyRangeOf, lineSettings, scalarSetting, splitCommas, type Interpolate } from './yaml-settings.js';

export interface GithubWorkflowOptions {
  /** The repository root (the workspace steps run in); default: the folder holding `.github/`. */
  root?: string;
}


const POSIX_SHELLS = /^(?:bash|sh)\b/;

/**
 * GitHub Actions workflow: `docker/build-push-action` steps (`with:` inputs `context`, `file`,
 * `target`, `cache-from`, `cache-to`, `push`, `tags`, `build-args`, `outputs`, `no-cache`; list inputs
 * one entry per line, each with its range), `docker/bake-action` steps as bake runs, and `run:` steps
 * read as shell with the workflow's, job's and step's `env:` and working directory. `${{ env.X }}`
 * resolves from static `env:` values and `${{ github.workspace }}` to the root; any other expression
 * is unresolved. Builds of one job share
 * push/tag linking (a `docker push` in a later step). Needs `initShell()`.
 */
export function parseGithubWorkflow(text: string, filePath: string, options: GithubWorkflowOptions = {}): ParseResult {
  const path = resolve(filePath);
  const file = invocationFile(path, 'github-actions', text);
  const result = emptyResult(file);
  return guarded(result, () => {
    const parsed = parseYamlFile(file);
    result.problems.push(...parsed.problems);
    const doc = parsed.doc;
    if (doc === null) return;
    const root = options.root !== undefined ? resolve(options.root) : workflowRoot(path);
    const top = asMap(doc, doc.contents);
    const jobs = asMap(doc, get(doc, top, 'jobs'));
    if (jobs === null) return;
    const known = new Map([['github.workspace', root]]);
    const wfEnv = readEnv(doc, asMap(doc, get(doc, top, 'env')), new Map(), file);
    const wfDefaults = runDefaults(doc, top, file);
    for (const jobPair of pairsOf(doc, jobs)) {
      const jobId = keyText(jobPair);
      const job = asMap(doc, jobPair.value);
      if (jobId === null || job === null) continue;
      const jobEnv = readEnv(doc, asMap(doc, get(doc, job, 'env')), wfEnv, file);
      const jobDefaults = { ...wfDefaults, ...runDefaults(doc, job, file) };
      const runsOn = scalarText(get(doc, job, 'runs-on'), text) ?? '';
      const windows = /windows/i.test(runsOn);
      const g = newGroup(file, 'github-run', null, root, [root]);
      const steps = get(doc, job, 'steps');
      if (!isSeq(steps)) continue;
      for (const item of steps.items) {
        const step = asMap(doc, item);
        if (step === null) continue;
        const stepEnv = readEnv(doc, asMap(doc, get(doc, step, 'env')), jobEnv, file);
        const stepName = scalarText(get(doc, step, 'name'), text) ?? scalarText(get(doc, step, 'id'), text) ?? undefined;
        const details = stepName !== undefined ? { group: jobId, step: stepName } : { group: jobId };
        const uses = getPair(doc, step, 'uses');
        const usesValue = uses ? (scalarText(deref(doc, uses.value), text) ?? '') : '';
        const interpolate: Interpolate = (s) => expandGithub(s, stepEnv, undefined, known);
        if (/^docker\/build-push-action@/.test(usesValue)) {
          const inv = buildPushAction(doc, step, uses!, file, interpolate, root, details);
          g.invocations.push(inv);
          continue;
        }
        if (/^docker\/bake-action(?:\/[^@]*)?@/.test(usesValue)) {
          bakeAction(doc, step, uses!, file, interpolate, root, g);
          continue;
        }
        const run = getPair(doc, step, 'run');
        const runNode = run ? deref(doc, run.value) : null;
        if (!isScalar(runNode)) continue;
        const shell = scalarText(get(doc, step, 'shell'), text) ?? jobDefaults.shell ?? (windows ? 'pwsh' : 'bash');
        if (!POSIX_SHELLS.test(shell)) continue;
        const wd = scalarText(get(doc, step, 'working-directory'), text) ?? jobDefaults.workingDirectory ?? null;
        const wdx = wd === null ? null : interpolate(wd);
        const cwd = wdx === null ? [root] : resolveAgainst(wdx.value, [root], wdx.unresolved.length > 0);
        const shellEnv: Env = new Map(stepEnv);
        if (!shellEnv.has('GITHUB_WORKSPACE')) shellEnv.set('GITHUB_WORKSPACE', envVar(root));
        const seg = scalarSegment(runNode, text, g, {
          fresh: true,
          env: shellEnv,
          cwd,
          cwdUnknown: cwd.length === 0 ? `working-directory: ${wd}` : undefined,
          details,
          mask: true,
          pre: (raw, opaque) => expandGithub(raw, stepEnv, opaque, known).value,
        });
        analyzeSegment(g, seg);
      }
      result.invocations.push(...g.invocations);
      result.runs.push(...g.runs);
      result.problems.push(...g.problems);
    }
  });
}

function runDefaults(doc: Document, node: YAMLMap | null, file: InvocationFile): { workingDirectory?: string; shell?: string } {
  const run = asMap(doc, get(doc, asMap(doc, get(doc, node, 'defaults')), 'run'));
  const out: { workingDirectory?: string; shell?: string } = {};
  const wd = scalarText(get(doc, run, 'working-directory'), file.text);
  const sh = scalarText(get(doc, run, 'shell'), file.text);
  if (wd !== null) out.workingDirectory = wd;
  if (sh !== null) out.shell = sh;
  return out;
}

/** An `env:` map on top of the outer environment; values may use `${{ env.X }}` of the outer levels. */
function readEnv(doc: Document, map: YAMLMap | null, outer: Env, file: InvocationFile): Env {
  if (map === null) return outer;
  const env: Env = new Map(outer);
  for (const p of pairsOf(doc, map)) {
    const name = keyText(p);
    const v = deref(doc, p.value);
    if (name === null || !isScalar(v)) continue;
    const x = expandGithub(scalarText(v, file.text) ?? '', outer);
    env.set(name, envVar(x.value, pairRange(p), x.unresolved, file));
  }
  return env;
}

function buildPushAction(
  doc: Document,
  step: YAMLMap,
  uses: Pair,
  file: InvocationFile,
  interpolate: Interpolate,
  root: string,
  details: { group: string; step?: string },
): BuildInvocation {
  const nameRange = nodeRange(uses.value) ?? nodeRange(uses.key) ?? { start: 0, end: 0 };
  const range = nodeRange(step) ?? nameRange;
  const withMap = asMap(doc, get(doc, step, 'with'));
  const unresolved: Unresolved[] = [];
  const note = (s: Setting, setting: string) => {
    for (const u of s.unresolved) unresolved.push({ text: u, range: s.range, setting });
  };
  const input = (name: string): { pair: Pair; setting: Setting } | null => {
    const p = getPair(doc, withMap, name);
    if (p === null) return null;
    const s = scalarSetting(deref(doc, p.value), keyRangeOf(p), file, interpolate);
    if (s === null) return null;
    return { pair: p, setting: s };
  };
  const lines = (name: string, commas: boolean): Setting[] => {
    const p = getPair(doc, withMap, name);
    if (p === null) return [];
    const out: Setting[] = [];
    for (const s of lineSettings(deref(doc, p.value), keyRangeOf(p), file, interpolate)) {
      for (const part of commas ? splitCommas(s, interpolate) : [s]) {
        note(part, name);
        out.push(part);
      }
    }
    return out;
  };
  const ctxIn = input('context');
  if (ctxIn) note(ctxIn.setting, 'context');
  // The default context is the repository at the workflow's ref (the workspace's content).
  const context: PathSetting =
    ctxIn === null || ctxIn.setting.value === '{{defaultContext}}'
      ? contextSetting(null, [root], nameRange)
      : contextSetting(ctxIn.setting, [root], nameRange);
  const fileIn = input('file');
  if (fileIn) note(fileIn.setting, 'file');
  // `file` is relative to the working directory (the workspace), not to the context.
  const dockerfile = dockerfileSetting(fileIn?.setting ?? null, context, [root], nameRange);
  const targetIn = input('target');
  if (targetIn) note(targetIn.setting, 'target');
  const cacheFrom: CacheEntry[] = lines('cache-from', false).map(cacheEntry);
  const cacheTo: CacheEntry[] = lines('cache-to', false).map(cacheEntry);
  const tags = lines('tags', true);
  const buildArgs: BuildArg[] = lines('build-args', false).map(buildArgFromLine);
  const push: PushSignal[] = [];
  const pushIn = input('push');
  if (pushIn) {
    note(pushIn.setting, 'push');
    const v = pushIn.setting.value.trim();
    if (pushIn.setting.unresolved.length > 0) push.push({ via: 'input', value: null, file, range: pushIn.setting.range });
    else if (/^true$/i.test(v)) push.push({ via: 'input', value: true, file, range: pushIn.setting.range });
  }
  for (const o of lines('outputs', false)) {
    if (/(?:^|,)type=registry(?:,|$)/.test(o.value) || (/(?:^|,)type=image(?:,|$)/.test(o.value) && /(?:^|,)push=true(?:,|$)/.test(o.value))) {
      push.push({ via: 'output', value: true, file, range: o.range });
    }
  }
  let noCache: Range | null = null;
  const nc = input('no-cache');
  if (nc && /^true$/i.test(nc.setting.value.trim())) noCache = pairRange(nc.pair);
  const stepLabel = details.step ?? 'docker/build-push-action';
  return {
    kind: 'github-build-push-action',
    tool: 'build-push-action',
    file,
    range,
    nameRange,
    name: stepLabel,
    details,
    context,
    dockerfile,
    target: targetIn?.setting ?? null,
    cacheFrom,
    cacheTo,
    buildArgs,
    tags,
    push,
    legacy: [],
    noCache,
    unresolved: unresolved.sort((a, b) => a.range.start - b.range.start),
    runs: [],
  };
}

function bakeAction(doc: Document, step: YAMLMap, uses: Pair, file: InvocationFile, interpolate: Interpolate, root: string, g: ShellGroup): void {
  const withMap = asMap(doc, get(doc, step, 'with'));
  const nameRange = nodeRange(uses.value) ?? { start: 0, end: 0 };
  const range = nodeRange(step) ?? nameRange;
  const lines = (name: string, commas: boolean): Setting[] => {
    const p = getPair(doc, withMap, name);
    if (p === null) return [];
    const out: Setting[] = [];
    for (const s of lineSettings(deref(doc, p.value), keyRangeOf(p), file, interpolate)) out.push(...(commas ? splitCommas(s, interpolate) : [s]));
    return out;
  };
  const files: PathSetting[] = lines('files', true).map((s) => {
    const c = resolveAgainst(s.value, [root], s.unresolved.length > 0);
    return { ...s, path: c[0] ?? null, candidates: c, defaulted: false };
  });
  const push: PushSignal[] = [];
  const pushPair = getPair(doc, withMap, 'push');
  const pushSetting = pushPair ? scalarSetting(deref(doc, pushPair.value), keyRangeOf(pushPair), file, interpolate) : null;
  if (pushSetting) {
    if (pushSetting.unresolved.length > 0) push.push({ via: 'run', value: null, file, range: pushSetting.range });
    else if (/^true$/i.test(pushSetting.value.trim())) push.push({ via: 'run', value: true, file, range: pushSetting.range });
  }
  const overrides: BakeOverride[] = [];
  for (const s of lines('set', false)) {
    const o = parseOverride(s, file);
    if (o) overrides.push(o);
  }
  g.runs.push({
    tool: 'bake',
    file,
    range,
    nameRange,
    files,
    cwd: [root],
    targets: lines('targets', true),
    push,
    legacy: [],
    overrides,
    command: 'bake',
  });
}
