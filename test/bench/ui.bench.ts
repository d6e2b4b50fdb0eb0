// The UI in Chromium (`npm run bench`, or BENCH_FILTER=ui):
//  1. Time to first paint: navigation start → first contentful paint of the app served by browser mode
//     (BenchService on the simulator + bridge, the app's production build; the first paint is the static
//     shell in index.html), and → the Bench view showing its first live meter reading (scripts run,
//     connected, bench read, a monitor reading arrived), median of several cold browser launches; beside
//     it a plain HTML page from a bare server (the browser's own floor on this machine).
//  2. Frame time while 100 000 points stream into a plot (renderer/bench-harness/): requestAnimationFrame
//     intervals, median and p95, for the app's path (run store → frame batching → typed columns → the
//     Results view's spectrum plot with its model and residuals), against the naive way (a deep-reactive
//     array re-rendered on every change) and bare uPlot (no Vue, no model: the floor). Modes interleave
//     over rounds, each in a fresh page, so load on the shared machine hits all alike.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { build } from 'vite';
import type { Browser } from 'playwright-core';
import { startBrowserMode } from '../../service/web/browser-mode.ts';
import { launchChromium } from '../e2e/fixtures/chromium.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LAUNCHES = 7;
const ROUNDS = 3;
/** A path that has not drawn the last point after limit_ms reports how far it got. */
const STREAM = { points: 100_000, perTick: 200, tick_ms: 10, limit_ms: 30_000 };
const ALL_MODES = ['app', 'baseline', 'floor'] as const;
/** UI_BENCH_MODES=app,floor and UI_BENCH_PARTS=paint|frames narrow a run (when iterating on one path). */
const MODES = ALL_MODES.filter((m) => (process.env['UI_BENCH_MODES'] ?? m).split(',').includes(m));
const PARTS = (process.env['UI_BENCH_PARTS'] ?? 'paint,frames').split(',');

interface StreamResult { mode: string; points: number; duration_ms: number; drawn: number; finished: boolean; frames: number; median_ms: number; p95_ms: number; max_ms: number }

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '—');

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' };

