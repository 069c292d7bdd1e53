// Writes the Lambda's code: one ESM file with what it uses of @pressgate/protocol, mqtt and the
// SigV4 signer inlined and no other run-time dependency, and beside it a zip ready to upload to
// Lambda (index.mjs at its root; handler index.handler). `pnpm --filter @pressgate/skill-lambda
// bundle` writes dist-lambda/index.mjs and dist-lambda/pressgate-forwarder.zip; an argument
// picks another output file (the zip goes beside it).
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { zipOneFile } from './zip-one-file.mjs';

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
  minify: true,
  // Optional speed-ups that ws and debug require() inside try/catch: left out, they fall back.
  external: ['bufferutil', 'utf-8-validate', 'supports-color'],
  // mqtt and its dependencies are CommonJS and require() node's built-ins: give the ESM bundle
  // a require of its own.
  banner: {
    js: "import { createRequire as __pressgateCreateRequire } from 'node:module'; const require = __pressgateCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const zipPath = resolve(dirname(outfile), 'pressgate-forwarder.zip');
const zip = zipOneFile('index.mjs', await readFile(outfile), (await stat(outfile)).mtime);
await writeFile(zipPath, zip);
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
// biome-ignore lint/suspicious/noConsole: a build script reporting what it wrote.
console.log(`wrote ${outfile} (${kB((await stat(outfile)).size)})`);
// biome-ignore lint/suspicious/noConsole: a build script reporting what it wrote.
console.log(
  `wrote ${zipPath} (${kB(zip.length)}; ${basename(outfile)} inside as index.mjs, handler index.handler)`,
);
