import { z } from 'zod';
import type { LinkStatus } from '../../ports.js';
import { type JsonStore, openJsonStore } from '../store/json-file-store.js';

export const TOKENS_FILE = 'tokens.json';
/** 9999-12-31T23:59:59.999Z: the last time `toISOString` writes with four year digits. */
const MAX_DATE_MS = 253_402_300_799_999;

export const TokenFile = z.object({
  version: z.literal(1),
  accessToken: z.string().min(1).optional(),
  refreshToken: z.string().min(1).optional(),
  /** Epoch ms; bounded so it is always a valid date (a year 10000 expiry is a broken file). */
  accessTokenExpiresAt: z.number().int().min(0).max(MAX_DATE_MS).optional(),
  updatedAt: z
    .string()
    .refine((text) => Number.isFinite(Date.parse(text)), 'not a valid date')
    .optional(),
  relinkReason: z.string().optional(),
  /** The relinkReason is a wrong gateway region, not a broken link: cleared at start. */
  wrongRegion: z.boolean().optional(),
});
export type TokenFile = z.infer<typeof TokenFile>;

export const WRONG_REGION_ADVICE =
  "Amazon's event gateway for alexa.region does not know this account (SKILL_NEVER_ENABLED_EXCEPTION): set alexa.region to the account's region (NA, EU or FE), or to auto, and restart; relinking does not help";

/** The link as status shows it: never a token, only its expiry. */
export function linkStatusOf(data: TokenFile | undefined): LinkStatus {
  if (data?.refreshToken === undefined) return { state: 'unlinked' };
  const status: LinkStatus = {
    state:
      data.relinkReason === undefined
        ? 'linked'
        : data.wrongRegion === true
          ? 'wrong_region'
          : 'relink_required',
  };
  if (data.wrongRegion === true) status.advice = WRONG_REGION_ADVICE;
  if (data.accessTokenExpiresAt !== undefined) {
    status.accessTokenExpiresAt = new Date(data.accessTokenExpiresAt).toISOString();
  }
  if (data.relinkReason !== undefined) status.reason = data.relinkReason;
  if (data.updatedAt !== undefined) status.updatedAt = data.updatedAt;
  return status;
}

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
    corruptHint: 'then relink the skill in the Alexa app (disable and enable it) to store new tokens',
  });
}
