/**
 * Writes packages/protocol/pressgate.schema.json (JSON Schema of
 * pressgate.yaml for editors) from the zod schema. Run after changing the
 * schema: pnpm exec tsx --conditions=source scripts/gen-config-schema.ts
 * A test fails while the committed file is stale.
 */
import { writeFile } from 'node:fs/promises';
import { configJsonSchema } from '@pressgate/protocol';

const target = new URL('../packages/protocol/pressgate.schema.json', import.meta.url);
await writeFile(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
