import { readSync } from 'node:fs';
import { SerialPort } from 'serialport';

type ReadResult = { bytesRead: number; buffer: Buffer };
/** The part of a serialport port binding this uses; the Unix ones carry an fd and a poller too. */
type UnixPortBinding = {
  readonly isOpen: boolean;
  read(buffer: Buffer, offset: number, length: number): Promise<ReadResult>;
  fd?: number;
  poller?: { once(event: 'readable', callback: (error: Error | null) => void): unknown };
};
type BindingLike = { list(): Promise<unknown>; open(options: unknown): Promise<UnixPortBinding> };

const TRY_LATER = new Set(['EAGAIN', 'EWOULDBLOCK', 'EINTR']);

function canceled(): Error {
  return Object.assign(new Error('Port is not open'), { canceled: true });
}

/**
 * serialport's own Unix read goes through libuv's thread pool: an `fs.read` per chunk, and
 * again after each wait for the poller. Every line from the remote then waits for a pool thread
 * and a second turn of the event loop, and a double press is decided by a line arriving (see
 * docs/architecture.md, "Serial reads"). This reads on the event loop instead: the port's fd is
 * already non-blocking, so a `readSync` takes what is there or says EAGAIN at once, and the
 * binding's own poller says when to try again. Errors and close keep the binding's meaning: a
 * read on a closed port is `canceled`, any other failure ends the port as a disconnect.
 */
async function readOnLoop(
  port: UnixPortBinding,
  buffer: Buffer,
  offset: number,
  length: number,
): Promise<ReadResult> {
  const { fd, poller } = port;
  if (fd === undefined || poller === undefined) throw new Error('a Unix serial binding without fd or poller');
  for (;;) {
    if (!port.isOpen) throw canceled();
    try {
      const bytesRead = readSync(fd, buffer, offset, length, null);
      if (bytesRead > 0) return { bytesRead, buffer };
    } catch (error) {
      if (!TRY_LATER.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
    await new Promise<void>((resolve, reject) =>
      poller.once('readable', (error) => (error ? reject(port.isOpen ? error : canceled()) : resolve())),
    );
  }
}

/** serialport's binding for this platform, with reads on the event loop where it is the Unix one. */
export function loopReadBinding(): typeof SerialPort.binding {
  const base = SerialPort.binding as unknown as BindingLike;
  if (process.platform === 'win32') return SerialPort.binding;
  const wrapped: BindingLike = {
    list: () => base.list(),
    open: async (options) => {
      const port = await base.open(options);
      if (port.fd === undefined || port.poller === undefined) return port;
      port.read = (buffer, offset, length) => readOnLoop(port, buffer, offset, length);
      return port;
    },
  };
  return wrapped as unknown as typeof SerialPort.binding;
}
