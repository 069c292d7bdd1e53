import type { DeliveryOutcome, LinkState, RelayCore, RelayEvent } from '../ports.js';

/** Prometheus text exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const OUTCOMES: readonly DeliveryOutcome[] = ['delivered', 'expired', 'dead_letter', 'relink_required'];
const LINK_STATES: readonly LinkState[] = ['unlinked', 'linked', 'relink_required', 'wrong_region'];

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('"', '\\"');
}

/**
 * Counters fed by the core's events since this process started, and gauges
 * read from the core at scrape time.
 */
export class RelayMetrics {
  readonly #core: RelayCore;
  readonly #gestures = { mapped: 0, unmapped: 0 };
  readonly #deliveries = new Map<DeliveryOutcome, number>(OUTCOMES.map((outcome) => [outcome, 0]));
  #unsubscribe: (() => void) | undefined;

  constructor(core: RelayCore) {
    this.#core = core;
  }

  start(): void {
    this.#unsubscribe ??= this.#core.subscribe((event) => this.#count(event));
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #count(event: RelayEvent): void {
    if (event.type === 'gesture') {
      if (event.mapped) this.#gestures.mapped += 1;
      else this.#gestures.unmapped += 1;
    } else if (event.type === 'delivery') {
      const outcome = event.record.outcome;
      this.#deliveries.set(outcome, (this.#deliveries.get(outcome) ?? 0) + 1);
    }
  }

  render(): string {
    const lines: string[] = [];
    const family = (name: string, type: 'counter' | 'gauge', help: string): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    family(
      'pressgate_gestures_total',
      'counter',
      'Gestures that reached the relay, by whether they are mapped.',
    );
    lines.push(`pressgate_gestures_total{mapped="true"} ${this.#gestures.mapped}`);
    lines.push(`pressgate_gestures_total{mapped="false"} ${this.#gestures.unmapped}`);
    family('pressgate_deliveries_total', 'counter', 'Events finished by the outbox, by outcome.');
    for (const outcome of OUTCOMES) {
      lines.push(`pressgate_deliveries_total{outcome="${outcome}"} ${this.#deliveries.get(outcome) ?? 0}`);
    }
    const counts = this.#core.outboxCounts();
    family('pressgate_outbox_pending', 'gauge', 'Events in the outbox waiting to be sent.');
    lines.push(`pressgate_outbox_pending ${counts.pending}`);
    const state = this.#core.tokens.status().state;
    family(
      'pressgate_link_state',
      'gauge',
      'The Alexa link state: 1 for the current state, 0 for the others.',
    );
    for (const candidate of LINK_STATES) {
      lines.push(`pressgate_link_state{state="${candidate}"} ${candidate === state ? 1 : 0}`);
    }
    family(
      'pressgate_remote_connected',
      'gauge',
      'Whether each configured remote is connected (1) or not (0).',
    );
    for (const remote of this.#core.remotes()) {
      lines.push(
        `pressgate_remote_connected{remote="${escapeLabel(remote.id)}"} ${remote.connected ? 1 : 0}`,
      );
    }
    return `${lines.join('\n')}\n`;
  }
}
