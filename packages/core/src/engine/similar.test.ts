import { describe, expect, it } from 'vitest';
import { closest } from './similar.js';

describe('closest', () => {
  it('finds typos, counting a swap of neighbours as one edit', () => {
    expect(closest('chwon', ['chown', 'chmod', 'from'])).toBe('chown');
    expect(closest('buidler', ['builder', 'runtime'])).toBe('builder');
  });

  it('counts a whole-word containment as close, and ignores far and equal names', () => {
    expect(closest('base', ['test-base'])).toBe('test-base');
    expect(closest('runtime', ['builder'])).toBeNull();
    expect(closest('busybox', ['b', 'a'])).toBeNull();
    expect(closest('Builder', ['builder'])).toBeNull();
  });
});
