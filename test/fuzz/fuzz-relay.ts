/**
 * A relay built from the relay package's public exports (createRelay, the way `pressgate run`
 * builds it) over a temp data dir, against a real emulator, with every log line captured so a
 * fuzz run can see errors the answers do not show.
 */
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startEmulator } from '@pressgate/emulator';
import { PressgateConfig } from '@pressgate/protocol';
import { createRelay, createRelayLogger, pressRoute, type Relay } from '@pressgate/relay';
import { freshDir } from '@pressgate/test-kit';
import { onTestFinished } from 'vitest';
import {
  RELAY_CLIENT_ID,
  RELAY_CLIENT_SECRET,
  RELAY_DIRECTIVE_SECRET,
  relayE2eConfigInput,
} from '../fixtures/relay-config.js';

export const DIRECTIVE_SECRET = RELAY_DIRECTIVE_SECRET;

export type FuzzRelay = {
  relay: Relay;
  url: string;
  /** Parsed log lines at error level or above. */
  errors(): Record<string, unknown>[];
  /** Presses that reached the virtual remote. */
  presses: { count: number };
};

export async function startFuzzRelay(): Promise<FuzzRelay> {
  const dir = await freshDir('pressgate-fuzz-');
  const emulator = await startEmulator({ clientId: RELAY_CLIENT_ID, clientSecret: RELAY_CLIENT_SECRET });
  onTestFinished(() => emulator.close());
  const config = PressgateConfig.parse(
    relayE2eConfigInput({
      dataDir: join(dir, 'data'),
      gatewayUrl: emulator.gatewayUrl,
      lwaTokenUrl: emulator.lwaTokenUrl,
    }),
  );
  const errors: Record<string, unknown>[] = [];
  let partial = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      partial += chunk.toString('utf8');
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (typeof parsed.level === 'number' && parsed.level >= 50) errors.push(parsed);
      }
      done();
    },
  });
  const presses = { count: 0 };
  const relay = createRelay({
    config,
    logger: createRelayLogger(sink, 'info'),
    gatewayRequestTimeoutMs: 2_000,
    lwaRequestTimeoutMs: 2_000,
    stopDrainMs: 200,
    heartbeatMs: 60_000,
  });
  // The demo's press route, registered as `pressgate demo` registers it.
  void relay.app.register(pressRoute, {
    config: () => config,
    press: async () => {
      presses.count += 1;
    },
  });
  onTestFinished(() => relay.stop());
  const url = await relay.start();
  return { relay, url, errors: () => errors, presses };
}
