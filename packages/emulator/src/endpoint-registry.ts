/**
 * The endpoints, SimpleEventSource instances and event ids the emulator knows, learned from
 * accepted AddOrUpdateReport / DeleteReport events and from a Discover.Response posted to the
 * control API. A SimpleEvent must name something known here.
 */
import type { DiscoveredEndpoint } from './alexa-schemas.js';

export class EndpointRegistry {
  /** endpointId -> instance -> supported event ids */
  readonly #endpoints = new Map<string, Map<string, Set<string>>>();

  /** Replace everything with this list (a Discover.Response is the full set). */
  replaceAll(endpoints: readonly DiscoveredEndpoint[]): void {
    this.#endpoints.clear();
    this.addOrUpdate(endpoints);
  }

  addOrUpdate(endpoints: readonly DiscoveredEndpoint[]): void {
    for (const endpoint of endpoints) {
      const instances = new Map<string, Set<string>>();
      for (const capability of endpoint.capabilities) {
        if (capability.interface !== 'Alexa.SimpleEventSource') continue;
        instances.set(
          capability.instance,
          new Set(capability.configuration.supportedEvents.map((event) => event.id)),
        );
      }
      this.#endpoints.set(endpoint.endpointId, instances);
    }
  }

  delete(endpointIds: readonly string[]): void {
    for (const id of endpointIds) this.#endpoints.delete(id);
  }

  clear(): void {
    this.#endpoints.clear();
  }

  endpointIds(): string[] {
    return [...this.#endpoints.keys()];
  }

  /** Undefined when the event names a known endpoint, instance and event id; else why not. */
  checkEvent(endpointId: string, instance: string, eventId: string): string | undefined {
    const instances = this.#endpoints.get(endpointId);
    if (!instances) {
      return `event.endpoint.endpointId: unknown endpoint "${endpointId}"; announce it with AddOrUpdateReport or discovery first`;
    }
    const events = instances.get(instance);
    if (!events) {
      return `event.header.instance: endpoint "${endpointId}" has no Alexa.SimpleEventSource instance "${instance}"`;
    }
    if (!events.has(eventId)) {
      return `event.payload.id: instance "${instance}" of endpoint "${endpointId}" does not support event "${eventId}"; supported: ${[...events].join(', ')}`;
    }
    return undefined;
  }
}
