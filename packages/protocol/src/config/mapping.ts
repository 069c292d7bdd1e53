import type { Gesture } from '../gesture.js';
import type { ButtonConfig, PressgateConfig, RemoteConfig, Timing } from './schema.js';

/** Where a (remote, button, gesture) goes: one SimpleEventSource event. */
export type GestureTarget = { endpointId: string; instance: string; eventId: string };

/** Prebuilt lookups for the hot path (every press). */
export type MappingIndex = {
  resolve(remoteId: string, button: number, gesture: Gesture): GestureTarget | undefined;
  remote(remoteId: string): RemoteConfig | undefined;
};

function findButton(remote: RemoteConfig, button: number): ButtonConfig | undefined {
  return remote.buttons.find((entry) => entry.button === button);
}

function targetOf(remote: RemoteConfig, entry: ButtonConfig, gesture: Gesture): GestureTarget | undefined {
  const mapping = entry.gestures[gesture];
  if (mapping === undefined) return undefined;
  return { endpointId: remote.endpoint.endpointId, instance: entry.instance, eventId: mapping.id };
}

/** The event a gesture maps to, or undefined when the remote, button or gesture is not mapped. */
export function resolveGesture(
  config: PressgateConfig,
  remoteId: string,
  button: number,
  gesture: Gesture,
): GestureTarget | undefined {
  const remote = config.remotes.find((entry) => entry.id === remoteId);
  const entry = remote === undefined ? undefined : findButton(remote, button);
  return remote === undefined || entry === undefined ? undefined : targetOf(remote, entry, gesture);
}

/** The gestures a button has mapped (empty for a button not in the config). */
export function mappedGestures(remote: RemoteConfig, button: number): ReadonlySet<Gesture> {
  const entry = findButton(remote, button);
  const gestures = new Set<Gesture>();
  if (entry === undefined) return gestures;
  for (const gesture of ['single', 'double', 'long'] as const) {
    if (entry.gestures[gesture] !== undefined) gestures.add(gesture);
  }
  return gestures;
}

/** A button's timing: its own overrides over the remote's timing (which already holds the defaults). */
export function buttonTiming(remote: RemoteConfig, button: number): Timing {
  const own = findButton(remote, button)?.timing;
  return {
    doublePressMs: own?.doublePressMs ?? remote.timing.doublePressMs,
    longPressMs: own?.longPressMs ?? remote.timing.longPressMs,
    debounceMs: own?.debounceMs ?? remote.timing.debounceMs,
  };
}

/** Builds constant-time lookups of a validated config; rebuild it when the config changes. */
export function indexMappings(config: PressgateConfig): MappingIndex {
  const remotes = new Map<string, RemoteConfig>();
  const targets = new Map<string, GestureTarget>();
  const key = (remoteId: string, button: number, gesture: Gesture) => `${button} ${gesture} ${remoteId}`;
  for (const remote of config.remotes) {
    remotes.set(remote.id, remote);
    for (const entry of remote.buttons) {
      for (const gesture of ['single', 'double', 'long'] as const) {
        const target = targetOf(remote, entry, gesture);
        if (target !== undefined) targets.set(key(remote.id, entry.button, gesture), target);
      }
    }
  }
  return {
    resolve: (remoteId, button, gesture) => targets.get(key(remoteId, button, gesture)),
    remote: (remoteId) => remotes.get(remoteId),
  };
}
