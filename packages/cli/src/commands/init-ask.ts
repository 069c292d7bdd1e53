import type { Gesture } from '@pressgate/protocol';
import { type CliIo, writeLine } from '../command.js';
import type { ProbedRemote } from './init-find.js';
import type { InitInbox } from './init-inbox.js';
import { buttonLabel, GESTURE_ORDER } from './init-yaml.js';

/** How long to wait for one press before numbering the rest as the remote does. */
const PRESS_WAIT_MS = 120_000;

/** The device's button numbers in the order the person calls them first, second, ... */
export async function askOrder(
  io: CliIo,
  inbox: InitInbox,
  remote: ProbedRemote,
  count: number,
): Promise<number[]> {
  remote.link.on('line', ({ result }) => {
    if (!result.ok) return;
    const message = result.message;
    if ((message.type === 'edge' && message.edge === 'D') || message.type === 'gesture') {
      inbox.press(message.button);
    }
  });
  writeLine(io.stdout, '');
  writeLine(io.stdout, `Press each of the ${count} buttons once, in the order you think of them, so the`);
  writeLine(io.stdout, 'names Alexa shows match. Press Enter instead to number them as the remote does.');
  const order: number[] = [];
  inbox.clearPresses();
  while (order.length < count) {
    io.stdout.write(`Press the ${buttonLabel(order.length)}... `);
    const next = await inbox.pressOrLine(io.signal, PRESS_WAIT_MS);
    if (next === undefined || 'line' in next) {
      writeLine(io.stdout, next === undefined ? '(no press: numbering as the remote does)' : '');
      break;
    }
    if (order.includes(next.button) || next.button > count) {
      const why = order.includes(next.button) ? 'already named' : `past the ${count} buttons`;
      writeLine(io.stdout, `that was button ${next.button}, ${why}; press another.`);
      continue;
    }
    order.push(next.button);
    writeLine(io.stdout, `button ${next.button}.`);
  }
  for (let button = 1; order.length < count; button += 1) {
    if (!order.includes(button)) order.push(button);
  }
  return order;
}

export async function askGestures(
  io: CliIo,
  ask: (question: string) => Promise<string>,
  index: number,
  button: number,
): Promise<Gesture[]> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const answer = await ask(
      `Gestures for the ${buttonLabel(index)} (button ${button}): single, double, long? [all three] `,
    );
    const gestures = parseGestures(answer);
    if (gestures !== undefined) return gestures;
    writeLine(io.stdout, 'Type gesture names or letters, e.g. "single long" or "sl"; Enter for all three.');
  }
  return [...GESTURE_ORDER];
}

/** `single long`, `s,l`, `sl` or empty (all three); undefined when not understood. */
export function parseGestures(answer: string): Gesture[] | undefined {
  const text = answer.trim().toLowerCase();
  if (text === '') return [...GESTURE_ORDER];
  const words = /^[sdl]+$/.test(text) ? [...text] : text.split(/[\s,]+/).filter((word) => word !== '');
  const picked = new Set<Gesture>();
  for (const word of words) {
    const gesture = GESTURE_ORDER.find((known) => known === word || known[0] === word);
    if (gesture === undefined) return undefined;
    picked.add(gesture);
  }
  return GESTURE_ORDER.filter((gesture) => picked.has(gesture));
}
