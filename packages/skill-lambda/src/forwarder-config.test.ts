import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIMEOUT_MS,
  type ForwarderConfigResult,
  fitTimeoutToLambda,
  loadForwarderConfig,
} from './forwarder-config.js';

const SECRET = 'cfg-test-secret-93ab';

function expectProblems(result: ForwarderConfigResult): string[] {
  if (result.ok) {
    throw new Error(`expected a config problem, got ${result.config.directiveUrl.href}`);
  }
  expect(result.code).toBe('ERR_FORWARDER_CONFIG');
  expect(result.message).toContain('misconfigured');
  return result.problems;
}

function urlOf(relayUrl: string): string {
  const result = loadForwarderConfig({ PRESSGATE_RELAY_URL: relayUrl, PRESSGATE_DIRECTIVE_SECRET: SECRET });
  if (!result.ok) {
    throw new Error(result.message);
  }
  return result.config.directiveUrl.href;
}

describe('loadForwarderConfig', () => {
  it('reads the URL, the secret and the default timeout', () => {
    const result = loadForwarderConfig({
      PRESSGATE_RELAY_URL: 'https://relay.example.net',
      PRESSGATE_DIRECTIVE_SECRET: SECRET,
    });
    expect(result).toEqual({
      ok: true,
      config: {
        directiveUrl: new URL('https://relay.example.net/alexa/directive'),
        secret: SECRET,
        timeoutMs: DEFAULT_TIMEOUT_MS,
      },
    });
    expect(DEFAULT_TIMEOUT_MS).toBe(6000);
  });

  it('reports every missing variable at once, and says what to set', () => {
    const problems = expectProblems(loadForwarderConfig({}));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/PRESSGATE_RELAY_URL is not set/);
    expect(problems[1]).toMatch(/PRESSGATE_DIRECTIVE_SECRET is not set.*directives\.secret/);
    expectProblems(loadForwarderConfig({ PRESSGATE_RELAY_URL: '  ', PRESSGATE_DIRECTIVE_SECRET: '' }));
  });

  it('refuses plain http to a host that is not loopback', () => {
    const [problem] = expectProblems(
      loadForwarderConfig({
        PRESSGATE_RELAY_URL: 'http://relay.example.net',
        PRESSGATE_DIRECTIVE_SECRET: SECRET,
      }),
    );
    expect(problem).toMatch(/plain http to relay\.example\.net.*use https/);
    expectProblems(
      loadForwarderConfig({
        PRESSGATE_RELAY_URL: 'http://192.168.1.20:8787',
        PRESSGATE_DIRECTIVE_SECRET: SECRET,
      }),
    );
  });

  it('allows http to loopback hosts', () => {
    expect(urlOf('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787/alexa/directive');
    expect(urlOf('http://localhost:8787/')).toBe('http://localhost:8787/alexa/directive');
    expect(urlOf('http://[::1]:8787')).toBe('http://[::1]:8787/alexa/directive');
  });

  it('keeps a path prefix and a full directive URL', () => {
    expect(urlOf('https://home.example.net/pressgate/')).toBe(
      'https://home.example.net/pressgate/alexa/directive',
    );
    expect(urlOf('https://home.example.net/alexa/directive')).toBe(
      'https://home.example.net/alexa/directive',
    );
  });

  it('refuses other schemes, junk and credentials in the URL', () => {
    expect(
      expectProblems(
        loadForwarderConfig({ PRESSGATE_RELAY_URL: 'ftp://x', PRESSGATE_DIRECTIVE_SECRET: SECRET }),
      ),
    ).toEqual([expect.stringMatching(/uses ftp:, expected https:/)]);
    expect(
      expectProblems(
        loadForwarderConfig({ PRESSGATE_RELAY_URL: 'relay.example.net', PRESSGATE_DIRECTIVE_SECRET: SECRET }),
      ),
    ).toEqual([expect.stringMatching(/not a URL/)]);
    const [credentials] = expectProblems(
      loadForwarderConfig({
        PRESSGATE_RELAY_URL: 'https://user:hunter2@relay.example.net',
        PRESSGATE_DIRECTIVE_SECRET: SECRET,
      }),
    );
    expect(credentials).toMatch(/user name or password/);
    expect(credentials).not.toContain('hunter2');
  });

  it('reads PRESSGATE_TIMEOUT_MS and refuses values Alexa would not wait for', () => {
    const base = { PRESSGATE_RELAY_URL: 'https://relay.example.net', PRESSGATE_DIRECTIVE_SECRET: SECRET };
    const read = loadForwarderConfig({ ...base, PRESSGATE_TIMEOUT_MS: '2500' });
    expect(read.ok && read.config.timeoutMs).toBe(2500);
    for (const bad of ['0', '-5', 'soon', '1.5', '9000']) {
      const [problem] = expectProblems(loadForwarderConfig({ ...base, PRESSGATE_TIMEOUT_MS: bad }));
      expect(problem).toMatch(/PRESSGATE_TIMEOUT_MS .*from 1 to 7500/);
    }
  });

  it('never puts the secret in a problem', () => {
    const result = loadForwarderConfig({
      PRESSGATE_RELAY_URL: 'http://relay.example.net',
      PRESSGATE_DIRECTIVE_SECRET: SECRET,
    });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});

describe('fitTimeoutToLambda', () => {
  const config = {
    directiveUrl: new URL('https://relay.example.net/alexa/directive'),
    secret: SECRET,
    timeoutMs: 6000,
  };

  it('shrinks the timeout to the invocation time left minus a reserve', () => {
    expect(fitTimeoutToLambda(config, 3000).timeoutMs).toBe(2500);
    expect(fitTimeoutToLambda(config, 200).timeoutMs).toBe(1);
  });

  it('keeps the configured timeout when there is time enough or no context', () => {
    expect(fitTimeoutToLambda(config, 30_000)).toBe(config);
    expect(fitTimeoutToLambda(config, undefined)).toBe(config);
  });
});
