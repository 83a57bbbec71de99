import type { Instruction, SemanticModel } from '@stowage/core';

/**
 * A RUN's arguments as text (heredoc bodies included), for the pre-checks that decide whether its
 * shell needs a parse. Several rules ask about the same RUN, so each reading is made once.
 */
export class RunText {
  private plainText: string | null = null;
  private joins: boolean | null = null;

  constructor(readonly raw: string) {}

  /**
   * The text without quotes and backslashes, which a shell word's value never adds back: every
   * command name, option and variable reference the shell reads is in it (`ap\t-get`, `"curl"`).
   */
  get plain(): string {
    return (this.plainText ??= this.raw.replace(/[\\'"]/g, ''));
  }

  /**
   * The text may make words that `plain` does not show: `$'...'` can make any character, and a
   * line continuation can join the parts of a word (`apt-\⏎get`), with either escape character.
   */
  get makesWords(): boolean {
    return (this.joins ??= this.raw.includes("$'") || WORD_CONTINUES.test(this.raw));
  }
}

const WORD_CONTINUES = /[A-Za-z0-9_.'"-][\\`][ \t]*\r?\n/;

const memo = new WeakMap<Instruction, RunText>();

/** The RUN's `RunText`, made on first use. */
export function runText(model: SemanticModel, run: Instruction): RunText {
  let t = memo.get(run);
  if (t === undefined) memo.set(run, (t = new RunText(run.argsRange === null ? '' : model.text.slice(run.argsRange.start, run.argsRange.end))));
  return t;
}
