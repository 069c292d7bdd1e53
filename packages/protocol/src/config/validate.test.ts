// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax, not a mistaken template
import { describe, expect, it } from 'vitest';
import { formatConfigPath } from './path.js';
import { PressgateConfig } from './schema.js';
import { validateConfig } from './validate.js';

const MINIMAL = {
  alexa: { clientId: 'id', clientSecret: 'secret' },
  directives: { secret: 'directive-secret-123' },
};

describe('validateConfig', () => {
  it('reports each unknown key on its own, with the keys allowed there', () => {
    const result = validateConfig({ ...MINIMAL, relay: { hots: 'x', colour: 1 } }, {});
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: ['relay', 'hots'],
          message: expect.stringMatching(/^unknown key "hots"; did you mean "host"\?/),
        },
        {
          path: ['relay', 'colour'],
          message: expect.stringMatching(
            /^unknown key "colour" \(allowed here: host, port, dataDir, apiToken\)$/,
          ),
        },
      ],
    });
  });

  it('explains a name that mixes the asset and text forms', () => {
    const remote = {
      id: 'r',
      serial: { path: '/dev/x' },
      endpoint: { endpointId: 'r', friendlyName: 'R' },
      buttons: [
        {
          button: 1,
          instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
          names: [{ asset: 'Alexa.Button.TopButton', locale: 'en-US' }, 7],
          gestures: { single: { id: 'a' } },
        },
      ],
    };
    const result = validateConfig({ ...MINIMAL, remotes: [remote] }, {});
    expect(!result.ok && result.issues).toEqual([
      {
        path: ['remotes', 0, 'buttons', 0, 'names', 0, 'locale'],
        message: 'key "locale" does not go with the other keys here: write { asset } or { text, locale }',
      },
      {
        path: ['remotes', 0, 'buttons', 0, 'names', 1],
        message:
          'expected a name: { asset: Alexa.Button.TopButton } or { text: Top button, locale: en-US }, got 7',
      },
    ]);
  });

  it('reports a missing variable once, not again as a schema problem', () => {
    const result = validateConfig({ ...MINIMAL, relay: { port: '${PORT}' } }, {});
    expect(!result.ok && result.issues.map((issue) => issue.path)).toEqual([['relay', 'port']]);
  });

  it('rejects a document that is not a mapping', () => {
    expect(validateConfig([1, 2], {})).toEqual({
      ok: false,
      issues: [
        { path: [], message: 'expected a mapping with relay, alexa, directives and remotes, got a list' },
      ],
    });
  });

  it('keeps the cross-key rules in the exported schema itself', () => {
    const button = (n: number) => ({
      button: n,
      instance: '4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10',
      names: [{ text: 'B', locale: 'en-US' }],
      gestures: { single: { id: 'a' } },
    });
    const remote = { id: 'r', serial: { path: '/x' }, endpoint: { endpointId: 'r', friendlyName: 'R' } };
    const parsed = PressgateConfig.safeParse({
      ...MINIMAL,
      remotes: [{ ...remote, buttons: [button(1), button(2)] }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => formatConfigPath(issue.path))).toEqual([
      'remotes[0].buttons[1].instance',
    ]);
  });
});

describe('formatConfigPath', () => {
  it('writes dots for keys and brackets for indexes and odd keys', () => {
    expect(formatConfigPath(['remotes', 0, 'buttons', 12, 'instance'])).toBe(
      'remotes[0].buttons[12].instance',
    );
    expect(formatConfigPath([])).toBe('');
    expect(formatConfigPath(['a b', 'c'])).toBe('["a b"].c');
  });
});
