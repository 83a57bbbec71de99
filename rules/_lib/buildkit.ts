import type { SemanticModel, Range } from '@stowage/core';

/**
 * The `syntax` parser directive as BuildKit detects it (parser/directives.go): after an optional
 * BOM and `#!` line, the leading lines of `# key=value` (or `// key=value`) with keys syntax,
 * escape or check; any other line ends the block.
 */
export function syntaxDirective(text: string): { value: string; range: Range } | null {
  let offset = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (text.startsWith('#!', offset)) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return null;
    offset = nl + 1;
  }
  for (const prefix of ['#', '//']) {
    let at = offset;
    while (at < text.length) {
      const nl = text.indexOf('\n', at);
      const end = nl < 0 ? text.length : nl;
      const line = text.slice(at, end).replace(/\r$/, '');
      if (!line.startsWith(prefix)) break;
      const m = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(line.slice(prefix.length).trimStart());
      if (!m || !['syntax', 'escape', 'check'].includes(m[1].toLowerCase())) break;
      if (m[1].toLowerCase() === 'syntax') return { value: m[2].split(' ')[0], range: { start: at, end: at + line.length } };
      if (nl < 0) break;
      at = nl + 1;
    }
  }
  return null;
}

/**
 * Whether the file already relies on BuildKit: a `syntax` directive, a `RUN --mount`/`--network`/
 * `--security`, a heredoc, or a COPY/ADD flag only BuildKit has (`--link`, `--chmod`, `--parents`,
 * `--exclude`, `--checksum`, `--keep-git-dir`, `--unpack`).
 */
export function usesBuildKit(model: SemanticModel): boolean {
  if (syntaxDirective(model.text)) return true;
  for (const outer of model.ast.instructions) {
    const instr = outer.trigger ?? outer;
    if (instr.kind === 'RUN' && instr.flags.some((f) => f.name === 'mount' || f.name === 'network' || f.name === 'security')) return true;
    if ((instr.kind === 'RUN' || instr.kind === 'COPY' || instr.kind === 'ADD') && instr.heredocs.length > 0) return true;
    if ((instr.kind === 'COPY' || instr.kind === 'ADD') && instr.flags.some((f) => BUILDKIT_COPY_FLAGS.has(f.name))) return true;
  }
  return false;
}

const BUILDKIT_COPY_FLAGS = new Set(['link', 'chmod', 'parents', 'exclude', 'checksum', 'keep-git-dir', 'unpack']);
