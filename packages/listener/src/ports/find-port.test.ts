import { describe, expect, it } from 'vitest';
import { findPort, normalizeUsbId, type PortMatch, preferredPath } from './find-port.js';
import type { PortInfo } from './list-ports.js';

const remoteA: PortInfo = {
  path: '/dev/ttyACM0',
  byIdPath: '/dev/serial/by-id/usb-pressgate_Remote_A1-if00',
  vendorId: '2E8A',
  productId: '000A',
  serialNumber: 'A1',
};
const remoteB: PortInfo = {
  path: '/dev/ttyACM1',
  byIdPath: '/dev/serial/by-id/usb-pressgate_Remote_B2-if00',
  vendorId: '2e8a',
  productId: '000a',
  serialNumber: 'B2',
};
const ftdi: PortInfo = { path: '/dev/ttyUSB0', vendorId: '0403', productId: '6001', serialNumber: 'A1' };
const builtin: PortInfo = { path: '/dev/ttyS0' };

type Row = {
  name: string;
  match: PortMatch;
  ports: PortInfo[];
  expected: { ok: true; path: string } | { ok: false; code: string; candidates: string[]; says: string[] };
};

const rows: Row[] = [
  {
    name: 'one port of that vendor and product',
    match: { vendorId: '2e8a', productId: '000a' },
    ports: [builtin, ftdi, remoteA],
    expected: { ok: true, path: remoteA.path },
  },
  {
    name: 'hex ids compare case-insensitively and ignore 0x',
    match: { vendorId: '0x2E8A', productId: '0x000a' },
    ports: [remoteB],
    expected: { ok: true, path: remoteB.path },
  },
  {
    name: 'serial number picks one of two identical remotes',
    match: { vendorId: '2e8a', productId: '000a', serialNumber: 'B2' },
    ports: [remoteA, remoteB],
    expected: { ok: true, path: remoteB.path },
  },
  {
    name: 'same serial on another vendor does not count',
    match: { vendorId: '2e8a', productId: '000a', serialNumber: 'A1' },
    ports: [ftdi, remoteA],
    expected: { ok: true, path: remoteA.path },
  },
  {
    name: 'two identical remotes without serial number: refused, both listed',
    match: { vendorId: '2e8a', productId: '000a' },
    ports: [remoteA, builtin, remoteB],
    expected: {
      ok: false,
      code: 'ERR_SERIAL_AMBIGUOUS',
      candidates: [remoteA.path, remoteB.path],
      says: ['2 serial ports', remoteA.byIdPath ?? '', remoteB.byIdPath ?? '', 'add serialNumber', 'by-id'],
    },
  },
  {
    name: 'wrong serial number: not found, the near misses listed',
    match: { vendorId: '2e8a', productId: '000a', serialNumber: 'C3' },
    ports: [remoteA, ftdi],
    expected: {
      ok: false,
      code: 'ERR_SERIAL_NOT_FOUND',
      candidates: [remoteA.path],
      says: ['serialNumber C3', 'another serial number', 'A1', 'pressgate ports'],
    },
  },
  {
    name: 'nothing of that vendor: not found',
    match: { vendorId: '2e8a', productId: '000a' },
    ports: [builtin, ftdi],
    expected: {
      ok: false,
      code: 'ERR_SERIAL_NOT_FOUND',
      candidates: [],
      says: ['vendorId 2e8a, productId 000a', 'found none among 2 port(s)', 'plugged in'],
    },
  },
  {
    name: 'no ports at all: not found',
    match: { vendorId: '2e8a', productId: '000a' },
    ports: [],
    expected: { ok: false, code: 'ERR_SERIAL_NOT_FOUND', candidates: [], says: ['none among 0 port(s)'] },
  },
  {
    name: 'vendor matches, product differs: not found',
    match: { vendorId: '2e8a', productId: '000b' },
    ports: [remoteA],
    expected: { ok: false, code: 'ERR_SERIAL_NOT_FOUND', candidates: [], says: ['productId 000b'] },
  },
];

describe('findPort', () => {
  it.each(rows)('$name', ({ match, ports, expected }) => {
    const result = findPort(match, ports);
    if (expected.ok) {
      expect(result).toMatchObject({ ok: true });
      expect(result.ok && result.port.path).toBe(expected.path);
      return;
    }
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(expected.code);
    expect(result.candidates.map((port) => port.path)).toEqual(expected.candidates);
    for (const part of expected.says) expect(result.message).toContain(part);
  });

  it('opens the stable by-id path when there is one', () => {
    expect(preferredPath(remoteA)).toBe(remoteA.byIdPath);
    expect(preferredPath(builtin)).toBe('/dev/ttyS0');
  });

  it('normalizes USB ids', () => {
    expect(normalizeUsbId('0x2E8A')).toBe('2e8a');
    expect(normalizeUsbId('a')).toBe('000a');
    expect(normalizeUsbId(' 0403 ')).toBe('0403');
  });
});
