import type { Range } from '../text.js';

/** A word of source text: `raw` is as written, `value` has quotes and escapes removed. */
export interface Word {
  raw: string;
  value: string;
  range: Range;
}

/** One `key=value` part of a flag value such as `--mount=type=cache,target=/x`. */
export interface FlagOption {
  key: string;
  value: string | null;
  range: Range;
  keyRange: Range;
  valueRange: Range | null;
}

export interface Flag {
  type: 'Flag';
  /** Name without the leading dashes, as written (may be malformed, e.g. `from:build`). */
  name: string;
  /** Value after `=`, or null when there is no `=`. */
  value: string | null;
  range: Range;
  nameRange: Range;
  valueRange: Range | null;
  /** Comma-separated `key=value` options of the value (empty when the value has none). */
  options: FlagOption[];
}

export interface Heredoc {
  type: 'Heredoc';
  /** Delimiter name, e.g. `EOF`. */
  name: string;
  /** The `<<EOF` / `<<-EOF` word. */
  range: Range;
  /** Body between the opening line and the closing delimiter (may be empty). */
  content: string;
  contentRange: Range | null;
  /** The closing delimiter line, when present. */
  delimiterRange: Range | null;
}

/** `key=value` of ARG, ENV and LABEL (legacy `ENV key value` gives one property). */
export interface Property {
  name: string;
  nameRange: Range;
  /** Unquoted value, or null for `ARG NAME` without a default. */
  value: string | null;
  /** Raw value as written, with quotes. */
  rawValue: string | null;
  valueRange: Range | null;
  range: Range;
}

export interface Comment {
  type: 'Comment';
  /** Text after `#`, trimmed. */
  text: string;
  range: Range;
}

export interface Directive {
  type: 'Directive';
  /** Lower-cased name: `syntax`, `escape`, `check`. */
  name: string;
  value: string;
  range: Range;
  nameRange: Range;
  valueRange: Range;
}

export const KNOWN_INSTRUCTIONS = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
] as const;
export type InstructionKind = (typeof KNOWN_INSTRUCTIONS)[number];

export interface Instruction {
  type: 'Instruction';
  /** Upper-cased keyword (`RUN`); for unknown words, the word upper-cased. */
  kind: string;
  known: boolean;
  /** The keyword as written. */
  keyword: Word;
  /** Whole instruction including continuation lines and heredoc bodies. */
  range: Range;
  flags: Flag[];
  /** Arguments after the flags, split into words (heredoc bodies excluded). */
  args: Word[];
  /** Range of everything after the flags (heredoc bodies included), or null when empty. */
  argsRange: Range | null;
  /** JSON (exec) form: `["a", "b"]`; `args` then hold the JSON strings. */
  jsonForm: boolean;
  heredocs: Heredoc[];
  /** ARG/ENV/LABEL key-value pairs. */
  properties: Property[];
  /** For ONBUILD: the trigger instruction, unwrapped (its `onbuild` points back here). */
  trigger: Instruction | null;
  /** For a trigger: the ONBUILD instruction that holds it. */
  onbuild: Instruction | null;
  /** Position in file order among top-level instructions (triggers share their ONBUILD's). */
  index: number;
  /** Set when this instruction could not be read fully; rules still see what was read. */
  broken?: string;
}

export interface ParseDiagnostic {
  message: string;
  range: Range;
  /** `fatal` means nothing in the file could be linted (binary, too large, unreadable). */
  fatal: boolean;
}

export interface DockerfileAst {
  type: 'Dockerfile';
  text: string;
  range: Range;
  instructions: Instruction[];
  comments: Comment[];
  directives: Directive[];
  escapeChar: string;
  diagnostics: ParseDiagnostic[];
}
