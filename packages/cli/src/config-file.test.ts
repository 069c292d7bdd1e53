// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax, not a mistaken template
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freshDir } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { type ConfigProblem, formatProblems, loadConfigFile, parseConfigText } from './config-file.js';

const ENV = {
  CLIENT_ID: 'amzn1.application-oa2-client.test',
  CLIENT_SECRET: 'client-secret-value-0123456789',
  DIRECTIVE_SECRET: 'directive-secret-0123456789',
};

const BASE = `relay:
  port: 8787
alexa:
  clientId: \${CLIENT_ID}
  clientSecret: \${CLIENT_SECRET}
directives:
  secret: \${DIRECTIVE_SECRET}
remotes:
  - id: desk
    serial:
      path: /dev/ttyACM0
    endpoint:
      endpointId: desk-remote
      friendlyName: Desk remote
    buttons:
      - button: 1
        instance: 4f0c8a3e-2b7d-4c1e-9a55-0d6f3b2e7c10
        names: [{ asset: Alexa.Button.TopButton }]
        gestures:
          single: { id: Button.SinglePush.1 }
          double: { id: Button.DoublePush.1, names: [{ text: Double press, locale: en-US }] }
      - button: 2
        instance: 9b1d2c47-5e3a-4f68-8c0b-3a7e6d5f4c21
        names: [{ text: Bottom, locale: en-US }]
        gestures:
          long: { id: Button.LongPush.2 }
`;

/** A second remote appended to BASE's list. */
const secondRemote = (id: string, endpointId: string, instance: string) => `  - id: ${id}
    serial: { path: /dev/ttyACM1 }
    endpoint: { endpointId: ${endpointId}, friendlyName: Second }
    buttons:
      - { button: 1, instance: ${instance}, names: [{ text: One, locale: en-US }], gestures: { single: { id: a } } }
`;
const OTHER_UUID = '2a6f8e13-7c4d-4b92-a1e5-6d0c9b8f7e34';

function edit(from: string, to: string, text = BASE): string {
  expect(text, `test setup: "${from}" must occur in the YAML`).toContain(from);
  return text.replace(from, () => to);
}

/** 1-based line of the last line containing `marker`. */
function lineOf(text: string, marker: string): number {
  const index = text.split('\n').findLastIndex((line) => line.includes(marker));
  expect(index, `test setup: "${marker}" must occur in the YAML`).toBeGreaterThanOrEqual(0);
  return index + 1;
}

function problemsOf(text: string, env: Record<string, string> = ENV): ConfigProblem[] {
  const result = parseConfigText(text, env, 'pressgate.yaml');
  if (result.ok) throw new Error(`expected problems, the config was accepted:\n${text}`);
  return result.problems;
}

