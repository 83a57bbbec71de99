import { parse, type ParseOptions } from '../syntax/parse.js';
import type { Instruction } from '../syntax/ast.js';
import { buildModel, type SemanticModel, type Stage } from '../model/model.js';
import type { LineIndex } from '../text.js';
import { formatMessage } from './define.js';
import { aliasMap, applySuppressions } from './suppress.js';
import type { AnyRule, BuildContext, BuildsInfo, Diagnostic, Fix, FixInput, InstructionVisitor, ReportInput, Severity, Visitors } from './types.js';

export interface EnabledRule {
  rule: AnyRule;
  severity: Exclude<Severity, 'off'>;
  /** Options from config, merged over the rule's defaults by the caller (or defaults when omitted). */
  options?: unknown;
}

export interface LintOptions {
  filePath?: string;
  rules: EnabledRule[];
  /** Every known rule, so suppressions can name rules that are not enabled (defaults to `rules`). */
  knownRules?: readonly AnyRule[];
  reportUnusedDisableDirectives?: Severity;
  parse?: ParseOptions;
  buildContext?: BuildContext | null;
  builds?: BuildsInfo | null;
}

export interface LintResult {
  filePath: string;
  /** The linted text (a leading BOM removed). */
  text: string;
  lines: LineIndex;
  diagnostics: Diagnostic[];
  suppressed: Diagnostic[];
  model: SemanticModel;
}

class RuleFailure extends Error {}

const RANK = { info: 1, warn: 2, error: 3 } as const;

/** Whether any of these rules reads shells, so `initShell()` must be awaited before linting. */
export function needsShell(rules: readonly EnabledRule[]): boolean {
  return rules.some((r) => r.rule.meta.needsShell === true);
}

/** Lints one Dockerfile. Never throws for any input: problems come back as diagnostics. */
export function lint(source: string, options: LintOptions): LintResult {
  const filePath = options.filePath ?? 'Dockerfile';
  const { ast, lines } = parse(source, options.parse);
  const model = buildModel(ast, lines);
  const diagnostics: Diagnostic[] = ast.diagnostics.map((d) => ({
    ruleId: null,
    messageId: null,
    message: d.fatal ? d.message : `Syntax error: ${d.message}`,
    severity: 'error',
    range: d.range,
    ...(d.fatal ? { fatal: true } : {}),
  }));
  if (!ast.diagnostics.some((d) => d.fatal)) runRules(model, filePath, options, diagnostics);

  const known = options.knownRules ?? options.rules.map((r) => r.rule);
  const sup = applySuppressions(ast, diagnostics, aliasesFor(known), options.reportUnusedDisableDirectives ?? 'off');
  const out = [...sup.kept, ...sup.problems].sort(byPosition);
  return { filePath, text: ast.text, lines, diagnostics: out, suppressed: sup.suppressed, model };
}

const aliasCache = new WeakMap<readonly AnyRule[], Map<string, string[]>>();
function aliasesFor(rules: readonly AnyRule[]): Map<string, string[]> {
  let map = aliasCache.get(rules);
  if (!map) {
    map = aliasMap(rules);
    aliasCache.set(rules, map);
  }
  return map;
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start - b.range.start || a.range.end - b.range.end || (a.ruleId ?? '').localeCompare(b.ruleId ?? '');
}

interface Running {
  enabled: EnabledRule;
  visitors: Visitors;
  /** The visitors' keys: every rule's visitors object has its own shape, so `visitors[kind]` is a slow lookup. */
  keys: string[];
  failed: boolean;
}

