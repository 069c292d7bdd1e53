// Writes the Lambda's code: one ESM file with what it uses of @pressgate/protocol inlined and
// no other run-time dependency. `pnpm --filter @pressgate/skill-lambda bundle` writes
// dist-lambda/index.mjs; an argument picks another output file.
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outfile = resolve(process.argv[2] ?? resolve(here, 'dist-lambda/index.mjs'));
const protocolSource = resolve(here, '../protocol/src') + sep;

// @pressgate/protocol is pure by design (no I/O, nothing done at import). Saying so lets esbuild
// drop the modules the forwarder does not use (config and message schemas, and zod with them):
// the bundle shrinks from about 800 kB to a few kB.
const protocolIsPure = {
  name: 'protocol-is-pure',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.protocolIsPure === true) {
        return undefined;
      }
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { protocolIsPure: true },
      });
      if (resolved.errors.length > 0 || !resolved.path.startsWith(protocolSource)) {
        return resolved.errors.length > 0 ? { errors: resolved.errors } : resolved;
      }
      return { ...resolved, sideEffects: false };
    });
  },
};

await build({
  entryPoints: [resolve(here, 'src/handler.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Workspace packages are bundled from their TypeScript source: no prior tsc build needed.
  conditions: ['source'],
  plugins: [protocolIsPure],
  legalComments: 'none',
  logLevel: 'warning',
});
// biome-ignore lint/suspicious/noConsole: a build script reporting what it wrote.
console.log(`wrote ${outfile}`);
