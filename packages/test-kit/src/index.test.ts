import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as kit from './index.js';

/** The modules index.ts re-exports, read from its own text. */
async function reExportedModules(): Promise<string[]> {
  const text = await readFile(new URL('./index.ts', import.meta.url), 'utf8');
  return [...text.matchAll(/from '(\.\/[a-z0-9-]+\.js)'/g)].map((match) => match[1] ?? '');
}

describe('the kit entry', () => {
  it('re-exports no value name from two modules (an explicit export would silently shadow the other)', async () => {
    const owners = new Map<string, string[]>();
    for (const path of await reExportedModules()) {
      const module = (await import(path)) as Record<string, unknown>;
      for (const name of Object.keys(module)) owners.set(name, [...(owners.get(name) ?? []), path]);
    }
    const shared = [...owners].filter(([, paths]) => paths.length > 1);
    expect(shared).toEqual([]);
    expect(owners.size).toBeGreaterThan(20);
    expect(Object.keys(kit).sort()).toEqual([...owners.keys()].sort());
  });
});
