import { z } from 'zod';

/** The gestures pressgate decodes and maps: the wire names of protocol v1. */
export const Gesture = z.enum(['single', 'double', 'long']);
export type Gesture = z.infer<typeof Gesture>;

export const GESTURES: readonly Gesture[] = Gesture.options;
