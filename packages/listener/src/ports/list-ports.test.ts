import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freshDir } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { listPorts, type RawPortInfo } from './list-ports.js';

describe('listPorts', () => {
  it('attaches the by-id symlink that resolves to each port and keeps the ids', async () => {
    const dir = await freshDir('pressgate-ports-');
    const dev = join(dir, 'dev');
    const byId = join(dir, 'by-id');
    await mkdir(dev);
    await mkdir(byId);
    await writeFile(join(dev, 'ttyACM0'), '');
    await writeFile(join(dev, 'ttyACM1'), '');
    await symlink(join(dev, 'ttyACM1'), join(byId, 'usb-pressgate_Remote_B2-if00'));
    await symlink(join(dev, 'gone'), join(byId, 'usb-dangling-if00'));
    const raw: RawPortInfo[] = [
      {
        path: join(dev, 'ttyACM0'),
        vendorId: '2e8a',
        productId: '000a',
        serialNumber: 'A1',
        manufacturer: undefined,
      },
      {
        path: join(dev, 'ttyACM1'),
        vendorId: '2e8a',
        productId: '000a',
        serialNumber: 'B2',
        manufacturer: 'pg',
      },
    ];
    const ports = await listPorts({ list: async () => raw, byIdDir: byId });
    expect(ports).toEqual([
      { path: join(dev, 'ttyACM0'), vendorId: '2e8a', productId: '000a', serialNumber: 'A1' },
      {
        path: join(dev, 'ttyACM1'),
        byIdPath: join(byId, 'usb-pressgate_Remote_B2-if00'),
        vendorId: '2e8a',
        productId: '000a',
        serialNumber: 'B2',
        manufacturer: 'pg',
      },
    ]);
  });

  it('lists a by-id link whose target the enumeration missed', async () => {
    const dir = await freshDir('pressgate-ports-');
    await writeFile(join(dir, 'ttyACM7'), '');
    await mkdir(join(dir, 'by-id'));
    await symlink(join(dir, 'ttyACM7'), join(dir, 'by-id', 'usb-x-if00'));
    const ports = await listPorts({ list: async () => [], byIdDir: join(dir, 'by-id') });
    expect(ports).toEqual([{ path: join(dir, 'ttyACM7'), byIdPath: join(dir, 'by-id', 'usb-x-if00') }]);
  });

  it('treats a missing by-id folder as normal', async () => {
    const dir = await freshDir('pressgate-ports-');
    const ports = await listPorts({
      list: async () => [{ path: '/dev/ttyS0' }],
      byIdDir: join(dir, 'absent'),
    });
    expect(ports).toEqual([{ path: '/dev/ttyS0' }]);
  });

  it('enumerates this machine through the real binding without throwing', async () => {
    const ports = await listPorts();
    for (const port of ports) expect(port.path).toMatch(/^\//);
  });
});
