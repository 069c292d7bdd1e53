/**
 * Size figures of the non-test source: files over a line limit and functions over a line limit,
 * measured with the TypeScript compiler's own parser, so the before and after of a refactor come
 * from one tool. Non-test source is every `.ts` file under `packages/<name>/src/` and `scripts/`
 * except `*.test.ts`, `*.test-helpers.ts` and the private test kit (`packages/test-kit`).
 *
 *   pnpm exec tsx scripts/code-stats.ts [--file-lines 300] [--function-lines 60] [--list]
 *     [--copy-to DIR]
 *
 * `--list` prints every file and function over its limit. `--copy-to DIR` also copies the
 * measured files into DIR (which must not exist yet), so `duplicates --repo DIR --most 200`
 * counts the duplicated pairs of the same set of files and nothing else.
 * A file counts its physical lines (a trailing newline does not add one); a function counts the
 * lines from the line of its first token to the line of its last, inclusive.
 */
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface LongFunction {
  file: string;
  line: number;
  name: string;
  lines: number;
}

function isMeasured(path: string): boolean {
  if (!path.endsWith('.ts') || path.endsWith('.d.ts')) return false;
  if (path.endsWith('.test.ts') || path.endsWith('.test-helpers.ts')) return false;
  return !path.startsWith('packages/test-kit/');
}

async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

async function measuredFiles(): Promise<string[]> {
  const packages = await readdir(join(root, 'packages'), { withFileTypes: true });
  const dirs = packages.filter((p) => p.isDirectory()).map((p) => join(root, 'packages', p.name, 'src'));
  dirs.push(join(root, 'scripts'));
  const all: string[] = [];
  for (const dir of dirs) all.push(...(await listFiles(dir)));
  return all
    .map((path) => relative(root, path))
    .filter(isMeasured)
    .sort();
}

function functionName(node: ts.Node, source: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) return named.name.getText(source);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(source);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  if (parent && ts.isPropertyDeclaration(parent)) return parent.name.getText(source);
  return '(anonymous)';
}

function longFunctions(file: string, text: string, limit: number): LongFunction[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: LongFunction[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > limit) found.push({ file, line: first + 1, name: functionName(node, source), lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function lineCount(text: string): number {
  if (text.length === 0) return 0;
  const lines = text.split('\n').length;
  return text.endsWith('\n') ? lines - 1 : lines;
}

const { values } = parseArgs({
  options: {
    'file-lines': { type: 'string', default: '300' },
    'function-lines': { type: 'string', default: '60' },
    list: { type: 'boolean', default: false },
    'copy-to': { type: 'string' },
  },
});
const fileLimit = Number(values['file-lines']);
const functionLimit = Number(values['function-lines']);

const files = await measuredFiles();
const longFiles: { file: string; lines: number }[] = [];
const functions: LongFunction[] = [];
let totalLines = 0;
for (const file of files) {
  const text = await readFile(join(root, file), 'utf8');
  const lines = lineCount(text);
  totalLines += lines;
  if (lines > fileLimit) longFiles.push({ file, lines });
  functions.push(...longFunctions(file, text, functionLimit));
}

console.log(`non-test source files: ${files.length} (${totalLines} lines)`);
console.log(`files over ${fileLimit} lines: ${longFiles.length}`);
console.log(`functions over ${functionLimit} lines: ${functions.length}`);
if (values.list) {
  for (const { file, lines } of longFiles.sort((a, b) => b.lines - a.lines)) {
    console.log(`  file ${file}: ${lines} lines`);
  }
  for (const f of functions.sort((a, b) => b.lines - a.lines)) {
    console.log(`  function ${f.file}:${f.line} ${f.name}: ${f.lines} lines`);
  }
}

const copyTo = values['copy-to'];
if (copyTo !== undefined) {
  await mkdir(copyTo);
  for (const file of files) {
    await mkdir(join(copyTo, dirname(file)), { recursive: true });
    await copyFile(join(root, file), join(copyTo, file));
  }
  console.log(`copied ${files.length} files to ${copyTo}: run duplicates --repo ${copyTo} --most 200`);
}
