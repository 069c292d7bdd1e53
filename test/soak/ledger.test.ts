import type { AcceptedEvent, GatewayRequestRecord } from '@pressgate/emulator';
import { describe, expect, it } from 'vitest';
import { type Acknowledged, describeLedger, settle } from './ledger.js';

function gesture(messageId: string, at: string): AcceptedEvent {
  return { at, namespace: 'Alexa.SimpleEventSource', name: 'Event', messageId, eventId: 'e', message: {} };
}

const ack = (source: Acknowledged['source']): Acknowledged => ({ source, atMs: 0 });

describe('soak ledger', () => {
  it('accounts for delivered and recorded gestures and names the vanished ones', () => {
    const ledger = settle({
      acknowledged: new Map([
        ['delivered', ack('http')],
        ['expired', ack('pty')],
        ['lost', ack('http')],
        ['no-reason', ack('http')],
      ]),
      logs: [
        { msg: 'event expired', messageId: 'expired', outcome: 'expired', code: 'ERR_OUTBOX_EXPIRED' },
        { msg: 'event dead letter', messageId: 'no-reason', outcome: 'dead_letter' },
        { msg: 'gesture queued', messageId: 'lost' },
      ],
      accepted: [
        gesture('delivered', '2026-12-06T10:00:00.000Z'),
        gesture('unacknowledged', '2026-12-06T10:00:00.000Z'),
        // A report is no gesture: not counted as delivered-without-acknowledgement.
        {
          at: '2026-12-06T10:00:00.000Z',
          namespace: 'Alexa',
          name: 'ChangeReport',
          messageId: 'r',
          message: {},
        },
      ],
      requests: [],
      killsAtMs: [],
    });
    expect(ledger).toMatchObject({
      acknowledged: { http: 3, pty: 1 },
      delivered: 1,
      recorded: { expired: 1, dead_letter: 1 },
      reasons: { 'expired:ERR_OUTBOX_EXPIRED': 1, 'dead_letter:none': 1 },
      vanished: ['lost'],
      withoutReason: ['no-reason'],
      deliveredUnacknowledged: 1,
    });
    expect(describeLedger(ledger).find((line) => line.startsWith('vanished'))).toBe('vanished: 1 ["lost"]');
  });

  it('explains a duplicate by a cut answer, a held answer or a SIGKILL between the copies, and flags the rest', () => {
    const cut: GatewayRequestRecord = { at: '', outcome: 'cut', cutAfter: 'accepted', messageId: 'cut' };
    const ledger = settle({
      acknowledged: new Map([
        ['cut', ack('http')],
        ['crash', ack('http')],
        ['twice', ack('http')],
        ['held', ack('pty')],
      ]),
      logs: [],
      accepted: [
        gesture('cut', '2026-12-06T10:00:00.000Z'),
        gesture('cut', '2026-12-06T10:00:01.000Z'),
        gesture('crash', '2026-12-06T10:00:00.000Z'),
        gesture('crash', '2026-12-06T10:00:05.000Z'),
        gesture('twice', '2026-12-06T10:00:06.000Z'),
        gesture('twice', '2026-12-06T10:00:07.000Z'),
        gesture('held', '2026-12-06T10:00:06.000Z'),
        gesture('held', '2026-12-06T10:00:07.000Z'),
      ],
      requests: [cut, { at: '', outcome: 'accepted', delayedMs: 11_000, messageId: 'held' }],
      killsAtMs: [Date.parse('2026-12-06T10:00:02.000Z')],
    });
    expect(ledger.delivered).toBe(4);
    expect(ledger.duplicates).toEqual({
      afterCut: 1,
      afterTimeout: 1,
      afterCrash: 1,
      unexplained: ['twice'],
    });
  });
});
