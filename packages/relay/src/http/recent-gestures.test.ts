import { startHttpHarness } from '@pressgate/test-kit';
import { describe, expect, it } from 'vitest';
import type { RelayCore, RelayEvent } from '../ports.js';
import { RecentGestures } from './recent-gestures.js';

describe('recent gestures in /v1/status', () => {
  it('lists the gestures that reached the relay, mapped or not, newest first', async () => {
    const h = await startHttpHarness();
    await h.postGesture({ remoteId: 'living-room', button: 1, gesture: 'single' });
    await h.postGesture({ remoteId: 'living-room', button: 2, gesture: 'double' });
    const status = (await h.app.inject({ method: 'GET', url: '/v1/status' })).json();
    expect(status.gestures).toEqual([
      { remoteId: 'living-room', button: 2, gesture: 'double', mapped: false, at: expect.any(String) },
      {
        remoteId: 'living-room',
        button: 1,
        gesture: 'single',
        mapped: true,
        eventId: 'Button.SinglePush.1',
        at: expect.any(String),
      },
    ]);
  });

  it('keeps at most its limit, dropping the oldest, and stops listening on stop', () => {
    const listeners = new Set<(event: RelayEvent) => void>();
    const core = {
      subscribe(listener: (event: RelayEvent) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    } as unknown as RelayCore;
    const recent = new RecentGestures(core, 3);
    recent.start();
    recent.start();
    expect(listeners.size).toBe(1);
    for (let button = 1; button <= 5; button += 1) {
      for (const listener of listeners) {
        listener({ type: 'gesture', remoteId: 'r', button, gesture: 'single', mapped: false, at: 'x' });
        listener({ type: 'link', status: { state: 'linked' } });
      }
    }
    expect(recent.list().map((gesture) => gesture.button)).toEqual([5, 4, 3]);
    recent.stop();
    expect(listeners.size).toBe(0);
    expect(() => new RecentGestures(core, 0)).toThrow(RangeError);
  });
});
