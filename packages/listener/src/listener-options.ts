import { buttonTiming, DEFAULT_TIMING, mappedGestures, type RemoteConfig } from '@pressgate/protocol';
import type { Logger } from 'pino';
import type { ButtonSetup, Timing } from './decoder/index.js';
import type { ListenerOptions } from './listener.js';

/**
 * The one builder of decoder options: the remote's timing, and per configured button its timing
 * and mapped gestures. Without a remote (a port watched with no config): default timing, no button
 * configured, so every gesture decodes and none is mapped.
 */
export function decoderSetupFor(remote: RemoteConfig | undefined): {
  defaults: Timing;
  buttons: ReadonlyMap<number, ButtonSetup>;
} {
  const buttons = new Map<number, ButtonSetup>();
  if (remote === undefined) return { defaults: { ...DEFAULT_TIMING }, buttons };
  for (const entry of remote.buttons) {
    buttons.set(entry.button, {
      timing: buttonTiming(remote, entry.button),
      mapped: mappedGestures(remote, entry.button),
    });
  }
  return { defaults: { ...remote.timing }, buttons };
}

/** What a Listener needs for one configured remote: where its port is, and how to decode its buttons. */
export function listenerOptionsFor(remote: RemoteConfig, logger: Logger): ListenerOptions {
  const { path, match, baudRate } = remote.serial;
  return {
    remoteId: remote.id,
    serial: {
      baudRate,
      ...(path === undefined ? {} : { path }),
      ...(match === undefined
        ? {}
        : {
            match: {
              vendorId: match.vendorId,
              productId: match.productId,
              ...(match.serialNumber === undefined ? {} : { serialNumber: match.serialNumber }),
            },
          }),
    },
    decoder: decoderSetupFor(remote),
    logger,
  };
}
