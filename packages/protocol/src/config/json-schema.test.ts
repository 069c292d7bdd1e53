import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { EVENT_ASSET_IDS, INSTANCE_ASSET_IDS } from './assets.js';
import { configJsonSchema } from './json-schema.js';

/** The path of every key under a `properties` in `schema` that has no description. */
function undescribed(schema: unknown, path = '$'): { all: string[]; missing: string[] } {
  const all: string[] = [];
  const missing: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        walk(item, `${at}[${index}]`);
      });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const properties = record.properties;
    if (properties !== null && typeof properties === 'object') {
      for (const [key, value] of Object.entries(properties)) {
        all.push(`${at}.${key}`);
        const description = (value as { description?: unknown }).description;
        if (typeof description !== 'string' || description.length < 10) missing.push(`${at}.${key}`);
      }
    }
    for (const [key, value] of Object.entries(record)) walk(value, `${at}/${key}`);
  };
  walk(schema, path);
  return { all, missing };
}

describe('configJsonSchema', () => {
  it('matches the committed packages/protocol/pressgate.schema.json', async () => {
    const committed = JSON.parse(
      await readFile(new URL('../../pressgate.schema.json', import.meta.url), 'utf8'),
    );
    expect(
      committed,
      'pressgate.schema.json is stale: run pnpm exec tsx --conditions=source scripts/gen-config-schema.ts',
    ).toEqual(configJsonSchema());
  });

  it('describes the file for editors: title, required keys, strict objects, defaults', () => {
    const schema = configJsonSchema() as {
      title: string;
      required: string[];
      additionalProperties: boolean;
      properties: { relay: { properties: { port: { default: number } } } };
    };
    expect(schema.title).toBe('pressgate.yaml');
    expect(schema.required).toEqual(['alexa', 'directives']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.relay.properties.port.default).toBe(8787);
  });

  it('describes every key, for hover help in an editor', () => {
    const { all, missing } = undescribed(configJsonSchema());
    expect(all.length).toBeGreaterThan(50);
    expect(missing).toEqual([]);
    // The walker finds a key without one.
    expect(undescribed({ properties: { a: { type: 'string' } } }).missing).toEqual(['$.a']);
  });

  it('completes asset names from the catalog: button assets for buttons, event assets for gestures', () => {
    const dig = (node: unknown, ...path: (string | number)[]): unknown =>
      path.reduce<unknown>((at, key) => (at as Record<string | number, unknown> | undefined)?.[key], node);
    const button = dig(
      configJsonSchema(),
      'properties',
      'remotes',
      'items',
      'properties',
      'buttons',
      'items',
    );
    const assetOf = (names: unknown) => dig(names, 'items', 'anyOf', 0, 'properties', 'asset', 'enum');
    const buttonAssets = assetOf(dig(button, 'properties', 'names'));
    expect(buttonAssets).toEqual([...INSTANCE_ASSET_IDS].sort());
    expect(buttonAssets).toContain('Alexa.Button.OnButton');
    for (const gesture of ['single', 'double', 'long']) {
      const names = dig(button, 'properties', 'gestures', 'properties', gesture, 'properties', 'names');
      expect(assetOf(names)).toEqual([...EVENT_ASSET_IDS].sort());
    }
  });
});
