import type { Range } from '../text.js';

/** One shell word. Ranges are file offsets (UTF-16 code units, half-open). */
export interface ShellWord {
  /**
   * The word as the shell sees it. For shell-form RUN, Dockerfile line continuations are joined
   * (and comment lines inside them dropped) as BuildKit does, so a word broken across lines is one
   * word, and `raw` can be shorter than its range, which covers the continuation in the file.
   */
  raw: string;
  /**
   * Unquoted static value (quotes and backslash escapes removed; globs, `~` and `{a,b}` kept as
   * written), or null when the word contains a parameter/arithmetic expansion, a command or process
   * substitution, or a `{1..3}` brace expression.
   */
  value: string | null;
  range: Range;
}

export interface ShellOption {
  /** `-y`, `-xyz` (short clusters are not split), `--no-install-recommends`, `--file` (from `--file=x`). */
  name: string;
  /** Value after `=` of a `--name=value` option (raw text after `=` when the word is not static), else null. */
  value: string | null;
  word: ShellWord;
}

export interface ShellAssignment {
  /** Variable name (with subscript if any: `a[1]`). */
  name: string;
  /** Assigned value, or null for `FOO= cmd`. */
  value: ShellWord | null;
  range: Range;
}

export interface ShellRedirect {
  /** The operator: `>`, `>>`, `<`, `>&`, `&>`, `&>>`, `<&`, `>|`, `<>`, `<<`, `<<-`, `<<<`. */
  op: string;
  /** Explicit file descriptor before the operator (`2` in `2>&1`), or null. */
  fd: string | null;
  /** Destination word; for `<<EOF` heredocs the delimiter word. */
  target: ShellWord | null;
  range: Range;
}

export interface ShellCommand {
  /** Command name word (after env assignments, e.g. `FOO=1 make` -> make). */
  name: ShellWord;
  /** All words after the name (in source order). */
  args: ShellWord[];
  /**
   * Args that start with `-` (by static value, or raw text when not static), up to a `--`
   * end-of-options marker (excluded). A lone `-` is not an option.
   */
  options: ShellOption[];
  assignments: ShellAssignment[];
  redirects: ShellRedirect[];
  /** The whole simple command: assignments, name, arguments and its redirects (heredoc bodies excluded). */
  range: Range;
  /** Depth of `sh -c` / `bash -c` / `su -c` nesting (0 for top level). */
  nested: number;
  /** The command is a stage of a `|` pipeline. */
  inPipeline: boolean;
  /** The command runs inside `$(...)`, backticks or `<(...)`. */
  inSubstitution: boolean;
}

export interface ShellScript {
  /** Simple commands in source order (by start offset; an outer `sh -c` precedes its inner commands). */
  commands: ShellCommand[];
  /**
   * Variables set by statements that run no command, in source order: `X=1` on its own (not the
   * `X=1 cmd` prefix, which is the command's; not `export X=1`, a command) and the variable of
   * `for X in ...`, whose value is null.
   */
  assignments: ShellAssignment[];
  /** Ranges where the parser found syntax errors (zero-length for a missing token). */
  errors: Range[];
}