/** A bare static server on 127.0.0.1 (the harness, and the plain-page reference). */
function serveDir(dir: string | null, html = ''): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/'));
      if (!dir) {
        res.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
        return;
      }
      const file = join(dir, path === '/' ? 'index.html' : path);
      if (!file.startsWith(dir) || !(await stat(file).then((s) => s.isFile(), () => false))) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    })();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/` });
  }));
}

async function buildAll(dir: string): Promise<{ app: string; harness: string }> {
  const app = join(dir, 'app'), harness = join(dir, 'harness');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: app, emptyOutDir: true } });
  await build({
    configFile: false, logLevel: 'warn', root: join(ROOT, 'renderer', 'bench-harness'), base: './', plugins: [vue()],
    server: { fs: { allow: [ROOT] } }, build: { outDir: harness, emptyOutDir: true, target: 'es2022' },
  });
  return { app, harness };
}

/** One cold launch: FCP from the Paint Timing API, and the moment the Bench view showed its first live meter reading. */
async function firstPaint(url: string, readySelector: string | null): Promise<{ fcp: number; ready: number | null }> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(url);
    let ready: number | null = null;
    if (readySelector) {
      await page.waitForSelector(readySelector, { timeout: 30_000 });
      ready = (await page.evaluate('performance.now()')) as number;
    }
    const fcp = await page.waitForFunction(
      "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null", null, { timeout: 30_000 },
    );
    return { fcp: (await fcp.jsonValue()) as number, ready };
  } finally {
    await browser.close();
  }
}

async function paintTimes(appDir: string, dir: string): Promise<void> {
  const mode = await startBrowserMode({ bench: { kind: 'sim', seed: 1 }, port: 0, uiDir: appDir, build: 'never', service: { runsDir: join(dir, 'runs') } });
  const plain = await serveDir(null, '<!doctype html><html><body><h1>benchctl</h1><p>plain page</p></body></html>');
  const app: { fcp: number; ready: number | null }[] = [];
  const ref: { fcp: number; ready: number | null }[] = [];
  try {
    for (let i = 0; i < LAUNCHES; i++) {
      app.push(await firstPaint(mode.server.url, '[data-testid="meter-panel"] [data-testid="meter-dbm"]'));
      ref.push(await firstPaint(plain.url, null));
    }
  } finally {
    plain.server.close();
    await mode.stop();
  }
  process.stdout.write(`\nTime to first paint, median of ${LAUNCHES} cold Chromium launches (navigation start → …)\n`);
  process.stdout.write(`  ${'page'.padEnd(48)} ${'first contentful paint'.padStart(24)} ${'live reading shown'.padStart(20)}\n`);
  const row = (name: string, xs: typeof app) => process.stdout.write(
    `  ${name.padEnd(48)} ${ms(median(xs.map((x) => x.fcp))).padStart(24)} ${(xs[0]?.ready === null ? '—' : ms(median(xs.map((x) => x.ready ?? Number.NaN)))).padStart(20)}\n`);
  row('benchctl UI (browser mode, simulator open)', app);
  row('reference: plain HTML page, bare server', ref);
  process.stdout.write(`  FCP per launch (UI): ${app.map((x) => x.fcp.toFixed(0)).join(', ')} ms\n`);
}

async function streamOnce(browser: Browser, url: string, mode: string): Promise<StreamResult> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await page.goto(url);
    await page.waitForFunction("document.title === 'ready'");
    return (await page.evaluate(`window.uiBench.stream(${JSON.stringify(mode)}, ${JSON.stringify(STREAM)})`)) as StreamResult;
  } finally {
    await page.close();
  }
}

async function frameTimes(harnessDir: string): Promise<void> {
  const harness = await serveDir(harnessDir);
  const browser = await launchChromium();
  const results: Record<string, StreamResult[]> = { app: [], baseline: [], floor: [] };
  try {
    for (let r = 0; r < ROUNDS; r++) for (const mode of MODES) results[mode]?.push(await streamOnce(browser, harness.url, mode));
  } finally {
    await browser.close();
    harness.server.close();
  }
  process.stdout.write(`\nFrame intervals while ${STREAM.points.toLocaleString('en')} points stream into a plot ` +
    `(${STREAM.perTick} points every ${STREAM.tick_ms} ms), median over ${ROUNDS} rounds (60 Hz display: 16.7 ms)\n`);
  process.stdout.write(`  ${'path'.padEnd(72)} ${'median'.padStart(9)} ${'p95'.padStart(9)} ${'worst'.padStart(9)}  all drawn after\n`);
  const names: Record<string, string> = {
    app: 'app: run store → frame batch → typed columns → plot + model + residuals',
    baseline: 'baseline: deep-reactive array, chart re-rendered on every change',
    floor: 'floor: bare uPlot, typed arrays, setData per frame (no Vue, no model)',
  };
  for (const mode of MODES) {
    const rs = results[mode] ?? [];
    if (rs.length === 0) continue;
    const col = (f: (x: StreamResult) => number) => ms(median(rs.map(f)));
    const unfinished = rs.filter((x) => !x.finished);
    const all = unfinished.length === 0
      ? `${(median(rs.map((x) => x.duration_ms)) / 1000).toFixed(2)} s`
      : `not in ${STREAM.limit_ms / 1000} s: ${Math.round(median(unfinished.map((x) => x.drawn))).toLocaleString('en')} drawn`;
    process.stdout.write(`  ${(names[mode] ?? mode).padEnd(72)} ${col((x) => x.median_ms).padStart(9)} ${col((x) => x.p95_ms).padStart(9)} ` +
      `${col((x) => x.max_ms).padStart(9)}  ${all}\n`);
  }
  process.stdout.write(`  the producer alone needs ${((STREAM.points / STREAM.perTick) * STREAM.tick_ms / 1000).toFixed(1)} s to emit the stream\n`);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'g2-ui-bench-'));
  try {
    process.stdout.write('building the app and the benchmark harness (Vite)...\n');
    const built = await buildAll(dir);
    if (PARTS.includes('paint')) await paintTimes(built.app, dir);
    if (PARTS.includes('frames')) await frameTimes(built.harness);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
