import { buildModel, parse } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { knownSecrets, mayHoldKnownFormat, mayHoldKnownFormatIn } from './secrets.js';

// Tokens are built from parts so that this file holds none.
const rep = (s: string, n: number) => s.repeat(n);
const TOKENS: [string, string][] = [
  ['an AWS access key ID', ['AKIA', 'ABCDEFGHIJKLMNOP'].join('')],
  ['an AWS access key ID', ['ASIA', 'ABCDEFGHIJKLMNOP'].join('')],
  ['a GitHub token', ['ghp', rep('a1', 18)].join('_')],
  ['a GitHub token', ['github', 'pat', rep('b2', 11)].join('_')],
  ['a GitLab token', ['glpat', rep('c3', 10)].join('-')],
  ['a Slack token', ['xoxb', '123456789012'].join('-')],
  ['a private key', ['-----BEGIN', 'RSA', 'PRIVATE', 'KEY-----'].join(' ')],
  ['a JWT', ['eyJ' + rep('d', 8), 'eyJ' + rep('e', 8), rep('f', 8)].join('.')],
  ['an npm token', ['npm', rep('g7', 18)].join('_')],
  ['a Google API key', ['AIza', rep('h', 35)].join('')],
  ['a Stripe key', ['sk', 'live', rep('i8', 10)].join('_')],
  ['a Docker Hub token', ['dckr', 'pat', rep('j9', 10)].join('_')],
  ['a PyPI token', ['pypi', 'AgEIcHlwaS5vcmc' + rep('k', 50)].join('-')],
  ['a Hugging Face token', ['hf', rep('l0', 17)].join('_')],
];

describe('known credential formats', () => {
  it('every format passes the one-scan pre-check and is found', () => {
    for (const [what, token] of TOKENS) {
      const text = `curl -H "x: ${token}" https://example.com`;
      expect(mayHoldKnownFormat(text), what).toBe(true);
      expect(knownSecrets(text).map((m) => [m.what, text.slice(m.start, m.end)]), what).toEqual([[what, token]]);
    }
  });

  it('a file without any format rules out each of its parts; a file with one reads each part', () => {
    const model = (code: string) => {
      const { ast, lines } = parse(code);
      return buildModel(ast, lines);
    };
    const clean = model('FROM alpine\nRUN echo hello\n');
    expect(mayHoldKnownFormatIn(clean, 'echo hello')).toBe(false);
    const [, token] = TOKENS[2];
    const withToken = model(`FROM alpine\nRUN echo hello\nRUN echo ${token}\n`);
    expect(mayHoldKnownFormatIn(withToken, 'echo hello')).toBe(false);
    expect(mayHoldKnownFormatIn(withToken, `echo ${token}`)).toBe(true);
  });
});
