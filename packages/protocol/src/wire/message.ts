import type { Gesture } from '../gesture.js';

/**
 * Messages of wire protocol v1 (firmware-protocol/PROTOCOL.md), as parsed.
 * Field names follow the protocol: `seq` 0..65535 (wraps), `ms` device uptime
 * as an unsigned 32-bit integer (wraps), `button` 1..16.
 */
export type HelloMessage = {
  type: 'hello';
  proto: number;
  deviceId: string;
  firmware: string;
  buttons: number;
};
export type EdgeMessage = {
  type: 'edge';
  seq: number;
  ms: number;
  button: number;
  edge: 'D' | 'U';
};
export type GestureMessage = {
  type: 'gesture';
  seq: number;
  ms: number;
  button: number;
  gesture: Gesture;
};
export type HeartbeatMessage = { type: 'heartbeat'; seq: number; ms: number };
export type LogMessage = { type: 'log'; text: string };

export type WireMessage = HelloMessage | EdgeMessage | GestureMessage | HeartbeatMessage | LogMessage;

/** Messages that carry `seq` and `ms`: the ones the host checks for gaps and restarts. */
export type SequencedMessage = EdgeMessage | GestureMessage | HeartbeatMessage;

export const MAX_LINE_BYTES = 128;
export const SEQ_MODULO = 65536;
export const MS_MODULO = 2 ** 32;
export const MIN_BUTTON = 1;
export const MAX_BUTTON = 16;
export const PROTOCOL_VERSION = 1;
