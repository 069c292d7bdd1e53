import { execFile } from 'node:child_process';
import { chmod, cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshDir } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';

const repoDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const scriptsDir = join(repoDir, 'scripts');

type Run = { code: number; stdout: string; stderr: string };

function runCommand(file: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Fakes of the commands that would change this machine, first on PATH: they record each call in
 * calls.log (with --prefix the scripts must make none: every test asserts an empty log) and
 * keep a pretend user database in files, so `id` answers as it would after useradd/usermod.
 */
const FAKES: Record<string, string> = {
  useradd:
    'echo "useradd $*" >>"$FAKE_STATE/calls.log"\nfor last; do :; done\necho "$last" >>"$FAKE_STATE/users"',
  usermod: 'echo "usermod $*" >>"$FAKE_STATE/calls.log"\necho "$3" >>"$FAKE_STATE/groups-$4"',
  userdel: 'echo "userdel $*" >>"$FAKE_STATE/calls.log"\n: >"$FAKE_STATE/users"',
  systemctl: 'echo "systemctl $*" >>"$FAKE_STATE/calls.log"',
  chown: 'echo "chown $*" >>"$FAKE_STATE/calls.log"',
  id: [
    'case "$1" in -u|-nG) flag="$1"; user="$2" ;; *) flag=""; user="" ;; esac',
    '[ -n "$user" ] || exec /usr/bin/id "$@"',
    'grep -qx "$user" "$FAKE_STATE/users" 2>/dev/null || { echo "id: $user: no such user" >&2; exit 1; }',
    'if [ "$flag" = -u ]; then echo 990; else echo "$user $(cat "$FAKE_STATE/groups-$user" 2>/dev/null)"; fi',
  ].join('\n'),
};

type Sandbox = {
  /** A copy of the repository's scripts/ beside an examples/pressgate.yaml and the schema, like a checkout. */
  checkout: string;
  /** An executable stand-in for the installed `pressgate`, for --bin. */
  bin: string;
  /** The --prefix root. */
  root: string;
  env: NodeJS.ProcessEnv;
  calls: () => Promise<string[]>;
  install: (...args: string[]) => Promise<Run>;
  uninstall: (...args: string[]) => Promise<Run>;
};

const EXAMPLE =
  '# yaml-language-server: $schema=../packages/protocol/pressgate.schema.json\n#\n' +
  'relay:\n  host: 127.0.0.1\n  dataDir: ./data # tokens, outbox\nremotes: []\n';
const SCHEMA_TARGET = '/etc/pressgate/pressgate.schema.json';

async function sandbox(): Promise<Sandbox> {
  const dir = await freshDir('pressgate-service-');
  const checkout = join(dir, 'checkout');
  const root = join(dir, 'root');
  const fakes = join(dir, 'fake-bin');
  const state = join(dir, 'fake-state');
  await Promise.all([
    mkdir(root),
    mkdir(fakes),
    mkdir(state),
    mkdir(join(checkout, 'examples'), { recursive: true }),
    mkdir(join(checkout, 'packages', 'protocol'), { recursive: true }),
  ]);
  await cp(scriptsDir, join(checkout, 'scripts'), { recursive: true });
  await writeFile(join(checkout, 'examples', 'pressgate.yaml'), EXAMPLE);
  await cp(
    join(repoDir, 'packages', 'protocol', 'pressgate.schema.json'),
    join(checkout, 'packages', 'protocol', 'pressgate.schema.json'),
  );
  const bin = join(dir, 'pressgate');
  await writeFile(bin, '#!/bin/sh\nexit 0\n');
  await chmod(bin, 0o755);
  for (const [name, body] of Object.entries(FAKES)) {
    await writeFile(join(fakes, name), `#!/bin/sh\n${body}\n`);
    await chmod(join(fakes, name), 0o755);
  }
  const env = { ...process.env, PATH: `${fakes}${delimiter}${process.env.PATH ?? ''}`, FAKE_STATE: state };
  const calls = async (): Promise<string[]> => {
    const text = await readFile(join(state, 'calls.log'), 'utf8').catch(() => '');
    return text.split('\n').filter((line) => line !== '');
  };
  return {
    checkout,
    bin,
    root,
    env,
    calls,
    install: (...args) => runCommand(join(checkout, 'scripts', 'install-service.sh'), args, env),
    uninstall: (...args) => runCommand(join(checkout, 'scripts', 'uninstall-service.sh'), args, env),
  };
}

async function modeOf(path: string): Promise<string> {
  return ((await stat(path)).mode & 0o777).toString(8).padStart(4, '0');
}

function expectOk(run: Run): void {
  expect(run.code, `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
}

const USERADD =
  'useradd --system --user-group --home-dir /var/lib/pressgate --no-create-home --shell /usr/sbin/nologin --comment pressgate service pressgate';

describe('service install scripts', () => {
  it('parse with bash -n', async () => {
    for (const script of ['install-service.sh', 'uninstall-service.sh']) {
      expectOk(await runCommand('bash', ['-n', join(scriptsDir, script)]));
    }
  });

  it('print help, and refuse unknown options with exit 2', async () => {
    const box = await sandbox();
    const help = await box.install('--help');
    expectOk(help);
    expect(help.stdout).toMatch(/--dry-run[\s\S]*--prefix DIR[\s\S]*--bin PATH/);
    expect((await box.uninstall('--help')).stdout).toMatch(/--purge/);
    const bad = await box.install('--frobnicate');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --frobnicate/);
    expect((await box.install('--prefix', join(box.root, 'missing'))).code).toBe(2);
    expect(await box.calls()).toEqual([]);
  });

  it('--dry-run prints every action and changes nothing, with or without --prefix', async () => {
    const box = await sandbox();
    const run = await box.install('--dry-run', '--bin', box.bin);
    expectOk(run);
    expect(run.stdout).toContain(`would run: ${USERADD.replace('pressgate service', 'pressgate\\ service')}`);
    expect(run.stdout).toContain('would run: usermod --append --groups dialout pressgate');
    expect(run.stdout).toContain('would write: /etc/systemd/system/pressgate.service (mode 0644)');
    expect(run.stdout).toContain('would write: /etc/pressgate/env (mode 0600)');
    expect(run.stdout).toContain(`would write: ${SCHEMA_TARGET} (mode 0644)`);
    expect(run.stdout).toContain('would run: systemctl daemon-reload');
    expect(run.stdout).toContain('systemctl enable --now pressgate');
    expect(await box.calls()).toEqual([]);

    const prefixed = await box.install('--dry-run', '--prefix', box.root, '--bin', box.bin);
    expectOk(prefixed);
    expect(prefixed.stdout).toContain(`would write: ${box.root}/etc/pressgate/pressgate.yaml (mode 0640)`);
    expect(prefixed.stdout).not.toMatch(/would run: (useradd|usermod|systemctl|chown)/);
    expect(await readdir(box.root)).toEqual([]);
    expect(await box.calls()).toEqual([]);

    for (const args of [['--purge'], []]) {
      const removal = await box.uninstall('--dry-run', ...args);
      expectOk(removal);
      expect(removal.stdout).toContain('would run: systemctl stop pressgate.service');
      expect(removal.stdout).toContain('Dry run: nothing was removed.');
      expect(removal.stdout).not.toContain('Purged.');
    }
    const purge = await box.uninstall('--dry-run', '--prefix', box.root, '--purge');
    expectOk(purge);
    expect(purge.stdout).toMatch(/would run: rm -rf .*etc\/pressgate .*var\/lib\/pressgate/);
    expect(purge.stdout).not.toContain('Purged.');
    expect(await box.calls()).toEqual([]);
  });

  it('--bin must exist and be executable; a built main.js runs through node', async () => {
    const box = await sandbox();
    const missing = await box.install('--prefix', box.root, '--bin', join(box.root, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist or is not executable');
    const plain = join(box.checkout, 'not-executable');
    await writeFile(plain, 'x');
    expect((await box.install('--prefix', box.root, '--bin', plain)).code).toBe(2);
    expect((await box.install('--prefix', box.root, '--bin', 'relative/pressgate')).code).toBe(2);
    expect(await readdir(box.root)).toEqual([]);

    const entry = join(box.checkout, 'main.js');
    await writeFile(entry, '');
    expectOk(await box.install('--prefix', box.root, '--bin', entry));
    const unit = await readFile(join(box.root, 'etc/systemd/system/pressgate.service'), 'utf8');
    const node = (await runCommand('sh', ['-c', 'command -v node'])).stdout.trim();
    expect(unit).toContain(`\nExecStart=${node} ${entry} run --config /etc/pressgate/pressgate.yaml\n`);
    expect(await box.calls()).toEqual([]);
  });

  it('installs the unit, env template and config with the right modes, then leaves them alone', async () => {
    const box = await sandbox();
    const run = await box.install('--prefix', box.root, '--bin', box.bin);
    expectOk(run);
    expect(run.stdout).toContain('skip: user pressgate');

    const unitPath = join(box.root, 'etc/systemd/system/pressgate.service');
    const envPath = join(box.root, 'etc/pressgate/env');
    const configPath = join(box.root, 'etc/pressgate/pressgate.yaml');
    expect(await modeOf(unitPath)).toBe('0644');
    expect(await modeOf(envPath)).toBe('0600');
    expect(await modeOf(configPath)).toBe('0640');
    expect(await modeOf(join(box.root, 'etc/pressgate'))).toBe('0750');
    const unit = await readFile(unitPath, 'utf8');
    expect(unit).toContain(`\nExecStart=${box.bin} run --config /etc/pressgate/pressgate.yaml\n`);
    const env = await readFile(envPath, 'utf8');
    for (const name of ['PRESSGATE_CLIENT_ID=', 'PRESSGATE_CLIENT_SECRET=', 'PRESSGATE_DIRECTIVE_SECRET=']) {
      expect(env).toContain(`\n${name}\n`);
    }
    const config = await readFile(configPath, 'utf8');
    expect(config).toBe(
      EXAMPLE.replace('dataDir: ./data #', 'dataDir: /var/lib/pressgate #').replace(
        '$schema=../packages/protocol/pressgate.schema.json',
        `$schema=${SCHEMA_TARGET}`,
      ),
    );
    // The modeline names a file that exists once installed.
    const named = config.match(/\$schema=(\S+)/)?.[1] ?? 'none';
    expect(await readFile(join(box.root, named), 'utf8')).toBe(
      await readFile(join(repoDir, 'packages/protocol/pressgate.schema.json'), 'utf8'),
    );
    expect(await box.calls()).toEqual([]);

    // The user fills in the secrets and edits the config; a second run keeps both.
    await writeFile(envPath, 'PRESSGATE_CLIENT_ID=mine\n');
    await writeFile(configPath, 'relay: { dataDir: /srv/pressgate }\n');
    const again = await box.install('--prefix', box.root, '--bin', box.bin);
    expectOk(again);
    expect(again.stdout).toMatch(/ok: .*env exists, left as it is/);
    expect(await readFile(envPath, 'utf8')).toBe('PRESSGATE_CLIENT_ID=mine\n');
    expect(await readFile(configPath, 'utf8')).toBe('relay: { dataDir: /srv/pressgate }\n');
    expect(await readFile(unitPath, 'utf8')).toBe(unit);
    expect(await box.calls()).toEqual([]);
  });

  it('uninstalls the unit but keeps config and data, unless --purge', async () => {
    const box = await sandbox();
    expectOk(await box.install('--prefix', box.root, '--bin', box.bin));
    await mkdir(join(box.root, 'var/lib/pressgate'), { recursive: true });
    await writeFile(join(box.root, 'var/lib/pressgate/tokens.json'), '{}');

    expectOk(await box.uninstall('--prefix', box.root));
    await expect(stat(join(box.root, 'etc/systemd/system/pressgate.service'))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(box.root, 'etc/pressgate/env'), 'utf8')).toContain('PRESSGATE_CLIENT_ID=');
    expect(await readFile(join(box.root, 'var/lib/pressgate/tokens.json'), 'utf8')).toBe('{}');
    expect(await box.calls()).toEqual([]);

    const purge = await box.uninstall('--prefix', box.root, '--purge');
    expectOk(purge);
    expect(purge.stdout).toContain('Purged.');
    await expect(stat(join(box.root, 'etc/pressgate'))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(box.root, 'var/lib/pressgate'))).rejects.toThrow(/ENOENT/);
    expect(await box.calls()).toEqual([]);
  });

  it('installs a unit that systemd-analyze verify accepts', async () => {
    await needSystemdAnalyze();
    const box = await sandbox();
    // verify checks that ExecStart's program exists: point it at this node binary.
    expectOk(await box.install('--prefix', box.root, '--bin', process.execPath));
    const unitPath = join(box.root, 'etc/systemd/system/pressgate.service');
    const verify = await runCommand('systemd-analyze', ['verify', unitPath]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stderr.split('\n').filter((line) => line.includes('pressgate.service'))).toEqual([]);
  });
});

async function needSystemdAnalyze(): Promise<void> {
  const which = await runCommand('sh', ['-c', 'command -v systemd-analyze']);
  if (which.code !== 0) {
    throw new Error(
      'systemd-analyze is missing: install the Debian package "systemd" (apt-get install systemd)',
    );
  }
}

describe('systemd unit and udev template', () => {
  it('rates 2.5 or lower in systemd-analyze security', async () => {
    await needSystemdAnalyze();
    const box = await sandbox();
    expectOk(await box.install('--prefix', box.root, '--bin', process.execPath));
    const unitPath = join(box.root, 'etc/systemd/system/pressgate.service');
    const rating = await runCommand('systemd-analyze', ['security', '--offline=yes', '--no-pager', unitPath]);
    expect(rating.code, rating.stderr).toBe(0);
    const level = rating.stdout.match(/Overall exposure level for pressgate\.service: (\d+(?:\.\d+)?)/)?.[1];
    expect(level, rating.stdout.slice(-3000)).toBeDefined();
    expect(Number(level)).toBeLessThanOrEqual(2.5);
  });

  it('runs as pressgate with serial access and reload on SIGHUP, without PrivateDevices', async () => {
    const unit = await readFile(join(scriptsDir, 'systemd/pressgate.service'), 'utf8');
    const settings = unit.split('\n').filter((line) => /^[A-Za-z]+=/.test(line));
    for (const expected of [
      'User=pressgate',
      'SupplementaryGroups=dialout',
      'StateDirectory=pressgate',
      'EnvironmentFile=-/etc/pressgate/env',
      'Restart=on-failure',
      'KillSignal=SIGTERM',
      'TimeoutStopSec=15',
      'ExecReload=/bin/kill -HUP $MAINPID',
      'ProtectSystem=strict',
      'NoNewPrivileges=yes',
      'ReadWritePaths=/var/lib/pressgate',
      'DevicePolicy=closed',
      'DeviceAllow=char-ttyACM rw',
      'DeviceAllow=char-ttyUSB rw',
      'CapabilityBoundingSet=',
      'SystemCallFilter=@system-service',
      'ProtectProc=invisible',
      'RemoveIPC=yes',
      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    ]) {
      expect(settings).toContain(expected);
    }
    expect(settings.some((line) => line.startsWith('RestartSec='))).toBe(true);
    expect(settings.some((line) => line.startsWith('PrivateDevices='))).toBe(false);
  });

  it('gives each example remote a /dev/pressgate-<name> link in group dialout, mode 0660', async () => {
    const rules = await readFile(join(scriptsDir, 'udev/99-pressgate.rules'), 'utf8');
    const examples = rules.split('\n').filter((line) => line.startsWith('# SUBSYSTEM=="tty"'));
    expect(examples.length).toBeGreaterThan(0);
    for (const line of examples) {
      expect(line).toMatch(
        /ATTRS\{idVendor\}=="[0-9a-f]{4}", ATTRS\{idProduct\}=="[0-9a-f]{4}", ATTRS\{serial\}=="/,
      );
      expect(line).toMatch(/SYMLINK\+="pressgate-[a-z0-9-]+", GROUP="dialout", MODE="0660"$/);
    }
    expect(rules).toContain('pressgate ports');
    expect(rules).toContain('udevadm info');
  });
});
