import { once } from 'node:events';
import { createRelayLogger } from '@pressgate/relay';
import type { DestinationStream } from 'pino';
import { type Command, EXIT_FAILURE, EXIT_OK, stringOption, UsageError, writeLine } from '../command.js';
import { CONFIG_OPTION, loadCommandConfig } from '../command-config.js';
import { chooseLogFormat, LOG_FORMATS, prettyLogDestination } from '../log-format.js';
import { type Service, startService } from '../service/service.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'run the service: the relay and one listener per configured remote',
  usage: 'pressgate run [--config FILE] [--log-level LEVEL] [--log-format json|pretty]',
  details:
    'Starts the relay (HTTP API, status page, delivery to Alexa) and a listener for every\n' +
    'remote in the config, in one process. It serves even when no remote is plugged in: the\n' +
    'listeners keep looking. Logs go to stdout, secrets redacted: readable lines on a terminal,\n' +
    'JSON lines otherwise (systemd, pipes); --log-format picks one. A change of the\n' +
    'config file, or SIGHUP, reloads it; a broken file is refused and the running config stays.\n' +
    'SIGTERM or SIGINT stops it cleanly (pending events stay in the outbox for the next start).\n' +
    'Exits 2 on a bad config, 1 when it cannot start (port in use, data dir not writable)\n' +
    'or cannot stop cleanly (the reason is logged).',
  options: {
    config: CONFIG_OPTION,
    'log-level': {
      type: 'string',
      valueName: 'LEVEL',
      description: 'trace, debug, info, warn or error',
      default: 'info',
    },
    'log-format': {
      type: 'string',
      valueName: 'FORMAT',
      description: 'json or pretty (default: pretty on a terminal, json otherwise)',
    },
  },
  async run(context) {
    const format = stringOption(context, 'log-format');
    if (format !== undefined && !(LOG_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--log-format expects json or pretty, got "${format}"`);
    }
    const { config, file } = await loadCommandConfig(context);
    const { io } = context;
    const destination =
      chooseLogFormat(format, io.stdout) === 'pretty'
        ? prettyLogDestination(io.stdout)
        : (io.stdout as DestinationStream);
    const logger = createRelayLogger(destination, stringOption(context, 'log-level') ?? 'info');
    let service: Service;
    try {
      service = await startService({ config, logger, configFile: file, env: io.env, signal: io.signal });
    } catch (error) {
      if (io.signal.aborted) return EXIT_OK;
      const code = (error as { code?: unknown }).code;
      const where = `${config.relay.host}:${config.relay.port}`;
      const message =
        code === 'EADDRINUSE'
          ? `cannot listen on ${where}: the port is already in use (another pressgate run?); stop it or set relay.port in ${file}`
          : code === 'EADDRNOTAVAIL'
            ? `cannot listen on ${where}: no such address on this machine; fix relay.host in ${file}`
            : `could not start: ${typeof code === 'string' ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`;
      logger.error({ code }, message);
      writeLine(io.stderr, `pressgate run: ${message}`);
      return EXIT_FAILURE;
    }
    // SIGHUP is the conventional "re-read your config" (systemctl reload).
    const onHangup = (): void => void service.reload('SIGHUP');
    process.on('SIGHUP', onHangup);
    try {
      if (!io.signal.aborted) await once(io.signal, 'abort');
      logger.info({ reason: String(io.signal.reason) }, 'stopping');
    } finally {
      process.off('SIGHUP', onHangup);
    }
    try {
      await service.stop();
    } catch (error) {
      // A stop that could not finish (a full disk, say): said plainly, no stack; exit 1.
      const message = `stopped with an error: ${error instanceof Error ? error.message : String(error)}`;
      logger.error({ code: (error as { code?: unknown }).code }, message);
      writeLine(io.stderr, `pressgate run: ${message}`);
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  },
};
