// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax, not a mistaken template
import { describe, expect, it } from 'vitest';
import { expandEnv } from './env.js';

describe('expandEnv', () => {
  it('replaces ${VAR} in nested string values, several per string, and leaves other values alone', () => {
    const raw = { a: { b: ['${X}-${Y}', 3, true, null] }, '${X}': 'key stays', c: 'no refs' };
    expect(expandEnv(raw, { X: 'one', Y: 'two' })).toEqual({
      value: { a: { b: ['one-two', 3, true, null] }, '${X}': 'key stays', c: 'no refs' },
      issues: [],
    });
  });

  it('keeps $${ as a literal ${ and does not expand what follows', () => {
    expect(expandEnv({ s: 'pa$${X}ss ${X}' }, { X: 'v' }).value).toEqual({ s: 'pa${X}ss v' });
  });

  it('accepts an empty value as set', () => {
    expect(expandEnv({ s: '[${EMPTY}]' }, { EMPTY: '' })).toEqual({ value: { s: '[]' }, issues: [] });
  });

  it('names each missing variable and the key path that uses it', () => {
    const { issues } = expandEnv({ alexa: { clientSecret: '${SECRET}' }, list: ['${A}${B}'] }, { A: 'a' });
    expect(issues).toEqual([
      {
        path: ['alexa', 'clientSecret'],
        message: expect.stringMatching(
          /^environment variable SECRET is not set \(used by alexa\.clientSecret\)/,
        ),
      },
      {
        path: ['list', 0],
        message: expect.stringMatching(/^environment variable B is not set \(used by list\[0\]\)/),
      },
    ]);
  });

  it('reports a malformed or unclosed reference without echoing the value', () => {
    const { issues } = expandEnv({ p: 'hunter2${1BAD}', q: 'abc${OPEN' }, {});
    expect(issues.map((issue) => issue.path)).toEqual([['p'], ['q']]);
    for (const issue of issues) {
      expect(issue.message).toMatch(/write \$\$\{ for a literal/);
      expect(issue.message).not.toMatch(/hunter2|OPEN/);
    }
  });
});
