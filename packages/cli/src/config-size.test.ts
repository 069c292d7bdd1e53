import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { captureIo, freshDir } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';
import { CONFIG_FILE_LIMIT_BYTES, loadConfigFile } from './config-file.js';

const EXAMPLE = new URL('../../../examples/pressgate.yaml', import.meta.url).pathname;
const ENV = {
  PRESSGATE_CLIENT_ID: 'amzn1.application-oa2-client.example',
  PRESSGATE_CLIENT_SECRET: 'example-client-secret-value',
  PRESSGATE_DIRECTIVE_SECRET: 'example-directive-secret-value',
};

/** The example config with a comment that takes it past the limit by `extraBytes`. */
async function oversizeConfig(extraBytes: number): Promise<string> {
  const dir = await freshDir('pressgate-config-size-');
  const file = join(dir, 'pressgate.yaml');
  const example = await readFile(EXAMPLE, 'utf8');
  await writeFile(
    file,
    `${example}\n# ${'x'.repeat(CONFIG_FILE_LIMIT_BYTES - example.length + extraBytes)}\n`,
  );
  return file;
}

describe('config file size cap (1 MiB)', () => {
  it.each(['check', 'run', 'discovery'])(
    '%s: exits 2 with a clear message for a config over 1 MiB',
    async (command) => {
      const file = await oversizeConfig(50 * 1024 * 1024);
      const io = captureIo({ env: ENV });
      const startedAt = Date.now();
      expect(await runCli([command, '--config', file], io)).toBe(2);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      expect(io.err()).toContain(`larger than ${CONFIG_FILE_LIMIT_BYTES} bytes`);
      expect(io.out()).toBe('');
    },
  );

  it('reads a config just under the cap, and stops an endless file at the cap', async () => {
    const under = await loadConfigFile(await oversizeConfig(-100), ENV);
    expect(under.ok).toBe(true);
    const endless = await loadConfigFile('/dev/zero', ENV);
    expect(endless).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringContaining('larger than') }],
    });
  });
});
