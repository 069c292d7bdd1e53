/** What `pressgate simulate` does with script steps, for the virtual remote and the firmware alike. */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { parseStep, SCRIPT_VERBS, type ScriptLine, type ScriptStep } from '@pressgate/device-tools';
import { type CliIo, writeLine } from '../command.js';

/**
 * After the last step the remote stays up this long before the pty goes away,
 * so a listener can close its last double-press window: unplugging resets the
 * decoder and drops a gesture still being decided.
 */
export const LINGER_MS = 1000;

/** A remote that plays steps: the virtual remote, or the firmware in the simulator. */
export type StepPlayer = {
  buttons: number;
  play(step: ScriptStep, signal?: AbortSignal): Promise<void>;
  /** Why this player cannot play a step it parsed, if it cannot. */
  refuse?(step: ScriptStep): string | undefined;
};

export type PlayScriptSettings = {
  link: string;
  keepOpen: boolean;
  /** Resolves when a host is there to see the steps; undefined: start at once. */
  waitForHost: ((signal: AbortSignal) => Promise<void>) | undefined;
  /** What the wait for the host is, for the person watching. */
  waitingFor: string;
};

export async function playScript(
  io: CliIo,
  player: StepPlayer,
  script: readonly ScriptLine[],
  settings: PlayScriptSettings,
  signal: AbortSignal,
): Promise<void> {
  if (settings.waitForHost !== undefined) {
    writeLine(io.stdout, `waiting for a host to ${settings.waitingFor} (--start-now: don't)`);
    await settings.waitForHost(signal);
  }
  writeLine(io.stdout, `playing ${script.length} step(s)`);
  for (const { line, text, step } of script) {
    writeLine(io.stdout, `  line ${line}: ${text}`);
    await player.play(step, signal);
  }
  if (settings.keepOpen) {
    writeLine(io.stdout, 'script done; the remote stays up (heartbeats) until Ctrl-C');
    await new Promise<void>((resolveWait) => {
      if (signal.aborted) resolveWait();
      signal.addEventListener('abort', () => resolveWait(), { once: true });
    });
    return;
  }
  await delay(LINGER_MS, undefined, { signal });
  writeLine(io.stdout, 'script done');
}

const INTERACTIVE_HELP = `type a step and Enter: ${SCRIPT_VERBS.join(', ')} (e.g. "press 1", "double 2", "hold 2 1500ms"); help; quit`;

export async function interactive(io: CliIo, player: StepPlayer, signal: AbortSignal): Promise<void> {
  // CliIo has no stdin yet; main's process.stdin is the fallback.
  const input = (io as CliIo & { stdin?: Readable }).stdin ?? process.stdin;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  const close = (): void => lines.close();
  signal.addEventListener('abort', close, { once: true });
  writeLine(io.stdout, INTERACTIVE_HELP);
  try {
    for await (const text of lines) {
      const command = text.trim().toLowerCase();
      if (command === 'quit' || command === 'exit') break;
      if (command === 'help' || command === '?') {
        writeLine(io.stdout, INTERACTIVE_HELP);
        continue;
      }
      const parsed = parseStep(text, { buttons: player.buttons });
      if (!parsed.ok) {
        writeLine(io.stderr, parsed.message);
        continue;
      }
      if (parsed.step === undefined) continue;
      const refused = player.refuse?.(parsed.step);
      if (refused !== undefined) {
        writeLine(io.stderr, refused);
        continue;
      }
      await player.play(parsed.step, signal);
      writeLine(io.stdout, `done: ${text.trim()}`);
    }
  } finally {
    signal.removeEventListener('abort', close);
    lines.close();
  }
}