function runRules(model: SemanticModel, filePath: string, options: LintOptions, out: Diagnostic[]): void {
  const running: Running[] = [];
  for (const enabled of options.rules) {
    // A rule over build invocations (compose files, scripts, workflows) has no Dockerfile visitors.
    if (enabled.rule.meta.appliesTo === 'builds') continue;
    const state: Running = { enabled, visitors: {}, keys: [], failed: false };
    const rule = enabled.rule;
    const context = {
      model,
      text: model.text,
      filePath,
      options: enabled.options ?? rule.options?.defaults ?? {},
      buildContext: options.buildContext ?? null,
      builds: options.builds ?? null,
      report: (input: ReportInput) => {
        out.push(toDiagnostic(rule, enabled.severity, input));
      },
    };
    try {
      state.visitors = rule.create(context);
      state.keys = Object.keys(state.visitors);
      running.push(state);
    } catch (error) {
      out.push(internalError(rule, error, { start: 0, end: 0 }));
    }
  }

  // A rule that throws is reported once and not called again. Visitors are called through
  // `invoke` with their arguments, not through a closure: this runs for every instruction and rule.
  const invoke = <A, B>(state: Running, fn: ((a: A, b: B) => void) | undefined, a: A, b: B, at: { start: number; end: number }) => {
    if (!fn || state.failed) return;
    try {
      fn.call(state.visitors, a, b);
    } catch (error) {
      state.failed = true;
      out.push(internalError(state.enabled.rule, error, at));
    }
  };
  // Per instruction kind, the visitors to call in rule order (each rule's `instruction` visitor
  // before its kind visitor), built on first use: most rules visit one or two kinds, so calling
  // every rule for every instruction was mostly no-op calls.
  type Call = { state: Running; fn: InstructionVisitor };
  const plain = new Map<string, Call[]>();
  const inTriggers = new Map<string, Call[]>();
  const callsFor = (kind: string, trigger: boolean): Call[] => {
    const cache = trigger ? inTriggers : plain;
    let calls = cache.get(kind);
    if (calls === undefined) {
      calls = [];
      for (const state of running) {
        if (trigger && !state.enabled.rule.meta.onbuild) continue;
        const v = state.visitors as Record<string, InstructionVisitor | undefined>;
        if (v.instruction) calls.push({ state, fn: v.instruction });
        const byKind = state.keys.includes(kind) ? v[kind] : undefined;
        if (byKind) calls.push({ state, fn: byKind });
      }
      cache.set(kind, calls);
    }
    return calls;
  };
  const visitInstruction = (instr: Instruction, stage: Stage | null) => {
    const calls = callsFor(instr.kind, instr.onbuild !== null);
    for (let i = 0; i < calls.length; i++) invoke(calls[i].state, calls[i].fn, instr, stage, instr.range);
    if (instr.trigger) visitInstruction(instr.trigger, stage);
  };

  let stage: Stage | null = null;
  const stageExit = () => {
    if (!stage) return;
    for (const state of running) invoke(state, state.visitors.stageExit, stage, undefined, stage.range);
  };
  for (const instr of model.ast.instructions) {
    if (instr.kind === 'FROM') {
      stageExit();
      stage = model.stageOf(instr);
      for (const state of running) if (stage) invoke(state, state.visitors.stage, stage, undefined, stage.range);
    }
    visitInstruction(instr, stage);
  }
  stageExit();
  for (const state of running) invoke(state, state.visitors.fileExit, undefined, undefined, { start: 0, end: 0 });
}

/**
 * Turns a rule's report into a diagnostic: formats the message, checks the fix against the rule's
 * declared fix kind, lowers the severity when asked. Throws when the rule broke its contract.
 */
export function toDiagnostic(rule: AnyRule, severity: Exclude<Severity, 'off'>, input: ReportInput): Diagnostic {
  const template = rule.messages[input.messageId];
  if (template === undefined) throw new RuleFailure(`reported unknown messageId '${input.messageId}'`);
  const d: Diagnostic = {
    ruleId: rule.meta.id,
    messageId: input.messageId,
    message: formatMessage(template, input.data),
    severity: input.severity && RANK[input.severity] < RANK[severity] ? input.severity : severity,
    range: input.range,
  };
  if (input.fix) d.fix = toFix(rule, input.fix, 'fix');
  if (input.suggestions?.length) d.suggestions = input.suggestions.map((s) => toFix(rule, s, 'suggestion'));
  if (input.related?.length) d.related = input.related;
  return d;
}

function toFix(rule: AnyRule, input: FixInput, what: 'fix' | 'suggestion'): Fix {
  const declared = rule.meta.fix;
  const applicability = input.applicability ?? (declared === 'safe' ? 'safe' : 'unsafe');
  if (what === 'fix') {
    if (declared === 'none') throw new RuleFailure(`reported a fix but declares meta.fix 'none'`);
    if (declared === 'safe' && applicability === 'unsafe') throw new RuleFailure(`reported an unsafe fix but declares meta.fix 'safe'`);
  }
  const template = rule.messages[input.messageId];
  if (template === undefined) throw new RuleFailure(`fix uses unknown messageId '${input.messageId}'`);
  for (const e of input.edits) {
    if (!(e.range.start >= 0 && e.range.end >= e.range.start)) throw new RuleFailure(`fix has an invalid range`);
  }
  return { title: formatMessage(template, input.data), applicability, edits: input.edits };
}

/** The diagnostic for a rule that threw. */
export function internalError(rule: AnyRule, error: unknown, range: { start: number; end: number }): Diagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    ruleId: rule.meta.id,
    messageId: null,
    message: `Internal error in rule '${rule.meta.id}': ${reason}. Please report this with the Dockerfile.`,
    severity: 'error',
    range,
    internal: true,
  };
}
