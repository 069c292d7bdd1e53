export {
  type ButtonMappingView,
  labelOf,
  type MappingView,
  type RemoteMappingView,
  toMappingView,
} from './mapping-view.js';
export { renderStatusPage, type StatusPageHtmlOptions } from './page-html.js';
export {
  contentSecurityPolicy,
  MAPPING_PATH,
  PRESS_PATH,
  PressAction,
  PressParams,
  STATUS_PAGE_PATH,
  type StatusPageOptions,
  statusPagePlugin,
  type VirtualRemoteControl,
} from './plugin.js';
