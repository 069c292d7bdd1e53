/**
 * Rules about the repository as a whole, read from its files: it cites only files it holds, the
 * paths its docs name exist, and source code imports no test scaffolding (docs/architecture.md,
 * "Parts").
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

/** Tracked files and new ones not ignored, as a fresh clone (plus this work) would have them. */
function repositoryFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  return listed
    .split('\0')
    .filter((path) => path !== '' && existsSync(join(ROOT, path)))
    .sort();
}

const TEXT = /\.(ts|mjs|js|json|md|yaml|yml|sh|c|h|ino|txt|service|rules|html|css)$|(^|\/)(run|Makefile)$/;

async function textFiles(): Promise<{ path: string; text: string }[]> {
  const files = repositoryFiles().filter((path) => TEXT.test(path) && path !== 'pnpm-lock.yaml');
  return Promise.all(files.map(async (path) => ({ path, text: await readFile(join(ROOT, path), 'utf8') })));
}

// Built from parts so that this file does not cite them itself.
const OUTSIDE_DOCS = new RegExp(
  `\\b(${['DESIGN', 'ALEXA', 'STYLE'].map((name) => `${name}\\.md`).join('|')})`,
);

/** `../shared` (or deeper) that, from the file's own folder, leads out of the repository. */
function sharedOutside(path: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/((?:\.\.\/)+)shared\b/g)) {
    const target = resolve(ROOT, dirname(path), `${match[1]}shared`);
    if (relative(ROOT, target).startsWith('..')) found.push(match[0]);
  }
  const absolute = `/work/${'shared'}`;
  if (text.includes(absolute)) found.push(absolute);
  return found;
}

describe('the repository cites only what it holds', () => {
  it('no file cites the design, Alexa or style notes kept outside the repository', async () => {
    const files = await textFiles();
    expect(files.length).toBeGreaterThan(100);
    const citing = files.flatMap(({ path, text }) => {
      const lines = text.split('\n');
      const hits: string[] = [];
      lines.forEach((line, index) => {
        const outside = OUTSIDE_DOCS.exec(line)?.[0];
        if (outside !== undefined) hits.push(`${path}:${index + 1}: ${outside}`);
      });
      for (const shared of sharedOutside(path, text)) hits.push(`${path}: ${shared}`);
      return hits;
    });
    expect(citing).toEqual([]);
  });

  it('sees a citation of an outside file and an escaping ../shared (the checks can fail)', () => {
    expect(OUTSIDE_DOCS.test(`see ${'ALEXA'}.md, "Event gateway"`)).toBe(true);
    expect(OUTSIDE_DOCS.test('see docs/alexa.md, "Event gateway"')).toBe(false);
    expect(sharedOutside('packages/relay/src/x.ts', `'../../../../${'shared'}/notes'`)).toHaveLength(1);
    expect(sharedOutside('packages/relay/src/core/delivery/x.ts', "'../shared/clock.js'")).toEqual([]);
  });
});

/** Repository paths a markdown file names: in backticks from a top folder, or as a relative link. */
function namedPaths(docPath: string, text: string): string[] {
  const paths = new Set<string>();
  for (const match of text.matchAll(
    /`((?:packages|test|scripts|docs|firmware-protocol|examples|\.ci)\/[A-Za-z0-9_./-]*)`/g,
  )) {
    const path = match[1] ?? '';
    // Build output is not in the repository.
    if (path.split('/').some((part) => part === 'dist' || part.startsWith('dist-'))) continue;
    paths.add(path.replace(/\/$/, ''));
  }
  for (const match of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = (match[1] ?? '').split('#')[0] ?? '';
    if (target === '' || /^[a-z]+:/.test(target)) continue;
    paths.add(relative(ROOT, resolve(ROOT, dirname(docPath), target)));
  }
  return [...paths];
}

describe('the docs name paths that exist', () => {
  it('every repository path in docs/*.md and the READMEs exists', async () => {
    const docs = repositoryFiles().filter((path) => /^docs\/[^/]+\.md$|(^|\/)README\.md$/.test(path));
    expect(docs).toEqual(expect.arrayContaining(['docs/architecture.md', 'docs/alexa.md', 'README.md']));
    const missing: string[] = [];
    let checked = 0;
    for (const doc of docs) {
      for (const path of namedPaths(doc, await readFile(join(ROOT, doc), 'utf8'))) {
        checked += 1;
        if (!existsSync(join(ROOT, path))) missing.push(`${doc}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  });

  it('finds a backticked path and a relative link, and skips build output', () => {
    expect(
      namedPaths(
        'docs/x.md',
        'see `packages/relay/src/relay.ts`, [a](../scripts/x.sh#y), `packages/cli/dist/main.js`',
      ),
    ).toEqual(['packages/relay/src/relay.ts', 'scripts/x.sh']);
  });
});

/** Where a source file may import the emulator: the demo, and the command that starts it. */
const EMULATOR_ALLOWED = [/^packages\/cli\/src\/demo\//, /^packages\/cli\/src\/commands\/emulator\.ts$/];

/** Problems with one source file's imports. */
function importProblems(path: string, text: string): string[] {
  const problems: string[] = [];
  const imports =
    /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|(?:^|\n)\s*import\s+'([^']+)'/g;
  for (const match of text.matchAll(imports)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? '';
    if (specifier === '@pressgate/test-kit' || specifier.startsWith('@pressgate/test-kit/')) {
      problems.push(`${path} imports ${specifier}`);
    }
    if (/\.test-helpers(\.js|\.ts)?$/.test(specifier)) problems.push(`${path} imports ${specifier}`);
    if (
      specifier.startsWith('@pressgate/emulator') &&
      !EMULATOR_ALLOWED.some((allowed) => allowed.test(path))
    ) {
      problems.push(`${path} imports ${specifier}`);
    }
  }
  return problems;
}

describe('source code imports no test scaffolding', () => {
  it('no non-test file under packages/*/src imports the test kit, a *.test-helpers file or (outside the demo) the emulator', async () => {
    const sources = repositoryFiles().filter(
      (path) =>
        /^packages\/[^/]+\/src\/.+\.ts$/.test(path) &&
        !path.startsWith('packages/test-kit/') &&
        !/\.test\.ts$|\.test-helpers\.ts$/.test(path),
    );
    expect(sources.length).toBeGreaterThan(100);
    const problems: string[] = [];
    for (const path of sources)
      problems.push(...importProblems(path, await readFile(join(ROOT, path), 'utf8')));
    expect(problems).toEqual([]);
  });

  it('sees each kind of import it forbids (the check can fail)', () => {
    const text = [
      "import { waitFor } from '@pressgate/test-kit';",
      "import { x } from './thing.test-helpers.js';",
      "import { startEmulator } from '@pressgate/emulator';",
      "const kit = await import('@pressgate/test-kit');",
      "import '@pressgate/test-kit';",
    ].join('\n');
    expect(importProblems('packages/relay/src/a.ts', text)).toHaveLength(5);
    expect(importProblems('packages/cli/src/demo/run-demo.ts', text)).toHaveLength(4);
    expect(
      importProblems('packages/cli/src/commands/emulator.ts', "import { a } from '@pressgate/emulator';"),
    ).toEqual([]);
  });
});
