import {
  buildEndpoint,
  type DiscoveryEndpoint,
  type FriendlyName,
  type Gesture,
  type RemoteConfig,
} from '@pressgate/protocol';

const GESTURE_NAMES: Readonly<Record<Gesture, string>> = {
  single: 'Single press',
  double: 'Double press',
  long: 'Long press',
};

/**
 * A configured remote as its Alexa discovery endpoint. Gestures without
 * `names` get an en-US text name ("Single press"), which working
 * implementations use for supported events.
 */
export function remoteToEndpoint(remote: RemoteConfig): DiscoveryEndpoint {
  return buildEndpoint({
    endpointId: remote.endpoint.endpointId,
    friendlyName: remote.endpoint.friendlyName,
    manufacturerName: remote.endpoint.manufacturerName,
    description: remote.endpoint.description,
    displayCategory: remote.endpoint.displayCategory,
    buttons: remote.buttons.map((button) => ({
      instance: button.instance,
      names: button.names,
      events: (['single', 'double', 'long'] as const).flatMap((gesture) => {
        const mapping = button.gestures[gesture];
        if (mapping === undefined) return [];
        const names: FriendlyName[] = mapping.names ?? [{ text: GESTURE_NAMES[gesture], locale: 'en-US' }];
        return [{ id: mapping.id, names }];
      }),
    })),
  });
}
