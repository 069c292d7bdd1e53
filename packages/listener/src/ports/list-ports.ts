import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { SerialPort } from 'serialport';

/** A serial port as discovery reports it. Hex ids as the system reports them. */
export type PortInfo = {
  path: string;
  /** The stable /dev/serial/by-id symlink that points at `path`, when udev made one. */
  byIdPath?: string;
  vendorId?: string;
  productId?: string;
  serialNumber?: string;
  manufacturer?: string;
};

/** What the native binding's list returns (the fields pressgate uses). */
export type RawPortInfo = {
  path: string;
  vendorId?: string | undefined;
  productId?: string | undefined;
  serialNumber?: string | undefined;
  manufacturer?: string | undefined;
};

export type ListPortsOptions = {
  /** The port enumeration (default: SerialPort.list from serialport). */
  list?: () => Promise<RawPortInfo[]>;
  /** Folder of stable symlinks (default /dev/serial/by-id). */
  byIdDir?: string;
};

export const BY_ID_DIR = '/dev/serial/by-id';

/**
 * The serial ports of this machine, each with its /dev/serial/by-id symlink
 * when there is one. A missing by-id folder is normal (no USB serial device,
 * or no udev) and gives ports without `byIdPath`. A by-id link whose target
 * the enumeration missed is still listed.
 */
export async function listPorts(options: ListPortsOptions = {}): Promise<PortInfo[]> {
  const list = options.list ?? (() => SerialPort.list());
  const [raw, links] = await Promise.all([list(), readByIdLinks(options.byIdDir ?? BY_ID_DIR)]);
  const ports: PortInfo[] = raw.map((entry) => {
    const port: PortInfo = { path: entry.path };
    const byIdPath = links.get(entry.path);
    if (byIdPath !== undefined) port.byIdPath = byIdPath;
    if (entry.vendorId) port.vendorId = entry.vendorId;
    if (entry.productId) port.productId = entry.productId;
    if (entry.serialNumber) port.serialNumber = entry.serialNumber;
    if (entry.manufacturer) port.manufacturer = entry.manufacturer;
    return port;
  });
  const listed = new Set(ports.map((port) => port.path));
  for (const [target, byIdPath] of links) {
    if (!listed.has(target)) ports.push({ path: target, byIdPath });
  }
  return ports;
}

/** Map of resolved target path -> by-id symlink path. */
async function readByIdLinks(dir: string): Promise<Map<string, string>> {
  const links = new Map<string, string>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return links;
  }
  for (const name of names.sort()) {
    const link = join(dir, name);
    try {
      const target = await realpath(link);
      if (!links.has(target)) links.set(target, link);
    } catch {
      // A dangling link: the device went away while we looked.
    }
  }
  return links;
}
