import type { ButtonSetup, ListenerOptions, Timing } from '@pressgate/listener';
import { buttonTiming, mappedGestures, type RemoteConfig } from '@pressgate/protocol';
import type { Logger } from 'pino';

/** The decoder setup of a remote: the remote's timing, and per configured button its timing and mapped gestures. */
export function decoderSetupFor(remote: RemoteConfig): {
  defaults: Timing;
  buttons: ReadonlyMap<number, ButtonSetup>;
} {
  const buttons = new Map<number, ButtonSetup>();
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
