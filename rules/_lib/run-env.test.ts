import { buildModel, parse, type Instruction } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { userAt } from './run-env.js';

/** The user each RUN (or ONBUILD RUN) of `text` runs as, in file order. */
function users(text: string): (string | null)[] {
  const { ast, lines } = parse(text);
  const model = buildModel(ast, lines);
  const runs = ast.instructions.map((i) => (i.kind === 'ONBUILD' ? i.trigger : i)).filter((i): i is Instruction => i?.kind === 'RUN');
  return runs.map((run) => userAt(model, run));
}

describe('userAt', () => {
  it('is the last USER before the RUN, in its stage or the stages it is built on', () => {
    expect(users('FROM debian\nRUN a\nUSER app\nRUN b\nUSER bob:staff\nRUN c\nUSER root\nRUN d\nUSER 0\nRUN e\n')).toEqual([null, 'app', 'bob', null, null]);
    expect(users('FROM debian AS base\nUSER app\nUSER build\nFROM base\nRUN a\nUSER tom\nRUN b\n')).toEqual(['build', 'tom']);
    // A later USER does not count, nor one of another stage that this one is not built on.
    expect(users('FROM debian AS a\nUSER app\nFROM debian\nRUN x\nUSER late\n')).toEqual([null]);
  });

  it('counts an ONBUILD USER for the triggers after it only', () => {
    expect(users('FROM debian\nUSER app\nONBUILD USER trig\nRUN plain\nONBUILD RUN t\n')).toEqual(['app', 'trig']);
    // A plain USER after the ONBUILD USER is still the later one for a trigger.
    expect(users('FROM debian\nONBUILD USER trig\nUSER app\nONBUILD RUN t\n')).toEqual(['app']);
  });

  it('expands variables in the USER', () => {
    expect(users('FROM debian\nARG U=svc\nUSER ${U}\nRUN x\n')).toEqual(['svc']);
  });
});
