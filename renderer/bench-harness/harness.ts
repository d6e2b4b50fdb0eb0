// The UI benchmark's page (test/bench/ui.bench.ts builds and drives it; not part of the app build).
// Streams 100 000 spectrum points into a plot three ways and samples requestAnimationFrame meanwhile:
//   floor:    bare uPlot, typed arrays, setData once per frame — no Vue, no model (a lower bound);
//   app:      the app's own path — run events through the run store, FrameBatcher, ResultSet, and the
//             Results view's SpectrumPlots (measured + grating model + residuals: two charts);
//   baseline: the naive way — a deep-reactive array of row objects watched deeply, the chart re-rendered
//             from it on every change (the producer's every tick).
import { createPinia } from 'pinia';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { createApp, defineComponent, h, markRaw, ref, watch } from 'vue';
import type { BenchBridge, BenchEvents, RunEvent, RunState } from '../../service/bench-api.ts';
import '../styles/app.css';
import { setBench } from '../api/bench-access.ts';
import ResultsBoard from '../components/results/ResultsBoard.vue';
import { measuredVsModel } from '../plots/chart-options.ts';
import { useResultsStore } from '../stores/results.ts';
import { useRunStore } from '../stores/run.ts';
import { frameStats, spectrumRow, waitFrames } from './stream-data.ts';
import type { FrameStats } from './stream-data.ts';

export type StreamMode = 'floor' | 'app' | 'baseline';

export interface StreamOptions {
  points: number;
  /** Points the producer emits per tick, and the tick period. */
  perTick: number;
  tick_ms: number;
  /** Give up (and report how far it got) after this long. */
  limit_ms: number;
}

export interface StreamResult extends FrameStats {
  mode: StreamMode;
  points: number;
  /** From the first point to the frame that showed the last one (or to the time limit). */
  duration_ms: number;
  /** Points on screen at the end: all of them, unless the time limit came first. */
  drawn: number;
  finished: boolean;
}

const host = document.getElementById('app') as HTMLElement;
const WIDTH = 900, HEIGHT = 300;

/** Produces the stream on a timer (like a socket would), independent of rendering. */
function produce(o: StreamOptions, emit: (from: number, to: number) => void): Promise<void> {
  return new Promise((resolve) => {
    let sent = 0;
    const timer = setInterval(() => {
      const to = Math.min(o.points, sent + o.perTick);
      emit(sent, to);
      sent = to;
      if (sent >= o.points) {
        clearInterval(timer);
        resolve();
      }
    }, o.tick_ms);
  });
}

/**
 * Samples frame intervals from the first point until `drawn()` shows them all on a painted frame, or the
 * time limit. The producer is not awaited: a path that cannot keep up delays its timer too.
 */
