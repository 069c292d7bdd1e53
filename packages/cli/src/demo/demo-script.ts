import type { Gesture } from '@pressgate/protocol';

/** A remote the demo can press: the VirtualRemote on a pty, or the in-process fallback. */
export type DemoRemote = {
  single(button: number): Promise<void>;
  double(button: number): Promise<void>;
  long(button: number): Promise<void>;
  /** One raw edge, for the status page's virtual buttons. */
  edge(button: number, edge: 'D' | 'U'): Promise<void>;
};

export type DemoStep = { button: number; gesture: Gesture };

/** What `pressgate demo` plays: every gesture on both buttons. */
export const DEMO_SCRIPT: readonly DemoStep[] = [
  { button: 1, gesture: 'single' },
  { button: 1, gesture: 'double' },
  { button: 1, gesture: 'long' },
  { button: 2, gesture: 'single' },
  { button: 2, gesture: 'double' },
  { button: 2, gesture: 'long' },
];

export function playStep(remote: DemoRemote, step: DemoStep): Promise<void> {
  switch (step.gesture) {
    case 'single':
      return remote.single(step.button);
    case 'double':
      return remote.double(step.button);
    case 'long':
      return remote.long(step.button);
  }
}
