import { z } from 'zod';
import { type JsonStore, openJsonStore } from './json-file-store.js';

export const TOKENS_FILE = 'tokens.json';

export const TokenFile = z.object({
  version: z.literal(1),
  accessToken: z.string().min(1).optional(),
  refreshToken: z.string().min(1).optional(),
  /** Epoch ms. */
  accessTokenExpiresAt: z.number().optional(),
  updatedAt: z.string().optional(),
  relinkReason: z.string().optional(),
});
export type TokenFile = z.infer<typeof TokenFile>;

/** Opens `<dataDir>/tokens.json`; a missing file is an empty (unlinked) one. */
export function openTokenFile(dataDir: string): Promise<JsonStore<TokenFile>> {
  return openJsonStore<TokenFile>({
    dataDir,
    name: TOKENS_FILE,
    defaultData: () => ({ version: 1 }),
    parse: (value) => {
      const parsed = TokenFile.safeParse(value);
      return parsed.success
        ? { ok: true, data: parsed.data }
        : { ok: false, reason: z.prettifyError(parsed.error) };
    },
  });
}
