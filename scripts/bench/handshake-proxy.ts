/**
 * A TCP proxy on 127.0.0.1 in front of the emulator that behaves like a distant gateway in the
 * two ways a cold press feels: a new connection carries nothing for `handshakeMs` (a stand-in
 * for the TCP and TLS handshakes' round trips, which loopback HTTP does not have), and a
 * connection idle for `idleMs` is closed (as a server closes keep-alive connections). Bytes
 * that arrive during the handshake wait and go through after it, in order.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type HandshakeProxy = {
  /** http://127.0.0.1:PORT, to use in place of the target's origin. */
  url: string;
  /** Connections open now (client side). */
  open(): number;
  /** Connections accepted since start. */
  accepted(): number;
  close(): Promise<void>;
};

export async function startHandshakeProxy(options: {
  target: URL;
  handshakeMs: number;
  idleMs: number;
}): Promise<HandshakeProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((client) => {
    accepted += 1;
    sockets.add(client);
    client.pause();
    const upstream = createConnection({ host: options.target.hostname, port: Number(options.target.port) });
    const closeBoth = (): void => {
      sockets.delete(client);
      client.destroy();
      upstream.destroy();
    };
    client.setTimeout(options.idleMs, closeBoth);
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
    const timer = setTimeout(() => {
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    }, options.handshakeMs);
    client.once('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => sockets.size,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
