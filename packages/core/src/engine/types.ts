import type { Instruction, InstructionKind } from '../syntax/ast.js';
import type { SemanticModel, Stage } from '../model/model.js';
import type { LineIndex, Range } from '../text.js';

/** `info` findings are shown but never fail a run (a hint: e.g. a leaf stage nothing is known to build). */
export type Severity = 'off' | 'info' | 'warn' | 'error';
export type FixKind = 'none' | 'safe' | 'unsafe';
export type Category = 'cache' | 'security' | 'correctness' | 'portability' | 'style';
export type Preset = 'recommended' | 'all';

/** An equivalent check in another tool; its code works as an alias in config and suppressions. */
export interface RuleSource {
  tool: 'hadolint' | 'buildkit';
  /** `DL3022` for hadolint, the rule name (`DuplicateStageName`) for BuildKit. */
  code: string;
}

export interface RuleMeta {
  /** Kebab-case `<thing>-<check>`; equals the rule's folder name. */
  id: string;
  /** One line, shown in tables, `explain` and hover. */
  summary: string;
  category: Category;
  /** Default severity in the `recommended` preset ('off' keeps the rule for the `all` preset only). */
  severity: Severity;
  /** The most a fix of this rule may be: the engine rejects a fix the rule did not declare. */
  fix: FixKind;
  sources: RuleSource[];
  /** Options the `all` preset sets (e.g. to report beyond the recommended scope). */
  presetOptions?: { all?: Record<string, unknown> };
  /**
   * What the rule lints: Dockerfiles (the default), or the files that build them (compose files,
   * scripts, CI workflows, bake files; see @stowage/builds).
   */
  appliesTo?: 'dockerfile' | 'builds';
  /** The rule applies to instructions inside ONBUILD triggers too. */
  onbuild: boolean;
  /**
   * The rule reads `model.shellOf()`: callers load the shell parser (`initShell()`) only when an
   * enabled rule says so, which keeps a one-file run from paying for it.
   */
  needsShell?: boolean;
}

export interface TextEdit {
  range: Range;
  text: string;
}

export interface Fix {
  /** What the fix does, e.g. "Replace `--from=0` with `--from=builder`". */
  title: string;
  applicability: 'safe' | 'unsafe';
  edits: TextEdit[];
}

export interface RelatedLocation {
  message: string;
  range: Range;
  /** Another file (e.g. the Dockerfile a compose service builds); absent: the linted file. */
  file?: { path: string; lines: LineIndex };
}

export interface Diagnostic {
  /** Null for problems that no rule reports: syntax errors, unused suppressions. */
  ruleId: string | null;
  messageId: string | null;
  message: string;
  severity: Exclude<Severity, 'off'>;
  range: Range;
  fix?: Fix;
  suggestions?: Fix[];
  related?: RelatedLocation[];
  /** Nothing in the file could be linted. */
  fatal?: boolean;
  /** A rule threw; the message says where. */
  internal?: boolean;
}

export interface FixInput {
  /** Key into the rule's messages, used as the fix title. */
  messageId: string;
  data?: Record<string, string | number>;
  /** Defaults to the rule's declared fix kind. */
  applicability?: 'safe' | 'unsafe';
  edits: TextEdit[];
}

export interface ReportInput {
  messageId: string;
  data?: Record<string, string | number>;
  range: Range;
  /** Lowers this finding below the rule's configured severity (never raises it). */
  severity?: 'info' | 'warn';
  fix?: FixInput;
  suggestions?: FixInput[];
  related?: RelatedLocation[];
}

/** The build context on disk: by default the Dockerfile's folder. Paths are relative to `root`. */
export interface BuildContext {
  readonly root: string;
  isFile(path: string): boolean;
  isDirectory(path: string): boolean;
  /** Entry names of a folder, or null when it is not one. */
  list(path: string): string[] | null;
  /** A file's text (at most `maxBytes`), or null when it cannot be read. */
  read(path: string, maxBytes?: number): string | null;
}

/** What is known of how this Dockerfile is built (compose files, scripts, CI workflows, bake files). */
export interface BuildsInfo {
  /** Invocations found that build this file. */
  invocations: number;
  /** Lower-cased stage names that some invocation builds with a target. */
  targets: ReadonlySet<string>;
}

export interface RuleContext<Options> {
  readonly model: SemanticModel;
  readonly text: string;
  /** The linted file's path (`Dockerfile` for stdin without --stdin-filename). */
  readonly filePath: string;
  readonly options: Options;
  /** The build context, or null when it is unknown (stdin, unsaved editor buffers): rules must then not guess. */
  readonly buildContext: BuildContext | null;
  /** How the file is built, or null when no invocations were looked for. */
  readonly builds: BuildsInfo | null;
  report(input: ReportInput): void;
}

export type InstructionVisitor = (instr: Instruction, stage: Stage | null) => void;

export type Visitors = Partial<Record<InstructionKind, InstructionVisitor>> & {
  /** Every instruction, before its kind's visitor. */
  instruction?: InstructionVisitor;
  /** A stage starts (called before the FROM visitor). */
  stage?: (stage: Stage) => void;
  /** A stage's last instruction was visited. */
  stageExit?: (stage: Stage) => void;
  fileExit?: () => void;
};

export interface OptionsSpec<Options> {
  /** JSON Schema of the options object (used for config validation and editor completion). */
  schema: Record<string, unknown>;
  defaults: Options;
}

export interface RuleDefinition<Options = Record<string, never>> {
  meta: RuleMeta;
  messages: Record<string, string>;
  options?: OptionsSpec<Options>;
  create(context: RuleContext<Options>): Visitors;
}

// eslint-style erasure for registries holding rules with different option types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = RuleDefinition<any>;
