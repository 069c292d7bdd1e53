/**
 * `pnpm bench [--full] [-- name... [--option=value...]]`: runs each benchmark
 * (scripts/bench/<name>.ts) in its own child process, one after the other, so a crash in one
 * cannot hide the others. Each child prints its table and writes bench-results/<name>.json
 * with a `summary` list; this runner prints the machine once, then ONE summary table of every
 * figure with its baseline at the end, and writes bench-results/run.json (what ran, exit
 * status, duration, the summary). The default run is short (about a minute and a half on two
 * cores); `--full` gives every benchmark its long run. Options (--full, --events=N ...) are
 * passed to every selected benchmark. Exits 1 if any benchmark crashed or timed out, 2 on an
 * unknown name; timing results never fail the run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { formatSummaryTable, type SummaryRow } from './stats.js';

/** In run order. A benchmark whose file is missing is skipped. */
const BENCHMARKS = [
  'listener',
  'peer',
  'relay',
  'burst',
  'cold-press',
  'cost',
  'disk-sync',
  'firmware',
] as const;
/** A benchmark still running after this is killed and counted as crashed (--full: 20 min). */
const BENCH_TIMEOUT_MS = 5 * 60_000;
const FULL_BENCH_TIMEOUT_MS = 20 * 60_000;

type BenchRun = {
  name: string;
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  results: string;
};

/** The `summary` rows a benchmark wrote to its results file; none when it is missing or stale. */
async function readSummary(run: BenchRun, startedAt: number): Promise<(SummaryRow & { bench: string })[]> {
  try {
    const result = JSON.parse(await readFile(`${rootDir}${run.results}`, 'utf8')) as {
      at?: string;
      summary?: SummaryRow[];
    };
    if (result.at === undefined || Date.parse(result.at) < startedAt) return [];
    return (result.summary ?? []).map((row) => ({ bench: run.name, ...row }));
  } catch {
    return [];
  }
}

const benchDir = fileURLToPath(new URL('./', import.meta.url));
const rootDir = fileURLToPath(new URL('../../', import.meta.url));
const outDir = fileURLToPath(new URL('../../bench-results/', import.meta.url));

function describeMachine() {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

function runBenchmark(name: string, options: readonly string[]): Promise<BenchRun> {
  const timeoutMs = options.includes('--full') ? FULL_BENCH_TIMEOUT_MS : BENCH_TIMEOUT_MS;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', `${benchDir}${name}.ts`, ...options],
    { cwd: rootDir, stdio: 'inherit' },
  );
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    console.error(`\n${name}: still running after ${timeoutMs / 1000} s; killing it`);
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => {
    const finish = (exitCode: number | null, signal: string | null): void => {
      clearTimeout(timer);
      resolve({
        name,
        ok: exitCode === 0 && !timedOut,
        exitCode,
        signal,
        timedOut,
        durationMs: Math.round(performance.now() - started),
        results: `bench-results/${name}.json`,
      });
    };
    child.once('error', (error) => {
      console.error(`${name}: could not start: ${error.message}`);
      finish(null, null);
    });
    child.once('exit', finish);
  });
}

async function main(args: readonly string[]): Promise<number> {
  const names = args.filter((arg) => arg !== '--' && !arg.startsWith('-'));
  const options = args.filter((arg) => arg !== '--' && arg.startsWith('-'));
  const available = BENCHMARKS.filter((name) => existsSync(`${benchDir}${name}.ts`));
  const unknown = names.filter((name) => !(available as string[]).includes(name));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark ${unknown.join(', ')}; expected one of: ${available.join(', ')} (pnpm bench -- relay)`,
    );
    return 2;
  }
  const selected = names.length === 0 ? available : available.filter((name) => names.includes(name));
  const machine = describeMachine();
  console.log(
    `machine: ${machine.cpus} cpus (${machine.cpuModel}), node ${machine.node}, ${machine.platform}, ` +
      `${machine.memoryGiB} GiB, load average ${machine.loadAverage.join(' ')}`,
  );
  const runs: BenchRun[] = [];
  const summary: (SummaryRow & { bench: string })[] = [];
  for (const name of selected) {
    console.log(`\n== ${name} ==`);
    const startedAt = Date.now();
    const run = await runBenchmark(name, options);
    runs.push(run);
    summary.push(...(await readSummary(run, startedAt)));
    if (!run.ok) {
      const how = run.timedOut ? 'timed out' : `exited with ${run.signal ?? `code ${run.exitCode}`}`;
      console.error(`${name}: CRASHED (${how}); its results are missing or stale`);
    }
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(
    `${outDir}run.json`,
    `${JSON.stringify({ machine, at: new Date().toISOString(), full: options.includes('--full'), benchmarks: runs, summary }, null, 2)}\n`,
  );
  const load = loadavg().map((value) => Math.round(value * 100) / 100);
  console.log(
    `\n== summary (${options.includes('--full') ? 'full' : 'default, short'} run; load average at the start ` +
      `${machine.loadAverage.join(' ')}, at the end ${load.join(' ')}) ==`,
  );
  console.log(formatSummaryTable(summary));
  console.log(
    `\n${runs.map((run) => `${run.name} ${run.ok ? 'ok' : 'CRASHED'} (${(run.durationMs / 1000).toFixed(1)} s)`).join(', ')}` +
      `; wrote ${outDir}run.json`,
  );
  return runs.every((run) => run.ok) ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
