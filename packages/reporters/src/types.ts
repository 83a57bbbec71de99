/** ESLint-style report of one file: plain JSON, as sent back by workers and printed by `--format json`. */
export interface FileReport {
  filePath: string;
  messages: LintMessage[];
  errorCount: number;
  warningCount: number;
  /** Hints (severity 0): shown, never counted against --max-warnings, never failing a run. */
  infoCount: number;
  /** Problems the `--fix` option would fix (safe fixes only). */
  fixableErrorCount: number;
  fixableWarningCount: number;
  /** The fixed text, when fixes were computed without writing (dry run, stdin). */
  output?: string;
}

/** 1-based lines and columns; the end is exclusive. */
export interface Location {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface LintMessage extends Location {
  ruleId: string | null;
  /** Which of the rule's messages, as ESLint reports it (absent for syntax errors and directives). */
  messageId?: string;
  /** 0 info (a hint), 1 warning, 2 error. */
  severity: 0 | 1 | 2;
  message: string;
  fatal?: boolean;
  fix?: MessageFix;
  suggestions?: MessageSuggestion[];
  related?: RelatedMessage[];
}

/** One edit of the linted text (without a leading BOM): UTF-16 offsets, half-open. */
export interface EditJson {
  range: [number, number];
  text: string;
}

export interface MessageFix extends EditJson {
  title: string;
  applicability: 'safe' | 'unsafe';
}

export interface MessageSuggestion {
  desc: string;
  fix: EditJson;
  applicability: 'safe' | 'unsafe';
}

export interface RelatedMessage extends Location {
  message: string;
  /** Set when the location is in another file than the report's. */
  filePath?: string;
}
