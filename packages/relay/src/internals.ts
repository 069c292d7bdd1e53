// The relay's parts, for @pressgate/test-kit's harnesses (delivery, outbox, HTTP app) and nothing
// else: no program imports this entry, and it makes no promise to stay the same. Programs use
// the package root.
export { Delivery } from './core/delivery/delivery.js';
export { GatewayClient } from './core/delivery/gateway-client.js';
export { Outbox } from './core/outbox/outbox.js';
export {
  DEFAULT_RECORD_LIMIT,
  OUTBOX_FILE,
  OUTBOX_JOURNAL_FILE,
  type OutboxEntry,
  OutboxFile,
  OutboxJournalLine,
  replayJournal,
  schemaParser,
} from './core/outbox/outbox-file.js';
export { PressgateRelayCore } from './core/relay-core.js';
export { type Clock, systemClock } from './core/shared/clock.js';
export { parseJournal } from './core/store/journal-file.js';
export { LwaClient } from './core/tokens/lwa-client.js';
export { TokenManager } from './core/tokens/token-manager.js';
export { type AppDeps, buildApp } from './http/build-app.js';
