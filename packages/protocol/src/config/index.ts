export { EVENT_ASSET_IDS, INSTANCE_ASSET_IDS, suggestAssetId } from './assets.js';
export { type ConfigEnv, type ExpandEnvResult, expandEnv } from './env.js';
export { configJsonSchema } from './json-schema.js';
export {
  buttonTiming,
  type GestureTarget,
  indexMappings,
  type MappingIndex,
  mappedGestures,
  resolveGesture,
} from './mapping.js';
export { type ConfigIssue, formatConfigPath } from './path.js';
export {
  AlexaConfig,
  AlexaRegion,
  ButtonConfig,
  DEFAULT_TIMING,
  DirectivesConfig,
  DirectivesMqttConfig,
  ENDPOINT_ID_PATTERN,
  EndpointConfig,
  EVENT_ID_PATTERN,
  GestureMapping,
  GestureMappings,
  MAX_ENDPOINTS,
  MQTT_TOPIC_PREFIX_PATTERN,
  PressgateConfig,
  type PressgateConfigInput,
  RelayConfig,
  RemoteConfig,
  SerialConfig,
  SerialMatch,
  Timing,
  TimingOverride,
  UUID_V4_PATTERN,
} from './schema.js';
export { editDistance, suggestClosest } from './suggest.js';
export { type ValidateConfigResult, validateConfig } from './validate.js';
