import { dirname, resolve } from 'node:path';
import type { Document, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { envVar, expandCompose, type Env } from '../expand.js';
import { emptyResult, guarded, invocationFile } from '../file.js';
import type { InvocationFile, ParseResult } from '../model.js';
import { analyzeSegment, newGroup } from '../shell.js';
import { asMap, deref, get, isScalar, isSeq, keyText, pairRange, pairsOf, parseYamlFile, scalarText } from '../yaml.js';
import { scalarSegment } from './ci-common.js';

export interface GitlabCiOptions {
  /** The repository root (`$CI_PROJECT_DIR`, where jobs run); default: the file's folder. */
  root?: string;
}

const RESERVED = new Set([
  'image', 'services', 'stages', 'types', 'before_script', 'after_script', 'variables', 'cache', 'include', 'default', 'workflow', 'spec',
]);

/** A job's keys after `extends:` (parents first, later ones and the job's own keys win; `variables` merge). */
interface JobView {
  keys: Map<string, Pair>;
  variables: Pair[];
}

/**
 * GitLab CI: each job's `before_script` (or the default one) and `script` lines, read in one shell,
 * then `after_script`; `variables:` (global and job, `$VAR` expanded) are its environment. `extends:`
 * (within the file), YAML anchors and `!reference [job, key]` in script lists are followed. Hidden
 * jobs (`.name`) are templates and are not read on their own. Needs `initShell()`.
 */
export function parseGitlabCi(text: string, filePath: string, options: GitlabCiOptions = {}): ParseResult {
  const path = resolve(filePath);
  const file = invocationFile(path, 'gitlab-ci', text);
  const result = emptyResult(file);
  return guarded(result, () => {
    const parsed = parseYamlFile(file);
    result.problems.push(...parsed.problems);
    const doc = parsed.doc;
    if (doc === null) return;
    const root = options.root !== undefined ? resolve(options.root) : dirname(path);
    const top = asMap(doc, doc.contents);
    if (top === null) return;
    const jobs = new Map<string, YAMLMap>();
    for (const p of pairsOf(doc, top)) {
      const k = keyText(p);
      const m = asMap(doc, p.value);
      if (k !== null && m !== null && !RESERVED.has(k)) jobs.set(k, m);
    }
    const views = new Map<string, JobView>();
    const view = (name: string, depth: number): JobView | null => {
      const cached = views.get(name);
      if (cached) return cached;
      const m = jobs.get(name);
      if (m === undefined || depth > 10) return null;
      const v: JobView = { keys: new Map(), variables: [] };
      const ext = get(doc, m, 'extends');
      const parents = isSeq(ext) ? ext.items.map((i) => scalarText(deref(doc, i), text)) : [scalarText(ext, text)];
      for (const parent of parents) {
        if (parent === null) continue;
        const pv = view(parent, depth + 1);
        if (pv === null) continue;
        for (const [k, p] of pv.keys) v.keys.set(k, p);
        v.variables.push(...pv.variables);
      }
      for (const p of pairsOf(doc, m)) {
        const k = keyText(p);
        if (k === null) continue;
        if (k === 'variables') {
          const vm = asMap(doc, p.value);
          if (vm) v.variables.push(...pairsOf(doc, vm));
        } else v.keys.set(k, p);
      }
      views.set(name, v);
      return v;
    };

    const globalVars = asMap(doc, get(doc, top, 'variables'));
    const globalEnv = readVariables(doc, globalVars ? pairsOf(doc, globalVars) : [], baseEnv(root), file);
    const defaults = asMap(doc, get(doc, top, 'default'));
    const defaultBefore = get(doc, defaults, 'before_script') ?? get(doc, top, 'before_script');
    const defaultAfter = get(doc, defaults, 'after_script') ?? get(doc, top, 'after_script');

    for (const name of jobs.keys()) {
      if (name.startsWith('.')) continue;
      const v = view(name, 0);
      if (v === null) continue;
      const scriptPair = v.keys.get('script');
      if (scriptPair === undefined) continue;
      const env = readVariables(doc, v.variables, globalEnv, file);
      const g = newGroup(file, 'gitlab-script', null, root, [root]);
      const details = { group: name };
      const before = v.keys.has('before_script') ? deref(doc, v.keys.get('before_script')!.value) : defaultBefore;
      const after = v.keys.has('after_script') ? deref(doc, v.keys.get('after_script')!.value) : defaultAfter;
      let fresh = true;
      for (const item of [...scriptItems(doc, before, view), ...scriptItems(doc, deref(doc, scriptPair.value), view)]) {
        analyzeSegment(g, scalarSegment(item, text, g, { fresh, env, cwd: [root], details }));
        fresh = false;
      }
      fresh = true;
      for (const item of scriptItems(doc, after, view)) {
        analyzeSegment(g, scalarSegment(item, text, g, { fresh, env, cwd: [root], details }));
        fresh = false;
      }
      result.invocations.push(...g.invocations);
      result.runs.push(...g.runs);
      result.problems.push(...g.problems);
    }
  });
}

function baseEnv(root: string): Env {
  return new Map([['CI_PROJECT_DIR', envVar(root)]]);
}

function readVariables(doc: Document, pairs: Pair[], outer: Env, file: InvocationFile): Env {
  const env: Env = new Map(outer);
  for (const p of pairs) {
    const name = keyText(p);
    if (name === null) continue;
    let v = deref(doc, p.value);
    let expand = true;
    const m = asMap(doc, v);
    if (m !== null) {
      v = get(doc, m, 'value');
      expand = scalarText(get(doc, m, 'expand'), file.text) !== 'false';
    }
    if (!isScalar(v)) continue;
    const raw = scalarText(v, file.text) ?? '';
    const x = expand ? expandCompose(raw.replace(/\$\$/g, '\u0000'), (n) => env.get(n)) : { value: raw, unresolved: [] };
    env.set(name, envVar(x.value.replace(/\u0000/g, '$'), pairRange(p), x.unresolved, file));
  }
  return env;
}

/** The scalars of a script list: nested lists flattened, `!reference [job, key]` followed. */
function scriptItems(doc: Document, node: Node | null, view: (name: string, depth: number) => JobView | null, depth = 0): Scalar[] {
  if (node === null || depth > 10) return [];
  if (isScalar(node)) return [node];
  if (!isSeq(node)) return [];
  if (node.tag === '!reference') {
    const path = node.items.map((i) => scalarText(deref(doc, i), ''));
    const [job, key] = path;
    if (!job || !key) return [];
    const v = view(job, 0);
    const p = v?.keys.get(key);
    return p ? scriptItems(doc, deref(doc, p.value), view, depth + 1) : [];
  }
  const out: Scalar[] = [];
  for (const it of node.items) out.push(...scriptItems(doc, deref(doc, it), view, depth + 1));
  return out;
}