describe('parseConfigText', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a key, with its line', (key) => {
    const top = `${key}:\n  relay:\n    port: 9999\n${BASE}`;
    expect(problemsOf(top)).toEqual([
      { path: '', line: 1, column: 1, message: expect.stringContaining(`"${key}" is not allowed`) },
    ]);
    const nested = edit('  port: 8787', `  port: 8787\n  ${key}: { port: 1 }`);
    expect(problemsOf(nested)).toEqual([
      {
        path: '',
        line: lineOf(nested, `${key}:`),
        column: 3,
        message: expect.stringContaining(`"${key}" is not allowed`),
      },
    ]);
  });

  it('accepts the base config and applies every default', () => {
    const result = parseConfigText(BASE, ENV, 'pressgate.yaml');
    if (!result.ok) throw new Error(formatProblems('pressgate.yaml', result.problems));
    const { config } = result;
    expect(config.relay).toEqual({ host: '127.0.0.1', port: 8787, dataDir: './data' });
    expect(config.alexa).toEqual({
      region: 'NA',
      clientId: ENV.CLIENT_ID,
      clientSecret: ENV.CLIENT_SECRET,
      maxEventAgeMs: 30_000,
      rateLimit: { burst: 20, perMinute: 120 },
    });
    const remote = config.remotes[0];
    expect(remote?.serial).toEqual({ path: '/dev/ttyACM0', baudRate: 115_200 });
    expect(remote?.endpoint).toEqual({
      endpointId: 'desk-remote',
      friendlyName: 'Desk remote',
      manufacturerName: 'pressgate',
      description: 'pressgate USB button remote',
      displayCategory: 'REMOTE',
    });
    expect(remote?.timing).toEqual({ doublePressMs: 300, longPressMs: 800, debounceMs: 20 });
    expect(remote?.buttons[1]?.timing).toBeUndefined();
  });

  it('accepts a config without relay and remotes, defaulting both', () => {
    const text = `alexa: { clientId: a, clientSecret: b }\ndirectives: { secret: ${'s'.repeat(16)} }\n`;
    const result = parseConfigText(text, {}, 'pressgate.yaml');
    expect(result.ok && result.config.remotes).toEqual([]);
    expect(result.ok && result.config.relay.port).toBe(8787);
  });

  it('accepts the same event id on two different buttons (unique per instance only)', () => {
    const result = parseConfigText(
      edit('long: { id: Button.LongPush.2 }', 'long: { id: Button.SinglePush.1 }'),
      ENV,
      'f',
    );
    expect(result.ok).toBe(true);
  });

  const many = Array.from({ length: 301 }, (_, i) =>
    secondRemote(`r${i}`, `e${i}`, crypto.randomUUID()),
  ).join('');

  // [rule, YAML after the edit, expected path, text on the expected line, expected message]
  const cases: [string, string, string, string, RegExp][] = [
    [
      'unknown key, with a suggestion',
      edit('  port: 8787', '  prot: 8787'),
      'relay.prot',
      'prot:',
      /unknown key "prot"; did you mean "port"\?/,
    ],
    [
      'unknown nested key',
      edit('      path: /dev/ttyACM0', '      path: /dev/ttyACM0\n      baudrate: 9600'),
      'remotes[0].serial.baudrate',
      'baudrate:',
      /did you mean "baudRate"\?/,
    ],
    ['unknown top-level key', `${BASE}remote: []\n`, 'remote', 'remote: []', /did you mean "remotes"\?/],
    [
      'missing key points at its parent',
      edit('      friendlyName: Desk remote\n', ''),
      'remotes[0].endpoint.friendlyName',
      '    endpoint:',
      /missing required key "friendlyName"/,
    ],
    [
      'duplicate remote id',
      BASE + secondRemote('desk', 'other', OTHER_UUID),
      'remotes[1].id',
      '- id: desk',
      /duplicate remote id "desk": remotes\[0\]\.id already uses it/,
    ],
    [
      'duplicate endpointId',
      BASE + secondRemote('other', 'desk-remote', OTHER_UUID),
      'remotes[1].endpoint.endpointId',
      'endpointId: desk-remote',
      /duplicate endpointId "desk-remote"/,
    ],
    [
      'endpointId characters',
      edit('endpointId: desk-remote', 'endpointId: desk remote!'),
      'remotes[0].endpoint.endpointId',
      'endpointId:',
      /1 to 256 characters from A-Z a-z 0-9 _ -, got "desk remote!"/,
    ],
    [
      'endpointId length',
      edit('endpointId: desk-remote', `endpointId: ${'e'.repeat(257)}`),
      'remotes[0].endpoint.endpointId',
      'endpointId:',
      /1 to 256 characters/,
    ],
    [
      'friendlyName length',
      edit('friendlyName: Desk remote', `friendlyName: ${'f'.repeat(129)}`),
      'remotes[0].endpoint.friendlyName',
      'friendlyName:',
      /at most 128 characters/,
    ],
    [
      'manufacturerName length',
      edit(
        'friendlyName: Desk remote',
        `friendlyName: Desk remote\n      manufacturerName: ${'m'.repeat(129)}`,
      ),
      'remotes[0].endpoint.manufacturerName',
      'manufacturerName:',
      /at most 128 characters/,
    ],
    [
      'description length',
      edit('friendlyName: Desk remote', `friendlyName: Desk remote\n      description: ${'d'.repeat(129)}`),
      'remotes[0].endpoint.description',
      'description:',
      /at most 128 characters/,
    ],
    [
      'instance must be a UUID v4',
      edit('4f0c8a3e-2b7d-4c1e', '4f0c8a3e-2b7d-1c1e'),
      'remotes[0].buttons[0].instance',
      'instance: 4f0c8a3e',
      /expected a UUID v4/,
    ],
    [
      'instance unique within a remote',
      edit('9b1d2c47-5e3a-4f68-8c0b-3a7e6d5f4c21', '4F0C8A3E-2B7D-4C1E-9A55-0D6F3B2E7C10'),
      'remotes[0].buttons[1].instance',
      'instance: 4F0C',
      /duplicate instance "4F0C8A3E-2B7D-4C1E-9A55-0D6F3B2E7C10": remotes\[0\]\.buttons\[0\]\.instance/,
    ],
    [
      'instance unique across remotes',
      BASE + secondRemote('other', 'other', '9b1d2c47-5e3a-4f68-8c0b-3a7e6d5f4c21'),
      'remotes[1].buttons[0].instance',
      'button: 1, instance: 9b1d',
      /duplicate instance/,
    ],
    [
      'event id characters',
      edit('{ id: Button.SinglePush.1 }', '{ id: Button Single }'),
      'remotes[0].buttons[0].gestures.single.id',
      'single:',
      /1 to 64 characters from A-Z a-z 0-9 \. _ -/,
    ],
    [
      'event id length',
      edit('{ id: Button.SinglePush.1 }', `{ id: ${'i'.repeat(65)} }`),
      'remotes[0].buttons[0].gestures.single.id',
      'single:',
      /1 to 64 characters/,
    ],
    [
      'event ids unique per instance',
      edit('id: Button.DoublePush.1', 'id: Button.SinglePush.1'),
      'remotes[0].buttons[0].gestures.double.id',
      'double:',
      /duplicate event id "Button.SinglePush.1": remotes\[0\]\.buttons\[0\]\.gestures\.single\.id/,
    ],
    [
      'button at least 1',
      edit('- button: 2', '- button: 0'),
      'remotes[0].buttons[1].button',
      'button: 0',
      /at least 1, got 0/,
    ],
    [
      'button at most 16',
      edit('- button: 2', '- button: 17'),
      'remotes[0].buttons[1].button',
      'button: 17',
      /at most 16, got 17/,
    ],
    [
      'buttons unique per remote',
      edit('- button: 2', '- button: 1'),
      'remotes[0].buttons[1].button',
      '- button: 1',
      /duplicate button 1: remotes\[0\]\.buttons\[0\]\.button/,
    ],
    [
      'at least one gesture',
      edit('        gestures:\n          long: { id: Button.LongPush.2 }', '        gestures: {}'),
      'remotes[0].buttons[1].gestures',
      'gestures: {}',
      /at least one gesture/,
    ],
    [
      'unknown gesture',
      edit('long: { id: Button.LongPush.2 }', 'triple: { id: Button.LongPush.2 }'),
      'remotes[0].buttons[1].gestures.triple',
      'triple:',
      /unknown key "triple"/,
    ],
    [
      'button asset in the catalog',
      edit('Alexa.Button.TopButton', 'Alexa.Button.Top'),
      'remotes[0].buttons[0].names[0].asset',
      'Alexa.Button.Top',
      /did you mean Alexa\.Button\.TopButton\?/,
    ],
    [
      'event asset in the catalog',
      edit('names: [{ text: Double press, locale: en-US }]', 'names: [{ asset: Alexa.Gesture.SinglePush }]'),
      'remotes[0].buttons[0].gestures.double.names[0].asset',
      'double:',
      /unknown event asset id "Alexa\.Gesture\.SinglePush"; did you mean Alexa\.Button\.SinglePush\?/,
    ],
    [
      'names non-empty',
      edit('names: [{ text: Bottom, locale: en-US }]', 'names: []'),
      'remotes[0].buttons[1].names',
      'names: []',
      /at least one name/,
    ],
    [
      'text name needs a locale',
      edit('{ text: Bottom, locale: en-US }', '{ text: Bottom }'),
      'remotes[0].buttons[1].names[0].locale',
      'names: [{ text: Bottom }]',
      /missing required key "locale"/,
    ],
    [
      'longPressMs above debounceMs',
      edit('    buttons:', '    timing: { longPressMs: 150, debounceMs: 200 }\n    buttons:'),
      'remotes[0].timing',
      'timing:',
      /longPressMs \(150\) to be greater than debounceMs \(200\)/,
    ],
    [
      'doublePressMs above debounceMs',
      edit('    buttons:', '    timing: { doublePressMs: 100, debounceMs: 150 }\n    buttons:'),
      'remotes[0].timing',
      'timing:',
      /doublePressMs \(100\) to be greater than debounceMs \(150\)/,
    ],
    [
      'button override against the remote timing',
      edit(
        '    buttons:',
        '    timing: { debounceMs: 120 }\n    buttons:',
        edit(
          '        gestures:\n          long:',
          '        timing: { doublePressMs: 100 }\n        gestures:\n          long:',
        ),
      ),
      'remotes[0].buttons[1].timing',
      'timing: { doublePressMs: 100 }',
      /doublePressMs \(100\) to be greater than debounceMs \(120\)/,
    ],
    [
      'timing bounds',
      edit('    buttons:', '    timing: { doublePressMs: 5000 }\n    buttons:'),
      'remotes[0].timing.doublePressMs',
      'timing:',
      /at most 2000, got 5000/,
    ],
    [
      'serial path and match',
      edit('path: /dev/ttyACM0', 'path: /dev/ttyACM0\n      match: { vendorId: "2e8a", productId: "000a" }'),
      'remotes[0].serial',
      '    serial:',
      /either path or match, got both/,
    ],
    [
      'serial path or match',
      edit('path: /dev/ttyACM0', 'baudRate: 9600'),
      'remotes[0].serial',
      '    serial:',
      /expected path .* or match/,
    ],
    [
      'productId 4 hex digits',
      edit('path: /dev/ttyACM0', 'match: { vendorId: "2e8a", productId: "12345" }'),
      'remotes[0].serial.match.productId',
      'match:',
      /4 hex digits, like "2e8a", got "12345"/,
    ],
    [
      'unquoted productId',
      edit('path: /dev/ttyACM0', 'match: { vendorId: "2e8a", productId: 0003 }'),
      'remotes[0].serial.match.productId',
      'match:',
      /4 hex digits in quotes, like "0003"/,
    ],
    [
      'region',
      edit('alexa:\n', 'alexa:\n  region: US\n'),
      'alexa.region',
      'region: US',
      /NA, EU, FE or auto, got "US"/,
    ],
    [
      'gatewayUrl',
      edit('alexa:\n', 'alexa:\n  gatewayUrl: not a url\n'),
      'alexa.gatewayUrl',
      'gatewayUrl:',
      /http:\/\/ or https:\/\/ URL/,
    ],
    [
      'at most 300 endpoints',
      `${edit('remotes:\n', 'remotes:\n', BASE.slice(0, BASE.indexOf('  - id: desk')))}${many}`,
      'remotes',
      'remotes:',
      /at most 300 remotes/,
    ],
  ];

  it.each(cases)('%s', (_rule, text, path, marker, message) => {
    const problems = problemsOf(text);
    const found = problems.filter((problem) => problem.path === path);
    expect(found, JSON.stringify(problems, null, 1)).toHaveLength(1);
    expect(found[0]?.message).toMatch(message);
    expect(found[0]?.line).toBe(lineOf(text, marker));
  });

  it('reports every problem at once, in file order', () => {
    let text = edit('  port: 8787', '  port: 99999');
    text = edit('endpointId: desk-remote', 'endpointId: bad id', text);
    text = edit('Alexa.Button.TopButton', 'Alexa.Button.Off', text);
    text = edit('- button: 2', '- button: 1', text);
    const problems = problemsOf(text, { ...ENV, CLIENT_SECRET: '' });
    expect(problems.map((problem) => [problem.path, problem.line])).toEqual([
      ['relay.port', 2],
      ['alexa.clientSecret', 5],
      ['remotes[0].endpoint.endpointId', 13],
      ['remotes[0].buttons[0].names[0].asset', 18],
      ['remotes[0].buttons[1].button', 22],
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf(edit('  clientSecret: ${CLIENT_SECRET}', ' clientSecret: [oops'));
    expect(problems[0]?.line).toBe(5);
    expect(problems[0]?.message).toMatch(/^YAML syntax: /);
    const duplicate = problemsOf(edit('  port: 8787', '  port: 8787\n  port: 8788'));
    expect(duplicate).toHaveLength(1);
    expect(duplicate[0]).toMatchObject({ path: '', line: 3 });
    expect(duplicate[0]?.message).toMatch(/unique/);
  });

  it('says an empty file is empty', () => {
    expect(problemsOf('# nothing yet\n')).toEqual([
      { path: '', line: 1, column: 1, message: expect.stringMatching(/^pressgate\.yaml is empty/) },
    ]);
  });

  it('expands ${VAR}: several in one string, $${ as a literal, missing ones named', () => {
    const text = edit('  port: 8787', '  dataDir: ${ROOT}/${SUB}/$${KEEP}');
    const result = parseConfigText(text, { ...ENV, ROOT: '/var/lib', SUB: 'pressgate' }, 'f');
    expect(result.ok && result.config.relay.dataDir).toBe('/var/lib/pressgate/${KEEP}');

    const problems = problemsOf(text, { ...ENV, ROOT: '/var/lib' });
    expect(problems).toEqual([
      {
        path: 'relay.dataDir',
        line: 2,
        column: 3,
        message: expect.stringMatching(/^environment variable SUB is not set \(used by relay\.dataDir\)/),
      },
    ]);
  });

  it('never repeats a secret value in a problem', () => {
    const problems = problemsOf(BASE, { ...ENV, DIRECTIVE_SECRET: 'tooShortSecret' });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('directives.secret');
    expect(problems[0]?.message).toMatch(/at least 16 characters/);
    expect(problems[0]?.message).not.toContain('tooShortSecret');
  });
});

