import { listPorts, type PortInfo, SerialLink } from '@pressgate/listener';
import type { HelloMessage } from '@pressgate/protocol';

/** How long a port may take to answer `?` with HELLO (a board that resets on open needs ~2 s). */
export const PROBE_HELLO_TIMEOUT_MS = 2500;

export type ProbedRemote = {
  /** The path to write in serial.path: the port's /dev/serial/by-id link when there is one. */
  configPath: string;
  link: SerialLink;
  hello: HelloMessage;
};

export type ProbeOutcome =
  | { ok: true; remote: ProbedRemote }
  | { ok: false; path: string; code: string; message: string };

/** Open `path` and ask for HELLO; the link stays open on success (the caller closes it). */
export async function probePort(
  path: string,
  baudRate: number,
  signal: AbortSignal,
  configPath = path,
): Promise<ProbeOutcome> {
  const link = new SerialLink({ path, baudRate, helloTimeoutMs: PROBE_HELLO_TIMEOUT_MS });
  try {
    const hello = await link.open(signal);
    return { ok: true, remote: { configPath, link, hello } };
  } catch (error) {
    signal.throwIfAborted();
    const code = (error as { code?: unknown }).code;
    return {
      ok: false,
      path,
      code: typeof code === 'string' ? code : 'ERR_UNKNOWN',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Probe every listed serial port at once. */
export async function probeListedPorts(
  baudRate: number,
  signal: AbortSignal,
): Promise<{ ports: PortInfo[]; outcomes: ProbeOutcome[] }> {
  const ports = await listPorts();
  const outcomes = await Promise.all(
    ports.map((port) => probePort(port.path, baudRate, signal, port.byIdPath ?? port.path)),
  );
  return { ports, outcomes };
}

export function describeRemote(hello: HelloMessage): string {
  return `device id ${hello.deviceId}, firmware ${hello.firmware}, ${hello.buttons} button${hello.buttons === 1 ? '' : 's'}`;
}
