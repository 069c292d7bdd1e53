import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SequencedMessage, WireMessage } from './message.js';
import { parseLine } from './parse-line.js';
import { isDeviceRestart, msStep, seqGap } from './sequence.js';

// Every recorded session in firmware-protocol/sessions must be clean protocol v1.
const sessionsDir = new URL('../../../../firmware-protocol/sessions/', import.meta.url);
const sessionFiles = readdirSync(sessionsDir)
  .filter((name) => name.endsWith('.txt'))
  .sort();

function linesOf(name: string): string[] {
  const text = readFileSync(new URL(name, sessionsDir)).toString('latin1');
  expect(text.endsWith('\n'), `${name} ends with a line ending`).toBe(true);
  return text.slice(0, -1).split('\n');
}

function isSequenced(message: WireMessage): message is SequencedMessage {
  return message.type === 'edge' || message.type === 'gesture' || message.type === 'heartbeat';
}

describe('firmware-protocol/sessions', () => {
  it('has the demo session with its six gestures, timed for the default decoder settings', () => {
    expect(sessionFiles).toContain('demo-two-buttons.txt');
    const edges = linesOf('demo-two-buttons.txt').flatMap((line) => {
      const result = parseLine(line);
      return result.ok && result.message.type === 'edge' ? [result.message] : [];
    });
    // Pair edges into presses, then group presses as a decoder with the defaults would
    // (debounceMs 20, doublePressMs 300, longPressMs 800).
    const presses: { button: number; downMs: number; upMs: number }[] = [];
    for (const edge of edges) {
      if (edge.edge === 'D') presses.push({ button: edge.button, downMs: edge.ms, upMs: -1 });
      else {
        const press = presses.findLast((candidate) => candidate.button === edge.button && candidate.upMs < 0);
        if (press) press.upMs = edge.ms;
      }
    }
    const gestures: string[] = [];
    presses.forEach((press, index) => {
      const held = press.upMs - press.downMs;
      expect(held, `press at ${press.downMs}`).toBeGreaterThan(20);
      const before = presses[index - 1];
      const pairsWithBefore = before !== undefined && press.downMs - before.upMs < 300;
      if (pairsWithBefore) gestures[gestures.length - 1] = `${press.button} double`;
      else gestures.push(`${press.button} ${held >= 800 ? 'long' : 'single'}`);
    });
    expect(gestures).toEqual(['1 single', '1 double', '1 long', '2 single', '2 double', '2 long']);
  });

  it.each(sessionFiles)('%s parses without errors and is a consistent recording', (name) => {
    const messages = linesOf(name).map((line, index) => {
      const result = parseLine(line);
      if (!result.ok) throw new Error(`${name}:${index + 1}: ${result.error.code} ${result.error.message}`);
      return result;
    });
    expect(messages.some((result) => result.message.type === 'hello')).toBe(true);
    expect(messages.some((result) => result.checksum)).toBe(true);

    let previous: SequencedMessage | undefined;
    let lastHeartbeatMs: number | undefined;
    const down = new Map<number, boolean>();
    for (const { message } of messages) {
      if (!isSequenced(message)) continue;
      if (previous !== undefined) {
        expect(seqGap(previous.seq, message.seq), `seq after ${previous.seq}`).toBe(0);
        expect(isDeviceRestart(previous.ms, message.ms), `ms after ${previous.ms}`).toBe(false);
      }
      if (message.type === 'heartbeat') {
        if (lastHeartbeatMs !== undefined)
          expect(msStep(lastHeartbeatMs, message.ms)).toBeLessThanOrEqual(5000);
        lastHeartbeatMs = message.ms;
      }
      if (message.type === 'edge') {
        const isDown = message.edge === 'D';
        expect(
          down.get(message.button) ?? false,
          `button ${message.button} ${message.edge} at ${message.ms}`,
        ).toBe(!isDown);
        down.set(message.button, isDown);
      }
      previous = message;
    }
    expect([...down.values()].every((isDown) => !isDown)).toBe(true);
  });
});
