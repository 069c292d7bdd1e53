// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax, not a mistaken template
import { z } from 'zod';
import { PressgateConfig } from './schema.js';

/**
 * JSON Schema of `pressgate.yaml` for editor completion, generated from the
 * zod schema (as written, so keys with defaults are optional). The relations
 * checked by rules.ts are not expressible here; `pressgate check` has them.
 * scripts/gen-config-schema.ts writes it to packages/protocol/pressgate.schema.json.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(PressgateConfig, { io: 'input', unrepresentable: 'any' });
  return {
    ...generated,
    title: 'pressgate.yaml',
    description:
      'Configuration of pressgate: the relay, the Alexa skill credentials, the directive secret and the USB button remotes with their gesture mappings. ${VAR} in any value is taken from the environment.',
  };
}
