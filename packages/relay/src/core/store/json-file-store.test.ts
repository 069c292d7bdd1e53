import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPressgateError } from '@pressgate/protocol';
import { freshDir } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { ensureDataDir, openJsonStore } from './json-file-store.js';

type Counter = { version: 1; count: number };
const defaults = (): Counter => ({ version: 1, count: 0 });
const parse = (value: unknown) =>
  typeof value === 'object' && value !== null && typeof (value as Counter).count === 'number'
    ? { ok: true as const, data: value as Counter }
    : { ok: false as const, reason: 'count is missing' };

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('json file store', () => {
  it('treats a missing file as the default value and creates the data dir 0700', async () => {
    const root = await freshDir();
    const dataDir = join(root, 'nested', 'data');
    const { db } = await openJsonStore({ dataDir, name: 'counter.json', defaultData: defaults, parse });
    expect(db.data).toEqual({ version: 1, count: 0 });
    expect(await mode(dataDir)).toBe(0o700);
    await expect(stat(join(dataDir, 'counter.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('writes durably (0600, no temp file left) and reads back what it wrote', async () => {
    const dataDir = await freshDir();
    const first = await openJsonStore({ dataDir, name: 'counter.json', defaultData: defaults, parse });
    first.db.data.count = 7;
    await first.db.write();
    first.db.data.count = 8;
    await first.db.write();
    expect(await mode(join(dataDir, 'counter.json'))).toBe(0o600);
    expect(await readdir(dataDir)).toEqual(['counter.json']);
    const second = await openJsonStore({ dataDir, name: 'counter.json', defaultData: defaults, parse });
    expect(second.db.data.count).toBe(8);
  });

  it('keeps call order when writes overlap', async () => {
    const dataDir = await freshDir();
    const { db, adapter } = await openJsonStore({
      dataDir,
      name: 'counter.json',
      defaultData: defaults,
      parse,
    });
    const writes: Promise<void>[] = [];
    for (let i = 1; i <= 20; i += 1) writes.push(adapter.write({ version: 1, count: i }));
    await Promise.all(writes);
    expect(JSON.parse(await readFile(join(dataDir, 'counter.json'), 'utf8'))).toEqual({
      version: 1,
      count: 20,
    });
    expect(db.data.count).toBe(0);
  });

  it('tightens loose modes of an existing dir and file', async () => {
    const root = await freshDir();
    const dataDir = join(root, 'data');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    const file = join(dataDir, 'counter.json');
    await writeFile(file, JSON.stringify({ version: 1, count: 3 }));
    await chmod(file, 0o644);
    const { db } = await openJsonStore({ dataDir, name: 'counter.json', defaultData: defaults, parse });
    expect(db.data.count).toBe(3);
    expect(await mode(dataDir)).toBe(0o700);
    expect(await mode(file)).toBe(0o600);
    await chmod(dataDir, 0o750);
    await ensureDataDir(dataDir);
    expect(await mode(dataDir)).toBe(0o700);
  });

  it('ignores a temp file left by a crash mid-write and replaces it on the next write', async () => {
    const dataDir = await freshDir();
    const file = join(dataDir, 'counter.json');
    await writeFile(file, JSON.stringify({ version: 1, count: 5 }));
    await writeFile(join(dataDir, '.counter.json.tmp'), '{"version":1,"cou');
    const { db } = await openJsonStore({ dataDir, name: 'counter.json', defaultData: defaults, parse });
    expect(db.data.count).toBe(5);
    db.data.count = 6;
    await db.write();
    expect(await readdir(dataDir)).toEqual(['counter.json']);
    expect(JSON.parse(await readFile(file, 'utf8')).count).toBe(6);
  });

  it('a crash before the rename leaves the previous state (missing file stays the default)', async () => {
    const dataDir = await freshDir();
    await writeFile(join(dataDir, '.counter.json.tmp'), JSON.stringify({ version: 1, count: 9 }));
    const { db } = await openJsonStore({ dataDir, name: 'counter.json', defaultData: defaults, parse });
    expect(db.data.count).toBe(0);
  });

  it.each([
    ['not JSON', '{"version":1,"count":'],
    ['the wrong shape', '{"version":1}'],
  ])('refuses a corrupt file (%s), names it, and never overwrites it', async (_label, text) => {
    const dataDir = await freshDir();
    const file = join(dataDir, 'counter.json');
    await writeFile(file, text);
    const error = await openJsonStore({ dataDir, name: 'counter.json', defaultData: defaults, parse }).catch(
      (caught: unknown) => caught,
    );
    expect(isPressgateError(error, 'ERR_STORE_CORRUPT')).toBe(true);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/move it aside/);
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});
