import type { Command, LazyCommand } from '../command.js';

/**
 * Every `pressgate` command, in the order `pressgate --help` lists them. Name and summary are
 * here; a command's module (and what it imports: the relay, serialport, mqtt, the emulator...)
 * is loaded only when that command runs or shows its own help, so `pressgate run` on a small
 * box holds none of the others. commands/index.test.ts checks each summary against its module.
 */
export const COMMANDS: readonly LazyCommand[] = [
  {
    name: 'init',
    summary: 'find the remote, name its buttons and write a pressgate.yaml that passes check',
    load: async () => (await import('./init.js')).initCommand,
  },
  {
    name: 'run',
    summary: 'run the service: the relay and one listener per configured remote',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'listen',
    summary: 'run the listeners alone, posting gestures to a relay over HTTP',
    load: async () => (await import('./listen.js')).listenCommand,
  },
  {
    name: 'monitor',
    summary: 'live view of the lines a remote sends and the gestures decoded from them',
    load: async () => (await import('./monitor.js')).monitorCommand,
  },
  {
    name: 'doctor',
    summary: 'check that a device speaks protocol v1 correctly (for firmware authors)',
    load: async () => (await import('./doctor.js')).doctorCommand,
  },
  {
    name: 'ports',
    summary: 'list serial ports with vendor/product id, serial number and by-id path',
    load: async () => (await import('./ports.js')).portsCommand,
  },
  {
    name: 'check',
    summary: 'validate the configuration file',
    load: async () => (await import('./check.js')).checkCommand,
  },
  {
    name: 'discovery',
    summary: 'print the Discover.Response the relay gives Alexa for the configured remotes',
    load: async () => (await import('./discovery.js')).discoveryCommand,
  },
  {
    name: 'simulate',
    summary: 'a virtual remote on a pseudo-terminal that speaks protocol v1',
    load: async () => (await import('./simulate.js')).simulateCommand,
  },
  {
    name: 'emulator',
    summary: 'run the local stand-in for Login with Amazon and the Alexa event gateway',
    load: async () => (await import('./emulator.js')).emulatorCommand,
  },
  {
    name: 'demo',
    summary: 'everything wired together on this machine: no hardware, no Amazon account',
    load: async () => (await import('./demo.js')).demoCommand,
  },
];

/** Every command's module, loaded: for the docs checks, which need each one's options. */
export function loadCommands(): Promise<Command[]> {
  return Promise.all(COMMANDS.map((entry) => entry.load()));
}
