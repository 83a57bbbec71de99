/**
 * Shell parsing for RUN instructions, with tree-sitter-bash (wasm). Call `await initShell()` once
 * before `parseShell()` / `shellOfInstruction()`, which are synchronous.
 */
export { initShell, isShellReady, parseShell, clearShellMemo } from './parser.js';
export { shellOfInstruction } from './instruction.js';
// The script a shell-form RUN hands the shell: continuations joined, blank and comment lines in them dropped.
export { joinContinuations } from './continuations.js';
export type {
  ShellAssignment,
  ShellCommand,
  ShellOption,
  ShellRedirect,
  ShellScript,
  ShellWord,
} from './types.js';
