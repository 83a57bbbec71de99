import type { Scalar } from 'yaml';
import type { Env, Opaque } from '../expand.js';
import type { InvocationDetails } from '../model.js';
import type { ShellGroup, ShellSegment } from '../shell.js';
import { scalarOffsets, scalarText } from '../yaml.js';

/** Replaces `${{ ... }}` by same-length placeholders the shell parser reads as plain word text. */
export function maskExpressions(s: string): string {
  if (s.indexOf('${{') < 0) return s;
  return s.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => m.replace(/[^\n]/g, '_'));
}

/** A shell segment for a YAML scalar holding a script (`run:`, a `script:` item). */
export function scalarSegment(
  node: Scalar,
  text: string,
  g: ShellGroup,
  opts: {
    fresh: boolean;
    env?: Env;
    cwd?: string[];
    cwdUnknown?: string;
    details?: InvocationDetails;
    pre?: (raw: string, opaque: Opaque[]) => string;
    mask?: boolean;
  },
): ShellSegment {
  const value = scalarText(node, text) ?? '';
  const map = scalarOffsets(node, value, text);
  const pre = opts.pre;
  return {
    text: opts.mask ? maskExpressions(value) : value,
    original: value,
    toFile: (o) => map[Math.max(0, Math.min(o, map.length - 1))],
    fresh: opts.fresh,
    env: opts.env,
    cwd: opts.cwd,
    cwdUnknown: opts.cwdUnknown,
    details: opts.details,
    pre: pre ? (raw) => pre(raw, g.opaque) : undefined,
  };
}
