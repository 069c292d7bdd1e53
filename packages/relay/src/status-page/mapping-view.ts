import type { ButtonConfig, FriendlyName, Gesture, PressgateConfig, RemoteConfig } from '@pressgate/protocol';

/** One button of a remote as the status page shows it: its names and the event id per gesture. */
export type ButtonMappingView = {
  button: number;
  /** Display names: a text name's text, or an asset name's asset id (e.g. Alexa.Button.TopButton). */
  names: string[];
  /** A short label for people: the first text name, or the asset id turned into words. */
  label: string;
  /** The SimpleEventSource event id per gesture, or null when that gesture is not mapped. */
  gestures: Record<Gesture, string | null>;
};

export type RemoteMappingView = {
  id: string;
  endpointId: string;
  friendlyName: string;
  buttons: ButtonMappingView[];
};

/** The body of GET /v1/mapping. Built from the config's public parts only: never a secret. */
export type MappingView = { remotes: RemoteMappingView[] };

function nameText(name: FriendlyName): string {
  return 'asset' in name ? name.asset : name.text;
}

/** "Alexa.Button.TopButton" -> "Top button"; text names stay as written. */
export function labelOf(names: readonly FriendlyName[], button: number): string {
  const text = names.find((name) => 'text' in name);
  if (text !== undefined && 'text' in text) return text.text;
  const asset = names.find((name) => 'asset' in name);
  if (asset === undefined || !('asset' in asset)) return `Button ${button}`;
  const last = asset.asset.split('.').pop() ?? asset.asset;
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words === '' ? `Button ${button}` : words.charAt(0).toUpperCase() + words.slice(1);
}

function buttonView(entry: ButtonConfig): ButtonMappingView {
  return {
    button: entry.button,
    names: entry.names.map(nameText),
    label: labelOf(entry.names, entry.button),
    gestures: {
      single: entry.gestures.single?.id ?? null,
      double: entry.gestures.double?.id ?? null,
      long: entry.gestures.long?.id ?? null,
    },
  };
}

function remoteView(remote: RemoteConfig): RemoteMappingView {
  return {
    id: remote.id,
    endpointId: remote.endpoint.endpointId,
    friendlyName: remote.endpoint.friendlyName,
    buttons: [...remote.buttons].sort((a, b) => a.button - b.button).map(buttonView),
  };
}

/** The mapping of every configured remote, buttons in number order. */
export function toMappingView(config: PressgateConfig): MappingView {
  return { remotes: config.remotes.map(remoteView) };
}