describe('formatProblems', () => {
  it('prints one line per problem as file:line:column path: message', () => {
    const text = edit('4f0c8a3e-2b7d-4c1e', 'not-a-uuid');
    expect(formatProblems('pressgate.yaml', problemsOf(text))).toMatch(
      /^pressgate\.yaml:17:9 remotes\[0\]\.buttons\[0\]\.instance: expected a UUID v4 [^\n]*, got "not-a-uuid-9a55-0d6f3b2e7c10"$/,
    );
    expect(
      formatProblems('p.yaml', [
        { path: '', message: 'no file' },
        { path: 'a.b', line: 3, column: 2, message: 'bad' },
      ]),
    ).toBe('p.yaml no file\np.yaml:3:2 a.b: bad');
  });
});

describe('loadConfigFile', () => {
  const tempDir = (): Promise<string> => freshDir('pressgate-config-');

  it('reads and validates a real file', async () => {
    const file = join(await tempDir(), 'pressgate.yaml');
    await writeFile(file, BASE);
    const result = await loadConfigFile(file, ENV);
    expect(result.ok && result.config.remotes[0]?.id).toBe('desk');
  });

  it('reports a missing file or a directory as one problem with the fix', async () => {
    const dir = await tempDir();
    const missing = await loadConfigFile(join(dir, 'nope.yaml'), ENV);
    expect(missing).toEqual({
      ok: false,
      problems: [
        {
          path: '',
          message: expect.stringMatching(/nope\.yaml does not exist; create it .* --config <file>/),
        },
      ],
    });
    const directory = await loadConfigFile(dir, ENV);
    expect(!directory.ok && directory.problems[0]?.message).toMatch(/is a directory/);
  });

  it('validates examples/pressgate.yaml with the documented variables, and names them when unset', async () => {
    const example = new URL('../../../examples/pressgate.yaml', import.meta.url).pathname;
    const env = {
      PRESSGATE_CLIENT_ID: 'amzn1.application-oa2-client.example',
      PRESSGATE_CLIENT_SECRET: 'example-client-secret',
      PRESSGATE_DIRECTIVE_SECRET: 'example-directive-secret-0123456789',
    };
    const result = await loadConfigFile(example, env);
    if (!result.ok) throw new Error(formatProblems('examples/pressgate.yaml', result.problems));
    const remote = result.config.remotes[0];
    expect(remote?.buttons.map((button) => button.button)).toEqual([1, 2, 3, 4]);
    expect(remote?.serial.match).toEqual({ vendorId: '2e8a', productId: '000a' });
    expect(remote?.buttons[0]?.names).toEqual([{ asset: 'Alexa.Button.FirstButton' }]);
    expect(remote?.buttons[0]?.gestures.single?.names).toEqual([{ text: 'Single press', locale: 'en-US' }]);

    const unset = await loadConfigFile(example, {});
    expect(!unset.ok && unset.problems.map((problem) => problem.path)).toEqual([
      'alexa.clientId',
      'alexa.clientSecret',
      'directives.secret',
    ]);
  });
});
