import { constants } from 'node:fs';
import { chmod, type FileHandle, mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PressgateError } from '@pressgate/protocol';
import { isNoSpace } from './disk-reserve.js';

export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;

/**
 * The data directory holds tokens and the outbox; the relay (often root) opens, truncates and
 * chmods files in it. So it must be this user's alone: a directory another user can write could
 * hold planted links that turn those writes onto other files. Checked before every store opens:
 *
 * - created 0700 when missing; an existing one must be a directory owned by this user (root
 *   included) and neither group- nor other-writable, else ERR_STORE_DATA_DIR with the fix; a
 *   readable-by-others one (0755) is tightened to 0700, which takes nothing from anyone who
 *   could write.
 * - a probe file is created, synced and removed, so a place where files cannot live (a read-only
 *   mount, /proc) fails here, at once, with the reason.
 *
 * Files inside it are never opened through a symlink (O_NOFOLLOW) and must be regular files of
 * this user with one link (`openDataFile`); a replaced file is renamed over, which replaces a
 * link itself, never its target.
 */
export async function ensureDataDir(dir: string): Promise<void> {
  try {
    await makeDirectory(resolve(dir));
  } catch (error) {
    throw dataDirError(dir, `cannot create it: ${(error as Error).message}`, error);
  }
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch (error) {
    throw dataDirError(dir, `cannot read it: ${(error as Error).message}`, error);
  }
  if (!info.isDirectory()) throw dataDirError(dir, 'it is not a directory');
  const uid = currentUid();
  if (uid !== undefined && info.uid !== uid) {
    throw new PressgateError(
      'ERR_STORE_DATA_DIR',
      `data directory ${dir} is owned by uid ${info.uid}, not by the user pressgate runs as (uid ${uid}); run \`chown ${uid} ${dir}\` (and \`chmod 700 ${dir}\`), or set relay.dataDir to a directory of this user`,
    );
  }
  if ((info.mode & 0o022) !== 0) {
    throw new PressgateError(
      'ERR_STORE_DATA_DIR',
      `data directory ${dir} is writable by ${(info.mode & 0o020) !== 0 ? 'its group' : 'other users'} (mode ${(info.mode & 0o777).toString(8)}); another user could plant links in it: check its contents, then run \`chmod 700 ${dir}\``,
    );
  }
  if ((info.mode & 0o777) !== DATA_DIR_MODE) await chmod(dir, DATA_DIR_MODE);
  await probe(dir);
}

/**
 * mkdir -p, bounded by the path's depth. Not `mkdir({ recursive: true })`: under /proc (say
 * /proc/self/data) that one never returns and spins a core, since the kernel answers ENOENT for
 * a directory whose parent exists.
 */
async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: DATA_DIR_MODE });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    await makeDirectory(parent);
    try {
      await mkdir(dir, { mode: DATA_DIR_MODE });
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'EEXIST') throw again;
    }
  }
}

/** Creates, syncs and removes a file, so a directory where the store cannot work fails now. */
async function probe(dir: string): Promise<void> {
  const file = join(dir, `.probe-${process.pid}`);
  try {
    await unlink(file).catch(() => undefined);
    const handle = await open(file, CREATE_NEW_FLAGS, DATA_FILE_MODE);
    try {
      await handle.writeFile('probe\n');
      await handle.sync();
    } catch (error) {
      // A full disk is a place where files can live: the stores handle it (and free space).
      if (!isNoSpace(error)) throw error;
    } finally {
      await handle.close();
    }
    await unlink(file);
  } catch (error) {
    throw dataDirError(dir, `cannot keep files in it: ${(error as Error).message}`, error);
  }
}

/** Flags for a new file that must not exist yet (and is never a followed link). */
export const CREATE_NEW_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Opens a data file without following a link, then checks it is a regular file of this user
 * with one name (a hard link could point at any file the user can write). An unsafe file is
 * ERR_STORE_UNSAFE_FILE; an ENOENT passes through for the caller. The mode is tightened to 0600.
 */
export async function openDataFile(path: string, flags: number): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags | constants.O_NOFOLLOW, DATA_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw unsafeFile(path, 'it is a symbolic link');
    throw error;
  }
  try {
    const info = await handle.stat();
    const uid = currentUid();
    if (!info.isFile()) throw unsafeFile(path, 'it is not a regular file');
    if (info.nlink > 1) throw unsafeFile(path, `it has ${info.nlink} hard links`);
    if (uid !== undefined && info.uid !== uid) throw unsafeFile(path, `it is owned by uid ${info.uid}`);
    if ((info.mode & 0o777) !== DATA_FILE_MODE) await handle.chmod(DATA_FILE_MODE);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

function currentUid(): number | undefined {
  return typeof process.geteuid === 'function' ? process.geteuid() : undefined;
}

function unsafeFile(path: string, why: string): PressgateError {
  return new PressgateError(
    'ERR_STORE_UNSAFE_FILE',
    `${path} is not a file pressgate made (${why}); pressgate never follows links or writes through them in its data directory: check who put it there, remove it and restart`,
  );
}

function dataDirError(dir: string, why: string, cause?: unknown): PressgateError {
  return new PressgateError(
    'ERR_STORE_DATA_DIR',
    `data directory ${dir}: ${why}; set relay.dataDir to a directory the service user owns and can write`,
    cause === undefined ? undefined : { cause },
  );
}
