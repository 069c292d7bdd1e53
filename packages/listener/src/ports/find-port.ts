import type { PortInfo } from './list-ports.js';

export type PortMatch = { vendorId: string; productId: string; serialNumber?: string };

export type FindPortResult =
  | { ok: true; port: PortInfo }
  | {
      ok: false;
      code: 'ERR_SERIAL_NOT_FOUND' | 'ERR_SERIAL_AMBIGUOUS';
      message: string;
      /** Ambiguous: the equally good matches. Not found: same vendor and product, other serial. */
      candidates: PortInfo[];
    };

/** `2E8A`, `0x2e8a` and `2e8a` are the same USB id. */
export function normalizeUsbId(id: string): string {
  return id.trim().toLowerCase().replace(/^0x/, '').padStart(4, '0');
}

/** The path to open for a port: the stable by-id link when there is one. */
export function preferredPath(port: PortInfo): string {
  return port.byIdPath ?? port.path;
}

function score(match: PortMatch, port: PortInfo): number {
  if (port.vendorId === undefined || port.productId === undefined) return 0;
  if (normalizeUsbId(port.vendorId) !== normalizeUsbId(match.vendorId)) return 0;
  if (normalizeUsbId(port.productId) !== normalizeUsbId(match.productId)) return 0;
  if (match.serialNumber === undefined) return 2;
  return port.serialNumber?.trim() === match.serialNumber.trim() ? 3 : 1;
}

function describeMatch(match: PortMatch): string {
  const ids = `vendorId ${normalizeUsbId(match.vendorId)}, productId ${normalizeUsbId(match.productId)}`;
  return match.serialNumber === undefined ? ids : `${ids}, serialNumber ${match.serialNumber}`;
}

function describePort(port: PortInfo): string {
  const serial = port.serialNumber === undefined ? '' : ` serialNumber ${port.serialNumber}`;
  return `${preferredPath(port)}${serial}`;
}

/**
 * Pick the one port that matches vendor id, product id and (when given)
 * serial number; hex ids compare case-insensitively. A port of the right
 * vendor and product but another serial number is not a match. Several equally
 * good matches are refused, never guessed: the message lists them and says how
 * to tell them apart.
 */
export function findPort(match: PortMatch, ports: readonly PortInfo[]): FindPortResult {
  const scored = ports.map((port) => ({ port, score: score(match, port) }));
  const best = Math.max(0, ...scored.map((entry) => entry.score));
  const wanted = match.serialNumber === undefined ? 2 : 3;
  if (best < wanted) {
    const candidates = scored.filter((entry) => entry.score > 0).map((entry) => entry.port);
    const near =
      candidates.length === 0
        ? ''
        : `; same vendor and product but another serial number: ${candidates.map(describePort).join(', ')}`;
    return {
      ok: false,
      code: 'ERR_SERIAL_NOT_FOUND',
      message: `expected a serial port with ${describeMatch(match)}, found none among ${ports.length} port(s)${near}: is the remote plugged in? \`pressgate ports\` lists the ports and their ids`,
      candidates,
    };
  }
  const top = scored.filter((entry) => entry.score === best).map((entry) => entry.port);
  const [only] = top;
  if (top.length === 1 && only !== undefined) return { ok: true, port: only };
  return {
    ok: false,
    code: 'ERR_SERIAL_AMBIGUOUS',
    message: `${top.length} serial ports match ${describeMatch(match)}: ${top.map(describePort).join(', ')}; add serialNumber to serial.match or set serial.path to a /dev/serial/by-id path`,
    candidates: top,
  };
}
