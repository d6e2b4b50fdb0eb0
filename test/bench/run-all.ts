// `npm run bench`: runs every *.bench.ts under test/bench (subfolders too) in turn. Each exports `run(): Promise<void>` that prints
// its own figures. BENCH_FILTER=<text> runs only the files whose name contains it; a leading '^' anchors it at the
// file name's start (BENCH_FILTER=^align.bench runs align.bench.ts, not array-align.bench.ts).
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchModule {
  run?: () => Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.env.BENCH_FILTER ?? '';
/** The filter against the file's name (without its folders when anchored). */
function matches(file: string): boolean {
  if (!filter.startsWith('^')) return file.includes(filter);
  return (file.split(/[\\/]/).pop() ?? file).startsWith(filter.slice(1));
}
const files = (await readdir(here, { recursive: true }))
  .filter((f) => f.endsWith('.bench.ts') && matches(f))
  .sort();

if (files.length === 0) {
  process.stderr.write(`no benchmarks in ${here}${filter ? ` matching '${filter}'` : ''}\n`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  process.stdout.write(`\n=== ${file} ===\n`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as BenchModule;
  if (typeof mod.run !== 'function') {
    process.stderr.write(`${file} does not export an async run() function\n`);
    failed++;
    continue;
  }
  try {
    await mod.run();
  } catch (err) {
    failed++;
    process.stderr.write(`${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
