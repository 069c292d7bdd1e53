import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshDir } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { invocationDir } from './invocation-dir.js';

const repoDir = fileURLToPath(new URL('../../..', import.meta.url));

describe('invocationDir', () => {
  it("is INIT_CWD under a package manager's script, the process directory otherwise", () => {
    const script = { INIT_CWD: '/home/me/remotes', npm_lifecycle_event: 'pressgate' };
    expect(invocationDir(script, '/repo')).toBe('/home/me/remotes');
    expect(invocationDir({ INIT_CWD: '/home/me/remotes' }, '/repo')).toBe('/repo');
    expect(invocationDir({ npm_lifecycle_event: 'pressgate' }, '/repo')).toBe('/repo');
    expect(invocationDir({ INIT_CWD: 'relative', npm_lifecycle_event: 'pressgate' }, '/repo')).toBe('/repo');
  });

  it('`pnpm pressgate check --config FILE` run elsewhere reads FILE from there, not the repository', async () => {
    const dir = await freshDir('pressgate-initcwd-');
    await writeFile(
      join(dir, 'mine.yaml'),
      'alexa: { clientId: a, clientSecret: b }\ndirectives: { secret: directive-secret-0123456789 }\nremotes: []\n',
    );
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          'pnpm',
          ['--silent', '--dir', repoDir, 'pressgate', 'check', '--config', 'mine.yaml'],
          { cwd: dir, timeout: 90_000 },
          (error, out, err) =>
            resolve({ code: error === null ? 0 : Number(error.code ?? -1), stdout: out, stderr: err }),
        );
      },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`${join(dir, 'mine.yaml')}: OK: 0 remotes`);
  }, 120_000);
});
