import { isAbsolute } from 'node:path';

/**
 * The directory the person ran the command in, for relative paths they type.
 * Under `pnpm pressgate` (or `npm run`) the script runs in the repository root
 * and the package manager keeps the person's directory in INIT_CWD; it also
 * sets npm_lifecycle_event, which tells a script run apart from a stray
 * INIT_CWD inherited by a pressgate started some other way.
 */
export function invocationDir(env: Readonly<Record<string, string | undefined>>, processCwd: string): string {
  const initCwd = env.INIT_CWD;
  const underScript = env.npm_lifecycle_event !== undefined && env.npm_lifecycle_event !== '';
  return underScript && initCwd !== undefined && isAbsolute(initCwd) ? initCwd : processCwd;
}
