/** The shapes a Listener takes and reports: its options, its events and its state. */
import type { ParseResult } from '@pressgate/protocol';
import type { Logger } from 'pino';
import type { ButtonSetup, DecodedGesture, DecoderAnomaly, Timing } from './decoder/index.js';
import type { PortMatch } from './ports/find-port.js';
import type { PortInfo } from './ports/list-ports.js';

export type ListenerOptions = {
  remoteId: string;
  serial: { path?: string; match?: PortMatch; baudRate: number };
  decoder: { defaults: Timing; buttons: ReadonlyMap<number, ButtonSetup> };
  logger: Logger;
  /** Port discovery for `serial.match` (default: this machine's ports). */
  listPorts?: () => Promise<PortInfo[]>;
  heartbeatTimeoutMs?: number;
  helloTimeoutMs?: number;
  /** Delay between attempts: starts at initialDelayMs, doubles up to maxDelayMs (default 500 -> 10000). */
  reconnect?: { initialDelayMs: number; maxDelayMs: number };
};

export type ListenerEvents = {
  connected: [event: { remoteId: string; path: string; deviceId: string; firmware: string; buttons: number }];
  /**
   * The remote is not connected: a connection ended, or (once, at start) the
   * first attempt failed, so a remote missing from the start is reported too.
   */
  disconnected: [event: { remoteId: string; code: string; message: string }];
  line: [event: { remoteId: string; raw: string; result: ParseResult; at: string }];
  /**
   * A button of the connected remote went down (its `D` edge, before any debounce): a gesture
   * may follow. For work worth starting early, such as opening a connection.
   */
  press: [event: { remoteId: string; button: number }];
  /** `at` (ISO 8601) is when the device detected the gesture: its `deviceMs` mapped to wall time. */
  gesture: [event: { remoteId: string; at: string } & DecodedGesture];
  anomaly: [event: { remoteId: string } & DecoderAnomaly];
  /** A line from the remote that is not protocol v1 (counted per remote for /v1/status). */
  wireError: [event: { remoteId: string; code: string }];
  /** An attempt to connect failed; the next one runs after `delayMs`. */
  retry: [event: { remoteId: string; code: string; message: string; delayMs: number }];
};

export type ListenerState = {
  connected: boolean;
  path?: string;
  deviceId?: string;
  firmware?: string;
  buttons?: number;
  /** ISO time of the last line from the device. */
  lastSeenAt?: string;
  /** Why the last attempt failed or the last connection ended. */
  lastError?: { code: string; message: string };
  /** Unreadable lines since start. */
  unreadableLines: number;
};
