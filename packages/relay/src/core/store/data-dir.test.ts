import { chmod, chown, link, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPressgateError } from '@pressgate/protocol';
import { freshDir } from '@pressgate/test-kit';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SignatureLedger } from '../directives/signature-ledger.js';
import { Outbox } from '../outbox/outbox.js';
import { openTokenFile } from '../tokens/token-file.js';
import { ensureDataDir } from './data-dir.js';

const isRoot = process.geteuid?.() === 0;

async function failure(promise: Promise<unknown>): Promise<Error & { code: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isPressgateError(error)) throw new Error(`expected a PressgateError, got ${String(error)}`);
  return error;
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

/** A data dir (0700) and a file outside it that planted links point at. */
async function planted() {
  const root = await freshDir();
  const dataDir = join(root, 'data');
  await mkdir(dataDir, { mode: 0o700 });
  const victim = join(root, 'victim.txt');
  await writeFile(victim, 'precious\n', { mode: 0o644 });
  await chmod(victim, 0o644);
  return { dataDir, victim };
}

async function untouched(victim: string): Promise<void> {
  expect(await readFile(victim, 'utf8')).toBe('precious\n');
  expect(await modeOf(victim)).toBe(0o644);
}

describe('data directory checks', () => {
  it.each([0o777, 0o770, 0o702])('refuses a directory of mode %o and says how to fix it', async (mode) => {
    const dir = join(await freshDir(), 'data');
    await mkdir(dir);
    await chmod(dir, mode);
    const error = await failure(ensureDataDir(dir));
    expect(error.code).toBe('ERR_STORE_DATA_DIR');
    expect(error.message).toContain(`chmod 700 ${dir}`);
    // Not quietly "fixed": the owner must look at what is inside first.
    expect(await modeOf(dir)).toBe(mode);
  });

  it.runIf(isRoot)('refuses a directory owned by another user, as root too, naming chown', async () => {
    const dir = join(await freshDir(), 'data');
    await mkdir(dir, { mode: 0o700 });
    await chown(dir, 4321, 4321);
    const error = await failure(ensureDataDir(dir));
    expect(error.code).toBe('ERR_STORE_DATA_DIR');
    expect(error.message).toMatch(/owned by uid 4321/);
    expect(error.message).toContain('chown');
  });

  it('creates a missing one 0700 and tightens a 0755 one (nobody else could write it)', async () => {
    const root = await freshDir();
    await ensureDataDir(join(root, 'new'));
    expect(await modeOf(join(root, 'new'))).toBe(0o700);
    await mkdir(join(root, 'open'));
    await chmod(join(root, 'open'), 0o755);
    await ensureDataDir(join(root, 'open'));
    expect(await modeOf(join(root, 'open'))).toBe(0o700);
  });

  it.each([
    ['/proc/self/pressgate-data', /data directory \/proc\/self\/pressgate-data/],
    ['/dev/null/data', /cannot create it/],
  ])('fails fast on %s, where no store can work', async (dir, message) => {
    const started = performance.now();
    const error = await failure(ensureDataDir(dir));
    expect(error.code).toBe('ERR_STORE_DATA_DIR');
    expect(error.message).toMatch(message);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('files in the data directory are never reached through a link', () => {
  it('a tokens.json symlink is refused, its target untouched', async () => {
    const { dataDir, victim } = await planted();
    await symlink(victim, join(dataDir, 'tokens.json'));
    const error = await failure(openTokenFile(dataDir));
    expect(error.code).toBe('ERR_STORE_UNSAFE_FILE');
    expect(error.message).toMatch(/symbolic link/);
    await untouched(victim);
  });

  it('a tokens.json hard link to another file is refused, its target untouched', async () => {
    const { dataDir, victim } = await planted();
    await link(victim, join(dataDir, 'tokens.json'));
    expect((await failure(openTokenFile(dataDir))).code).toBe('ERR_STORE_UNSAFE_FILE');
    await untouched(victim);
  });

  it('a planted temp-file link is replaced, not written through; the rename replaces a link, not its target', async () => {
    const { dataDir, victim } = await planted();
    const { db } = await openTokenFile(dataDir);
    await symlink(victim, join(dataDir, '.tokens.json.tmp'));
    db.data.refreshToken = 'r';
    await db.write();
    await untouched(victim);
    // Now tokens.json itself becomes a link, planted between reads: the next write replaces it.
    await symlink(victim, join(dataDir, 'other'));
    const { rename } = await import('node:fs/promises');
    await rename(join(dataDir, 'other'), join(dataDir, 'tokens.json'));
    await db.write();
    await untouched(victim);
    expect(JSON.parse(await readFile(join(dataDir, 'tokens.json'), 'utf8'))).toMatchObject({
      refreshToken: 'r',
    });
  });

  it('outbox and signature journals behind symlinks are refused, their targets untouched', async () => {
    const { dataDir, victim } = await planted();
    await symlink(victim, join(dataDir, 'outbox.journal'));
    const outbox = new Outbox({ dataDir });
    onTestFinished(() => outbox.close());
    expect((await failure(outbox.open())).code).toBe('ERR_STORE_UNSAFE_FILE');
    await symlink(victim, join(dataDir, 'signatures.journal'));
    const ledger = new SignatureLedger({ dataDir });
    onTestFinished(() => ledger.close());
    expect((await failure(ledger.open(1_700_000_000))).code).toBe('ERR_STORE_UNSAFE_FILE');
    await untouched(victim);
  });

  it('an outbox.json symlink is refused, its target untouched', async () => {
    const { dataDir, victim } = await planted();
    await symlink(victim, join(dataDir, 'outbox.json'));
    const outbox = new Outbox({ dataDir });
    onTestFinished(() => outbox.close());
    expect((await failure(outbox.open())).code).toBe('ERR_STORE_UNSAFE_FILE');
    await untouched(victim);
  });
});