async function measure(mode: StreamMode, o: StreamOptions, start: () => Promise<void>, drawn: () => number): Promise<StreamResult> {
  const stamps: number[] = [];
  let sampling = true;
  const loop = (t: number) => { stamps.push(t); if (sampling) requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
  await waitFrames(2);
  const t0 = performance.now();
  void start();
  while (drawn() < o.points && performance.now() - t0 < o.limit_ms) await waitFrames(1);
  await waitFrames(1);
  const t1 = performance.now();
  sampling = false;
  const n = drawn();
  return { mode, points: o.points, duration_ms: t1 - t0, drawn: n, finished: n >= o.points, ...frameStats(stamps.filter((t) => t >= t0 && t <= t1)) };
}

function chartOptions(): uPlot.Options {
  return measuredVsModel({ width: WIDTH, height: HEIGHT, x: 'wavelength (nm)', y: 'loss (dB)', measured: 'measured', model: 'model', provisional: false, joinPoints: true, pointSize: 0 });
}

async function floor(o: StreamOptions): Promise<StreamResult> {
  const x = new Float64Array(o.points), y = new Float64Array(o.points), m = new Float64Array(o.points).fill(Number.NaN);
  let n = 0, drawn = 0, scheduled = false;
  const u = new uPlot(chartOptions(), [[], [], []], host);
  const draw = () => { scheduled = false; drawn = n; u.setData([x.subarray(0, n), y.subarray(0, n), m.subarray(0, n)]); };
  const r = await measure('floor', o, () => produce(o, (from, to) => {
    for (let i = from; i < to; i++) { const row = spectrumRow(i, o.points); x[i] = row.wavelength_nm; y[i] = row.loss_dB; }
    n = to;
    if (!scheduled) { scheduled = true; requestAnimationFrame(draw); }
  }), () => drawn);
  u.destroy();
  return r;
}

async function app(o: StreamOptions): Promise<StreamResult> {
  const listeners: ((p: BenchEvents['run']) => void)[] = [];
  const idle: RunState = { phase: 'idle', runId: null, runFolder: null, sequence: null, dut: null, stepId: null, stepIndex: 0, stepCount: 0, estimate_s: 0, elapsed_s: 0, remaining_s: 0, events: 0, passed: null, message: null };
  const bridge = {
    on: (event: string, l: (p: BenchEvents['run']) => void) => { if (event === 'run') listeners.push(l); return () => undefined; },
    runState: async () => idle,
    runEvents: async () => ({ runId: null, events: [], next: 0 }),
    listRuns: async () => [],
  } as unknown as BenchBridge;
  setBench(bridge);
  const pinia = createPinia();
  const vm = createApp(defineComponent(() => {
    const results = useResultsStore();
    return () => (results.live ? h(ResultsBoard, { results: results.live, version: results.version }) : h('div'));
  }));
  vm.use(pinia);
  vm.mount(host);
  const run = useRunStore(pinia);
  await run.init();
  const results = useResultsStore(pinia);
  const base = { runId: 'bench', t_s: 0, time: new Date().toISOString() };
  const push = (index: number, event: RunEvent) => listeners.forEach((l) => l({ index, event }));
  push(0, { ...base, type: 'run-started', sequence: 'bench', dut: 'bench', runFolder: null, steps: [{ stepId: 'sweep', kind: 'sweep', estimate_s: 1 }], estimate_s: 1, resumed: false, completed: [] });
  push(1, { ...base, type: 'step-started', stepId: 'sweep', kind: 'sweep', index: 0, total: 1, estimate_s: 1, remaining_s: 1, loop: {} });
  const length = () => results.live?.steps.get('sweep')?.tables.get('spectrum')?.length ?? 0;
  const r = await measure('app', o, () => produce(o, (from, to) => {
    for (let i = from; i < to; i++) push(i + 2, { ...base, type: 'point', stepId: 'sweep', table: 'spectrum', index: i, row: { ...spectrumRow(i, o.points) } });
  }), length);
  vm.unmount();
  setBench(null);
  return r;
}

async function baseline(o: StreamOptions): Promise<StreamResult> {
  const rows = ref<{ wavelength_nm: number; power_dBm: number; loss_dB: number }[]>([]);
  const u = markRaw(new uPlot(chartOptions(), [[], [], []], host));
  let drawn = 0;
  const stop = watch(rows, (r) => {
    drawn = r.length;
    u.setData([r.map((p) => p.wavelength_nm), r.map((p) => p.loss_dB), r.map(() => null)]);
  }, { deep: true });
  const res = await measure('baseline', o, () => produce(o, (from, to) => {
    for (let i = from; i < to; i++) rows.value.push(spectrumRow(i, o.points));
  }), () => drawn);
  stop();
  u.destroy();
  return res;
}

const MODES: Record<StreamMode, (o: StreamOptions) => Promise<StreamResult>> = { floor, app, baseline };

declare global {
  interface Window {
    uiBench: { stream(mode: StreamMode, o: StreamOptions): Promise<StreamResult> };
  }
}

window.uiBench = {
  async stream(mode, o) {
    host.innerHTML = '';
    return MODES[mode](o);
  },
};
document.title = 'ready';
