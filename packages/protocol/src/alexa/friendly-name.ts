import { z } from 'zod';
import type { FriendlyName } from '../names.js';

/** A friendly name as Alexa messages carry it: an asset id from Amazon's catalog. */
export const AlexaAssetName = z.strictObject({
  '@type': z.literal('asset'),
  value: z.strictObject({ assetId: z.string().min(1) }),
});
export type AlexaAssetName = z.infer<typeof AlexaAssetName>;

/** A friendly name as Alexa messages carry it: free text in a locale. */
export const AlexaTextName = z.strictObject({
  '@type': z.literal('text'),
  value: z.strictObject({
    text: z.string().min(1).max(128),
    locale: z.string().regex(/^[a-z]{2,3}-[A-Z]{2}$/, 'a locale like en-US'),
  }),
});
export type AlexaTextName = z.infer<typeof AlexaTextName>;

export const AlexaFriendlyName = z.discriminatedUnion('@type', [AlexaAssetName, AlexaTextName]);
export type AlexaFriendlyName = z.infer<typeof AlexaFriendlyName>;

/** A config friendly name (`{asset}` or `{text, locale}`) in Alexa's `@type` form. */
export function toAlexaName(name: FriendlyName): AlexaFriendlyName {
  if ('asset' in name) return { '@type': 'asset', value: { assetId: name.asset } };
  return { '@type': 'text', value: { text: name.text, locale: name.locale } };
}
