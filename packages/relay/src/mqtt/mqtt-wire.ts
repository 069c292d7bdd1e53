/** MQTT 5 user properties as mqtt.js hands them over. */
type UserProperties = Readonly<Record<string, string | string[]>>;

/**
 * The MQTT wire contract (docs/mqtt.md): requests on `<topicPrefix>/directives`, the payload the
 * directive JSON as Alexa sent it, the signature in the user property `x-pressgate-signature`.
 */
export const DIRECTIVE_TOPIC_SUFFIX = 'directives';

export function directiveTopic(topicPrefix: string): string {
  return `${topicPrefix}/${DIRECTIVE_TOPIC_SUFFIX}`;
}

/** A user property's value; repeated ones are joined with a comma, as HTTP joins repeated headers. */
export function signatureOf(properties: UserProperties | undefined, name: string): string | undefined {
  if (properties === undefined) return undefined;
  const value = Object.hasOwn(properties, name) ? properties[name] : undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

/** `scheme://host:port` of a broker URL: what may be shown and logged (never credentials or a query). */
export function brokerLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'an unparsable URL';
  }
}
