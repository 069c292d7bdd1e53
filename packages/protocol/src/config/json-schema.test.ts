import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from './json-schema.js';

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
});
