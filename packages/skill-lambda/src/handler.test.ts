import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  DIRECTIVE_SECRET,
  freshDir,
  lambdaAcceptGrant,
  lambdaDiscover,
  lambdaDiscoverResponse,
  respondWith,
  startRelayStandIn,
} from '@pressgate/test-kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { handler } from './handler.js';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

type Handler = typeof handler;
type Reply = { event: { header: Record<string, unknown>; payload: Record<string, unknown> } };

/** Console lines the handler wrote, parsed; the spies are removed after each test. */
function captureConsole(): { lines: () => Record<string, unknown>[] } {
  const spies = [vi.spyOn(console, 'error'), vi.spyOn(console, 'log')];
  for (const spy of spies) spy.mockImplementation(() => undefined);
  return {
    lines: () =>
      spies.flatMap((spy) =>
        spy.mock.calls.map((call) => JSON.parse(String(call[0])) as Record<string, unknown>),
      ),
  };
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function checkHandler(run: Handler): Promise<void> {
  const answer = lambdaDiscoverResponse();
  const relay = await startRelayStandIn(DIRECTIVE_SECRET, respondWith(200, answer));
  vi.stubEnv('PRESSGATE_RELAY_URL', relay.baseUrl);
  vi.stubEnv('PRESSGATE_DIRECTIVE_SECRET', DIRECTIVE_SECRET);
  vi.stubEnv('PRESSGATE_TIMEOUT_MS', '3000');
  const output = captureConsole();

  expect(await run(lambdaDiscover(), { getRemainingTimeInMillis: () => 10_000 })).toEqual(answer);
  expect(relay.requests[0]?.verification.ok).toBe(true);
  expect(output.lines()).toEqual([expect.objectContaining({ level: 'info', msg: 'directive forwarded' })]);
}

describe('handler (TypeScript source)', () => {
  it('forwards with the configuration read from the environment at call time', async () => {
    await checkHandler(handler);
  });

  it('answers with an error and logs a clear problem when the configuration is missing', async () => {
    vi.stubEnv('PRESSGATE_RELAY_URL', '');
    vi.stubEnv('PRESSGATE_DIRECTIVE_SECRET', '');
    const output = captureConsole();

    const reply = (await handler(lambdaAcceptGrant())) as Reply;

    expect(reply.event.header).toMatchObject({ namespace: 'Alexa.Authorization', name: 'ErrorResponse' });
    expect(reply.event.payload.type).toBe('ACCEPT_GRANT_FAILED');
    const [line] = output.lines();
    expect(line).toMatchObject({ level: 'error', code: 'ERR_FORWARDER_CONFIG' });
    expect(line?.msg).toMatch(/PRESSGATE_RELAY_URL is not set.*PRESSGATE_DIRECTIVE_SECRET is not set/);
  });

  it('refuses an http relay URL to a host that is not loopback', async () => {
    // 192.0.2.0/24 is reserved for documentation and never routed, should the check ever break.
    vi.stubEnv('PRESSGATE_RELAY_URL', 'http://192.0.2.1');
    vi.stubEnv('PRESSGATE_DIRECTIVE_SECRET', DIRECTIVE_SECRET);
    vi.stubEnv('PRESSGATE_TIMEOUT_MS', '200');
    const output = captureConsole();
    const reply = (await handler(lambdaDiscover())) as Reply;
    expect(reply.event.payload.type).toBe('INTERNAL_ERROR');
    expect(output.lines()[0]?.msg).toMatch(/plain http to 192\.0\.2\.1/);
    expect(JSON.stringify(output.lines())).not.toContain(DIRECTIVE_SECRET);
  });
});

describe('bundled handler (dist-lambda/index.mjs)', () => {
  it('builds into one file that runs the same handler', async (context) => {
    const outDir = await freshDir('pressgate-lambda-');
    const outfile = join(outDir, 'index.mjs');
    try {
      // Can esbuild's native binary run on this machine at all? If not, there is nothing to test.
      const probe = "import('esbuild').then((esbuild) => esbuild.transform('let a = 1', {}))";
      await run(process.execPath, ['--input-type=module', '-e', probe], { cwd: packageDir, timeout: 30_000 });
    } catch (error) {
      context.skip(`esbuild cannot run here: ${error instanceof Error ? error.message : String(error)}`);
    }
    await run(process.execPath, ['bundle.mjs', outfile], { cwd: packageDir, timeout: 60_000 });
    // Dependency-free at run time: only Node built-ins are imported, nothing to npm install.
    const code = await readFile(outfile, 'utf8');
    const imported = [...code.matchAll(/^import\b[^;]*?from\s*["']([^"']+)["']/gm)].map((match) => match[1]);
    expect(imported.filter((name) => !name?.startsWith('node:'))).toEqual([]);
    // require() comes only from the banner's createRequire (for mqtt's CommonJS, Node built-ins).
    expect(code.startsWith("import { createRequire as __pressgateCreateRequire } from 'node:module';")).toBe(
      true,
    );
    for (const optional of ['bufferutil', 'utf-8-validate', 'supports-color']) {
      // The optional speed-ups left out are only ever required inside try/catch.
      expect(code.split(`("${optional}")`).length).toBeLessThanOrEqual(2);
    }
    expect((await stat(outfile)).size).toBeLessThan(700_000);
    const zip = await readFile(join(outDir, 'pressgate-forwarder.zip'));
    expect(zip.readUInt32LE(0)).toBe(0x04034b50);
    expect(zip.subarray(30, 39).toString('utf8')).toBe('index.mjs');
    expect(zip.length).toBeLessThan(250_000);
    const bundled = (await import(pathToFileURL(outfile).href)) as { handler?: Handler };
    expect(typeof bundled.handler).toBe('function');
    if (bundled.handler !== undefined) {
      await checkHandler(bundled.handler);
    }
  });
});
