import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { openPtyPair, type PtyPair, VirtualRemote } from '@pressgate/device-tools';
import { startEmulator } from '@pressgate/emulator';
import { decoderSetupFor } from '@pressgate/listener';
import { PressgateError } from '@pressgate/protocol';
import { createRelayLogger, type PressRouteOptions, pressRoute } from '@pressgate/relay';
import type { DestinationStream } from 'pino';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '../commands/emulator.js';
import { Service } from '../service/service.js';
import { DeliveryTracker } from './delivery-tracker.js';
import { type DemoBroker, findMosquitto, startDemoBroker } from './demo-broker.js';
import { DEMO_DIRECTIVE_SECRET, DEMO_REMOTE_ID, DEMO_TOPIC_PREFIX, demoConfig } from './demo-config.js';
import { formatReport, formatSummary, type GestureReport } from './demo-output.js';
import { DEMO_SCRIPT, type DemoRemote, playStep } from './demo-script.js';
import { InProcessRemote } from './in-process-remote.js';
import { httpDirectives, linkRelay } from './link-relay.js';
import { MqttDirectives, type MqttDirectivesOptions } from './mqtt-directives.js';

export type DemoOptions = {
  stdout: Writable;
  /** Relay port on 127.0.0.1; 0 for any free port. */
  port: number;
  /** Play the script and return; otherwise keep running until `signal`. */
  once: boolean;
  /** Logs to stdout instead of a file in the temp dir. */
  verbose: boolean;
  signal: AbortSignal;
  /** The socat executable (tests point it at a missing one to exercise the fallback). */
  socatPath?: string;
  /** How long to wait for each scripted gesture to be delivered; default 10 s. */
  stepTimeoutMs?: number;
  /** Directives through a local mosquitto (directives.transport mqtt) instead of HTTPS. */
  mqtt?: boolean;
  /** Where to look for mosquitto (tests point it at a missing one); default MOSQUITTO_PATHS. */
  mosquittoPaths?: readonly string[];
};

/** The fix `pressgate demo --mqtt` prints when mosquitto is missing. */
export const MOSQUITTO_MISSING =
  'mosquitto is not installed; pressgate demo --mqtt needs it: sudo apt-get install mosquitto';

/** True when every scripted gesture was delivered. */
export async function runDemo(options: DemoOptions): Promise<boolean> {
  const out = (text = '') => options.stdout.write(`${text}\n`);
  const mosquitto = options.mqtt === true ? await findMosquitto(options.mosquittoPaths) : undefined;
  if (options.mqtt === true && mosquitto === undefined) {
    throw new PressgateError('ERR_DEMO_MOSQUITTO_MISSING', MOSQUITTO_MISSING);
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'pressgate-demo-'));
  const logFile = join(dataDir, 'demo.log');
  const logStream = options.verbose ? undefined : createWriteStream(logFile, { mode: 0o600 });
  const logger = createRelayLogger((logStream ?? options.stdout) as DestinationStream);
  const cleanups: (() => Promise<unknown>)[] = [];
  let succeeded = false;
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
    if (logStream !== undefined) await new Promise((resolve) => logStream.end(resolve));
    // A failed demo keeps its logs for the reader; a good one leaves nothing behind.
    if (succeeded || logStream === undefined) await rm(dataDir, { recursive: true, force: true });
    else out(`  logs kept in ${logFile}`);
  };
  try {
    out(
      'pressgate demo: a simulated remote, the relay and a local Alexa stand-in; no hardware, no Amazon account',
    );
    const emulator = await startEmulator({ clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
    cleanups.push(() => emulator.close());
    out(`  emulator  ${emulator.url}  (stands in for Login with Amazon and the Alexa event gateway)`);
    const broker = mosquitto === undefined ? undefined : await startBroker(mosquitto, dataDir, cleanups, out);

    const pty = await openPty(dataDir, options.socatPath, out);
    if (pty !== undefined) cleanups.push(() => pty.kill());
    // The remote is up before the service opens the port, as a plugged-in one is: its
    // HELLO answers the listener's first "?" at once, and no "?" sits unanswered in the pty.
    const ptyRemote = pty === undefined ? undefined : new VirtualRemote({ path: pty.devicePath, buttons: 2 });
    if (ptyRemote !== undefined) {
      cleanups.push(() => ptyRemote.stop());
      await ptyRemote.start(options.signal);
    }
    let remote: (DemoRemote & { stop(): Promise<void> | void }) | undefined;
    const config = demoConfig({
      dataDir,
      port: options.port,
      gatewayUrl: emulator.gatewayUrl,
      lwaTokenUrl: emulator.lwaTokenUrl,
      serialPath: pty?.hostPath ?? join(dataDir, 'no-pty'),
      ...(broker === undefined ? {} : { mqtt: { url: broker.url } }),
    });
    const service = new Service({
      config,
      logger,
      listener: { reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } },
    });
    // The status page's virtual buttons press the simulated remote: the demo's own route on the
    // relay's app, registered before it listens.
    const press: PressRouteOptions['press'] = async (_remoteId, button, action) => {
      if (remote === undefined)
        throw new PressgateError('ERR_DEMO_REMOTE', 'the simulated remote is not running');
      await remote.edge(button, action === 'down' ? 'D' : 'U');
    };
    void service.relay.app.register(pressRoute, { config: () => service.config(), press });
    await service.start();
    cleanups.push(() => service.stop());
    const url = service.url ?? '';
    out(`  relay     ${url}`);

    const mqtt = broker === undefined ? undefined : await MqttDirectives.connect(mqttDirectivesFor(broker));
    if (mqtt !== undefined) cleanups.push(() => mqtt.close());
    const endpoints = await linkRelay(mqtt?.send ?? httpDirectives(url, DEMO_DIRECTIVE_SECRET), emulator);
    out(
      `  linked    AcceptGrant accepted; the emulator discovered ${endpoints} endpoint${endpoints === 1 ? '' : 's'}`,
    );
    if (mqtt !== undefined) out(`  mqtt      ${await mqttSummary(url)}`);

    remote = await connectRemote(service, ptyRemote, options.signal);
    cleanups.push(async () => remote?.stop());
    out(
      pty === undefined
        ? `  remote    ${DEMO_REMOTE_ID}, simulated in-process (no pseudo-terminal)`
        : `  remote    ${DEMO_REMOTE_ID}, simulated on the pseudo-terminal ${pty.hostPath}`,
    );
    if (!options.verbose) out(`  logs      ${logFile}`);

    const shown: GestureReport[] = [];
    let step = 0;
    const tracker = new DeliveryTracker(service, emulator, (report) => {
      shown.push(report);
      step += 1;
      const label = step <= DEMO_SCRIPT.length ? `${step}/${DEMO_SCRIPT.length} ` : '';
      for (const line of formatReport(report, `  ${label}`)) out(line);
    });
    cleanups.push(async () => tracker.stop());

    out();
    out(`Playing ${DEMO_SCRIPT.length} gestures on buttons 1 and 2:`);
    for (const scripted of DEMO_SCRIPT) {
      const before = tracker.finished;
      await playStep(remote, scripted);
      await waitUntil(() => tracker.finished > before, options.stepTimeoutMs ?? 10_000, options.signal);
    }
    const played = shown.slice(0, DEMO_SCRIPT.length);
    const allDelivered =
      played.length === DEMO_SCRIPT.length &&
      played.every((report) => report.record?.outcome === 'delivered');
    out(formatSummary(played));

    if (!options.once && !options.signal.aborted) {
      out();
      out(`Status page: ${url}/  (its virtual buttons press the simulated remote)`);
      out('Press Ctrl-C to stop.');
      await once(options.signal, 'abort');
    }
    succeeded = allDelivered;
    return allDelivered;
  } finally {
    await cleanup();
  }
}

