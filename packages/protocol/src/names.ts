import { z } from 'zod';

/**
 * A friendly name as the config writes it: an Alexa asset id from the catalog,
 * or free text with its locale. Alexa messages turn these into
 * `{"@type":"asset",...}` / `{"@type":"text",...}` entries.
 */
export const AssetName = z.strictObject({ asset: z.string().min(1) });
export type AssetName = z.infer<typeof AssetName>;

export const TextName = z.strictObject({
  text: z.string().min(1).max(128),
  locale: z.string().regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'a locale like en-US'),
});
export type TextName = z.infer<typeof TextName>;

export const FriendlyName = z.union([AssetName, TextName]);
export type FriendlyName = z.infer<typeof FriendlyName>;
