import { readFile } from 'node:fs/promises';
import { validateConfig } from '@pressgate/protocol';
import { createRelay, pressRoute } from '@pressgate/relay';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { COMMANDS, loadCommands } from './commands/index.js';
import { formatCommandHelp, formatTopHelp } from './help.js';

/**
 * The README tables, the package README and the help text are written by
 * hand; these checks keep them naming the same commands and routes as the code.
 */

const rootReadme = () => readFile(new URL('../../../README.md', import.meta.url), 'utf8');
const cliReadme = () => readFile(new URL('../README.md', import.meta.url), 'utf8');

/** The text of a `## heading` section, up to the next `## `. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}`);
  if (start === -1) throw new Error(`no "## ${heading}" section`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end);
}

/** `Usage:` plus the `Options:` block: what the package README shows of each command's help. */
function helpBlock(help: string): string {
  const lines = help.trimEnd().split('\n');
  const options = lines.indexOf('Options:');
  return [lines[0], ...lines.slice(options)].join('\n');
}

describe('docs name every command, and only real ones', () => {
  const names = COMMANDS.map((command) => command.name);

  it("README's command table has a row per command", async () => {
    const table = section(await rootReadme(), 'Commands');
    const rows = [...table.matchAll(/^\| `pressgate ([a-z-]+)[ `]/gm)].map((match) => match[1]);
    expect([...rows].sort()).toEqual([...names].sort());
  });

  it("the package README has each command's help exactly as --help prints it", async () => {
    const text = await cliReadme();
    const headings = [...text.matchAll(/^### `([a-z-]+)`:/gm)].map((match) => match[1]);
    expect([...headings].sort()).toEqual([...names].sort());
    for (const command of await loadCommands()) {
      const start = text.indexOf(`### \`${command.name}\`:`);
      const block = text.slice(start).match(/```\n([\s\S]*?)\n```/)?.[1];
      expect(block, `the help block under ### \`${command.name}\``).toBe(
        helpBlock(formatCommandHelp(command)),
      );
    }
  });

  it('the top help lists every command', () => {
    const help = formatTopHelp(COMMANDS);
    for (const name of names) expect(help).toMatch(new RegExp(`^  ${name} `, 'm'));
  });
});

/** Every method and path the relay's Fastify app serves (HEAD, which Fastify adds to GET, left out). */
async function registeredRoutes(): Promise<string[]> {
  const valid = validateConfig(
    {
      alexa: { clientId: 'docs-client', clientSecret: 'docs-secret' },
      directives: { secret: 'docs-directive-secret-0123' },
      remotes: [],
    },
    {},
  );
  if (!valid.ok) throw new Error(JSON.stringify(valid.issues));
  // With the press route, as `pressgate demo` registers it, so the demo's route is listed too.
  const relay = createRelay({ config: valid.config, logger: pino({ level: 'silent' }) });
  void relay.app.register(pressRoute, { config: () => valid.config, press: async () => {} });
  await relay.app.ready();
  const tree = relay.app.printRoutes({ commonPrefix: false });
  await relay.stop();
  const routes: string[] = [];
  const parents: string[] = [];
  for (const line of tree.split('\n')) {
    const match = line.match(/^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/);
    if (match === null) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = depth === 0 ? (match[2] ?? '') : `${parents[depth - 1] ?? ''}${match[2] ?? ''}`;
    parents[depth] = path.endsWith('/') ? path : `${path}/`;
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) {
      routes.push(`${method} ${path}`);
    }
  }
  return routes;
}

describe("README's API table", () => {
  it('has a row per route the relay registers, and no other', async () => {
    const routes = await registeredRoutes();
    expect(routes).toContain('GET /v1/status');
    expect(routes.length).toBeGreaterThan(5);
    const table = section(await rootReadme(), "The relay's HTTP API");
    const rows = [...table.matchAll(/^\| `([A-Z]+ \/[^`]*)`/gm)].map((match) => match[1]);
    expect([...rows].sort()).toEqual([...routes].sort());
  });
});
