import { spawn } from 'node:child_process';
import { lstat, mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PressgateError } from '@pressgate/protocol';

/**
 * A pair of connected pseudo-terminals made by socat: bytes written on the
 * device side come out on the host side and back. `pressgate simulate` writes
 * protocol lines on the device side; the listener opens the host side.
 * Killing the pair is what unplugging a USB remote looks like to the host.
 */
export type PtyPair = {
  /** Symlink to the pty a virtual remote writes protocol lines to. */
  devicePath: string;
  /** Symlink to the pty the listener opens. */
  hostPath: string;
  /** Unplug: stop socat (the links disappear); resolves once it has exited. */
  kill(): Promise<void>;
  /** Resolves when socat has exited, for whatever reason. */
  closed: Promise<void>;
};

export type PtyPairOptions = {
  devicePath?: string;
  hostPath?: string;
  /** Folder for the default link paths; a fresh temp folder when absent. */
  dir?: string;
  /** How long to wait for socat to create both links (default 5000). */
  readyTimeoutMs?: number;
  /** The socat executable (default `socat` from PATH). */
  socatPath?: string;
};

const POLL_MS = 10;
const KILL_GRACE_MS = 2000;

/** Start socat and wait until both pty links exist. */
export async function openPtyPair(options: PtyPairOptions = {}): Promise<PtyPair> {
  const needDir = options.devicePath === undefined || options.hostPath === undefined;
  const ownDir =
    needDir && options.dir === undefined ? await mkdtemp(join(tmpdir(), 'pressgate-pty-')) : undefined;
  const dir = options.dir ?? ownDir ?? tmpdir();
  const devicePath = options.devicePath ?? join(dir, 'device');
  const hostPath = options.hostPath ?? join(dir, 'host');
  const socat = options.socatPath ?? 'socat';
  await removeStaleLink(devicePath);
  await removeStaleLink(hostPath);

  const child = spawn(
    socat,
    ['-d', '-d', `pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  let exited = false;
  let spawnError: NodeJS.ErrnoException | undefined;
  const closed = new Promise<void>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
      exited = true;
      resolve();
    });
    child.once('close', () => {
      exited = true;
      resolve();
    });
  }).then(async () => {
    if (ownDir !== undefined) await rm(ownDir, { recursive: true, force: true });
  });

  const kill = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const grace = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      await closed;
      clearTimeout(grace);
    }
    await closed;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 5000);
  for (;;) {
    if (spawnError !== undefined) {
      await closed;
      if (spawnError.code === 'ENOENT') {
        throw new PressgateError(
          'ERR_PTY_SOCAT_MISSING',
          `expected the socat program to make a pseudo-terminal pair, but "${socat}" was not found: install it (apt-get install socat)`,
          { cause: spawnError },
        );
      }
      throw new PressgateError('ERR_PTY_SOCAT_FAILED', `could not start socat: ${spawnError.message}`, {
        cause: spawnError,
      });
    }
    if (exited) {
      await closed;
      throw new PressgateError(
        'ERR_PTY_SOCAT_FAILED',
        `socat exited before creating ${devicePath} and ${hostPath}; check that both folders exist and are writable. socat said: ${stderr.trim() || '(nothing)'}`,
      );
    }
    if ((await exists(devicePath)) && (await exists(hostPath))) break;
    if (Date.now() > deadline) {
      await kill();
      throw new PressgateError(
        'ERR_PTY_TIMEOUT',
        `socat did not create ${devicePath} and ${hostPath} within ${options.readyTimeoutMs ?? 5000} ms. socat said: ${stderr.trim() || '(nothing)'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { devicePath, hostPath, kill, closed };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * socat replaces an existing link; remove an old one first (left by a socat
 * killed hard) so that waiting for the link does not see the old one.
 */
async function removeStaleLink(path: string): Promise<void> {
  try {
    if ((await lstat(path)).isSymbolicLink()) await unlink(path);
  } catch {
    // Missing is the normal case.
  }
}
