import type { Instruction, InstructionKind } from '../syntax/ast.js';
import type { SemanticModel, Stage } from '../model/model.js';
import type { Range } from '../text.js';

export type Severity = 'off' | 'warn' | 'error';
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
  fix?: FixInput;
  suggestions?: FixInput[];
  related?: RelatedLocation[];
}

export interface RuleContext<Options> {
  readonly model: SemanticModel;
  readonly text: string;
  /** The linted file's path (`Dockerfile` for stdin without --stdin-filename). */
  readonly filePath: string;
  readonly options: Options;
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