/** The local mosquitto, stopped with the demo. */
async function startBroker(
  binary: string,
  dir: string,
  cleanups: (() => Promise<unknown>)[],
  out: (text: string) => void,
): Promise<DemoBroker> {
  const broker = await startDemoBroker({ binary, dir });
  cleanups.push(() => broker.stop());
  out(`  broker    ${broker.url}  (mosquitto: the relay connects out to it; no open port)`);
  return broker;
}

/** The demo's directives through the broker, to the topic its relay config names. */
function mqttDirectivesFor(broker: DemoBroker): MqttDirectivesOptions {
  return { url: broker.url, topicPrefix: DEMO_TOPIC_PREFIX, secret: DEMO_DIRECTIVE_SECRET };
}

/** What the relay itself reports about the directives it answered over the broker. */
async function mqttSummary(relayUrl: string): Promise<string> {
  const response = await fetch(`${relayUrl}/v1/status`, { signal: AbortSignal.timeout(5_000) });
  const status = (await response.json()) as {
    directives?: { transport?: string; state?: string; topic?: string; answered?: number };
  };
  const directives = status.directives;
  if (directives?.transport !== 'mqtt' || directives.answered === undefined || directives.answered < 2) {
    throw new PressgateError(
      'ERR_DEMO_LINK',
      `the relay does not report the directives as answered over MQTT: ${JSON.stringify(directives)}`,
    );
  }
  return `directives came over MQTT: the relay answered ${directives.answered} on ${directives.topic} (connection ${directives.state})`;
}

async function openPty(
  dir: string,
  socatPath: string | undefined,
  out: (text: string) => void,
): Promise<PtyPair | undefined> {
  try {
    return await openPtyPair({ dir, ...(socatPath === undefined ? {} : { socatPath }) });
  } catch (error) {
    if (error instanceof PressgateError && error.code === 'ERR_PTY_SOCAT_MISSING') {
      out('  note      socat is not installed, so the remote runs in-process instead of on a');
      out('            pseudo-terminal. For the real serial path: sudo apt-get install socat');
      return undefined;
    }
    throw error;
  }
}

/** The VirtualRemote on the pty once the listener has its HELLO; or the in-process fallback. */
async function connectRemote(
  service: Service,
  ptyRemote: VirtualRemote | undefined,
  signal: AbortSignal,
): Promise<DemoRemote & { stop(): Promise<void> | void }> {
  if (ptyRemote === undefined) {
    const remoteConfig = service.config().remotes.find((entry) => entry.id === DEMO_REMOTE_ID);
    if (remoteConfig === undefined)
      throw new PressgateError('ERR_DEMO_REMOTE', 'the demo config has no remote');
    const inProcess = new InProcessRemote(decoderSetupFor(remoteConfig), (gesture, atMs) => {
      void service.ingestDecoded(DEMO_REMOTE_ID, gesture, atMs);
    });
    await service.relay.core.setRemoteStatus(DEMO_REMOTE_ID, { connected: true, deviceId: 'in-process' });
    return inProcess;
  }
  const connected = () =>
    service.relay.core.remotes().some((entry) => entry.id === DEMO_REMOTE_ID && entry.connected);
  await waitUntil(connected, 10_000, signal);
  return ptyRemote;
}

async function waitUntil(check: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    signal.throwIfAborted();
    if (performance.now() > deadline) {
      throw new PressgateError('ERR_DEMO_TIMEOUT', `nothing happened within ${timeoutMs} ms; see the logs`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
