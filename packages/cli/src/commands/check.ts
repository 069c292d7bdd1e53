import { type Command, EXIT_OK, writeLine } from '../command.js';
import { CONFIG_OPTION, loadCommandConfig } from '../command-config.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'validate the configuration file',
  usage: 'pressgate check [--config FILE]',
  details:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's own syntax, shown to the user.
    'Reads the file, expands ${VAR} from the environment and validates every key.\n' +
    'Prints a one-line summary and exits 0 when the file is valid; prints every problem\n' +
    'with its key path and line and exits 2 when it is not.',
  options: { config: CONFIG_OPTION },
  async run(context) {
    const { config, file } = await loadCommandConfig(context);
    const buttons = config.remotes.reduce((sum, remote) => sum + remote.buttons.length, 0);
    const gestures = config.remotes.reduce(
      (sum, remote) =>
        sum + remote.buttons.reduce((count, button) => count + Object.keys(button.gestures).length, 0),
      0,
    );
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    writeLine(
      context.io.stdout,
      `${file}: OK: ${plural(config.remotes.length, 'remote')}, ${plural(buttons, 'button')}, ` +
        `${plural(gestures, 'gesture')} mapped; relay on ${config.relay.host}:${config.relay.port}, ` +
        `Alexa region ${config.alexa.region}`,
    );
    return EXIT_OK;
  },
};
