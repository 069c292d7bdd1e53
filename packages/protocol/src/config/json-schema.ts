// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax, not a mistaken template
import { z } from 'zod';
import { EVENT_ASSET_IDS, INSTANCE_ASSET_IDS } from './assets.js';
import { PressgateConfig } from './schema.js';

type JsonSchema = { [key: string]: unknown };

function child(schema: unknown, ...path: (string | number)[]): JsonSchema {
  let node = schema;
  for (const key of path) {
    if (node === null || typeof node !== 'object') break;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (node === null || typeof node !== 'object') {
    throw new Error(`the generated schema has no ${path.join('.')}: the zod schema changed shape`);
  }
  return node as JsonSchema;
}

/**
 * A `names` list for editors: `asset` completes from the catalog (INSTANCE_ASSET_IDS for a
 * button, EVENT_ASSET_IDS for a gesture), and each key says what it is. The zod schema keeps
 * `asset` a string, so `pressgate check` can suggest the closest id for a typo.
 */
function describeNames(names: JsonSchema, catalog: ReadonlySet<string>, what: string): void {
  const [asset, text] = child(names, 'items', 'anyOf') as unknown as [JsonSchema, JsonSchema];
  const assetProperty = child(asset, 'properties', 'asset');
  assetProperty.enum = [...catalog].sort();
  assetProperty.description = `An Alexa asset id naming the ${what} in every language Alexa speaks, like ${[...catalog][0]}.`;
  asset.description = `A ${what} name from Amazon's catalog.`;
  child(text, 'properties', 'text').description = `The ${what}'s name as spoken, in the locale below.`;
  child(text, 'properties', 'locale').description = 'The language of the text, like en-US or de-DE.';
  text.description = `A ${what} name of your own, in one language.`;
}

/**
 * JSON Schema of `pressgate.yaml` for editor completion and hover help, generated from the
 * zod schema (as written, so keys with defaults are optional; every key's description comes
 * from its `.meta`). The relations checked by rules.ts are not expressible here; `pressgate
 * check` has them. scripts/gen-config-schema.ts writes it to packages/protocol/pressgate.schema.json.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(PressgateConfig, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const button = child(generated, 'properties', 'remotes', 'items', 'properties', 'buttons', 'items');
  describeNames(child(button, 'properties', 'names'), INSTANCE_ASSET_IDS, 'button');
  for (const gesture of ['single', 'double', 'long']) {
    const names = child(button, 'properties', 'gestures', 'properties', gesture, 'properties', 'names');
    describeNames(names, EVENT_ASSET_IDS, 'gesture');
  }
  return {
    ...generated,
    title: 'pressgate.yaml',
    description:
      'Configuration of pressgate: the relay, the Alexa skill credentials, the directive secret and the USB button remotes with their gesture mappings. ${VAR} in any value is taken from the environment.',
  };
}
