import { captureIo } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';
import { formatPortsTable, NO_PORTS_MESSAGE, portsCommand } from './ports.js';

describe('pressgate ports', () => {
  it("prints a table of this machine's ports, or says there are none with a hint", async () => {
    const io = captureIo();
    expect(await runCli(['ports'], io, [portsCommand])).toBe(0);
    const json = captureIo();
    expect(await runCli(['ports', '--json'], json, [portsCommand])).toBe(0);
    const ports = JSON.parse(json.out()) as { path: string }[];
    if (ports.length === 0) {
      expect(io.out()).toMatch(new RegExp(`^${NO_PORTS_MESSAGE}\\n.*dmesg`, 's'));
    } else {
      const lines = io.out().trim().split('\n');
      expect(lines[0]).toMatch(/^PATH\s+VENDOR\s+PRODUCT\s+SERIAL\s+MANUFACTURER\s+BY-ID PATH$/);
      expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(ports.map((port) => port.path));
    }
    expect(io.err()).toBe('');
  });

  it('aligns columns and shows - for what the system does not report', () => {
    const table = formatPortsTable([
      {
        path: '/dev/ttyACM0',
        vendorId: '2e8a',
        productId: '000a',
        serialNumber: 'E6614C311B2A',
        manufacturer: 'Raspberry Pi',
        byIdPath: '/dev/serial/by-id/usb-Raspberry_Pi_Pico_E6614C311B2A-if00',
      },
      { path: '/dev/ttyS0' },
    ]);
    expect(table.split('\n')).toEqual([
      'PATH          VENDOR  PRODUCT  SERIAL        MANUFACTURER  BY-ID PATH',
      '/dev/ttyACM0  2e8a    000a     E6614C311B2A  Raspberry Pi  /dev/serial/by-id/usb-Raspberry_Pi_Pico_E6614C311B2A-if00',
      '/dev/ttyS0    -       -        -             -             -',
    ]);
  });
});
