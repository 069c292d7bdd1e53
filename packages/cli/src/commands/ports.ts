import { listPorts, type PortInfo } from '@pressgate/listener';
import { booleanOption, type Command, EXIT_OK, writeLine } from '../command.js';

export const NO_PORTS_MESSAGE = 'no serial ports found';
export const NO_PORTS_HINT = [
  'Plug the remote in and run this again. If it still does not show: `dmesg | tail` should name a',
  'ttyACM or ttyUSB device (if not, try another cable: some carry power only); a remote made by',
  '`pressgate simulate` is a pseudo-terminal and is not listed: use its --link path.',
].join('\n');

export const portsCommand: Command = {
  name: 'ports',
  summary: 'list serial ports with vendor/product id, serial number and by-id path',
  usage: 'pressgate ports [--json]',
  details:
    "Put a port's by-id path in serial.path, or its vendor and product id (and serial number)\nin serial.match, of a remote in pressgate.yaml.",
  options: { json: { type: 'boolean', description: 'print the ports as a JSON array' } },
  async run(context) {
    const ports = await listPorts();
    if (booleanOption(context, 'json')) {
      writeLine(context.io.stdout, JSON.stringify(ports, null, 2));
      return EXIT_OK;
    }
    if (ports.length === 0) {
      writeLine(context.io.stdout, NO_PORTS_MESSAGE);
      writeLine(context.io.stdout, NO_PORTS_HINT);
      return EXIT_OK;
    }
    writeLine(context.io.stdout, formatPortsTable(ports));
    return EXIT_OK;
  },
};

const COLUMNS: { title: string; value(port: PortInfo): string | undefined }[] = [
  { title: 'PATH', value: (port) => port.path },
  { title: 'VENDOR', value: (port) => port.vendorId },
  { title: 'PRODUCT', value: (port) => port.productId },
  { title: 'SERIAL', value: (port) => port.serialNumber },
  { title: 'MANUFACTURER', value: (port) => port.manufacturer },
  { title: 'BY-ID PATH', value: (port) => port.byIdPath },
];

/** A table with a header row, one row per port, `-` for what the system does not report. */
export function formatPortsTable(ports: readonly PortInfo[]): string {
  const rows = [
    COLUMNS.map((column) => column.title),
    ...ports.map((port) => COLUMNS.map((column) => column.value(port) || '-')),
  ];
  const widths = COLUMNS.map((_, index) => Math.max(...rows.map((row) => (row[index] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)))
        .join('  '),
    )
    .join('\n');
}
