// The UI end to end, in Chromium, against `benchctl serve` on the simulated bench: open the simulator,
// turn the laser on and see it flagged, move to the chip, jog and see the live reading change, talk SCPI,
// see a broken sequence's errors inline, run a short align + spectrum + BER sequence while its plots fill, pause and
// resume it, reopen it from the history and export a CSV (checked against the run folder) and a PNG.
// Screenshots of every view go to test-output/e2e/.
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBenchPage, startServedUi, type ServedUi } from './fixtures/served-ui.ts';
import { DEFAULT_BENCH_ROLES } from '../../sim/link/bench-file.ts';

const SHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'e2e');
const FIXTURES = join(import.meta.dirname, 'fixtures');
/** Seed 1's site-0 optimum is near (12510, 12500) µm at Z 5020 µm (where its align step peaks). */
const SEED = 1;
const NEAR_PEAK = { X: 12510, Y: 12500, Z: 5020 };

let ui: ServedUi;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

const tid = (id: string) => `[data-testid="${id}"]`;
/** Run controls as the Results view shows them (the Sequence view, kept mounted, has its own). */
const results = (id: string) => `${tid('view-results')} ${tid(id)}`;

async function shot(name: string): Promise<void> {
  // From the top: a full-page capture of a scrolled page paints the sticky header mid-page.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** The big meter reading, in dBm (NaN while there is none). */
async function readingDbm(): Promise<number> {
  return Number.parseFloat((await page.locator(`${tid('meter-panel')}[data-role="meter"] ${tid('meter-dbm')}`).textContent()) ?? '');
}

async function alignReadings(): Promise<number> {
  const caption = await page.locator(`${tid('align-plots')} .plot-panel`).first().locator('figcaption').textContent();
  return Number.parseInt(/(\d+) readings/.exec(caption ?? '')?.[1] ?? '0', 10);
}

/** The single-fiber stage's pad (the hexapod has its own beside it). */
const PAD = `${tid('stage-pad')}[data-role="stage"]`;

async function moveTo(axis: string, target_um: number): Promise<void> {
  const row = page.locator(`${PAD} tr[data-axis="${axis}"]`);
  await row.locator('input[type="number"]').fill(String(target_um));
  await row.getByRole('button', { name: 'Go' }).click();
  await expect.poll(async () => Number.parseFloat((await page.locator(`${PAD} ${tid(`position-${axis}`)}`).textContent()) ?? ''), { timeout: 20_000 })
    .toBeCloseTo(target_um, 1);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // No bench at start: the test opens the simulator from the UI.
  ui = await startServedUi({ prefix: 'g2-e2e-' });
  ({ context, page } = await openBenchPage(ui, pageErrors, { acceptDownloads: true, viewport: { width: 1400, height: 1000 } }));
}, 300_000);

afterAll(async () => {
  await context?.close();
  // SIGTERM makes the bench safe and exits 0; anything else means it could not.
  expect(await ui?.close()).toBe(0);
}, 60_000);

describe('the UI in Chromium against benchctl serve', () => {
  it('opens the simulated bench from the Bench view and lists its instruments', async () => {
    await expect.poll(() => page.locator(tid('laser-badge')).getAttribute('data-emission')).toBe('off');
    await page.locator(tid('sim-seed')).fill(String(SEED));
    await page.locator(tid('open-sim')).click();
    const rows = page.locator(`${tid('instruments')} tbody tr`);
    // The single-fiber bench, the fiber-array pair (8-port meter, hexapod) and the PAM4 BERT beside it.
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(DEFAULT_BENCH_ROLES.length);
    const text = await page.locator(tid('instruments')).textContent();
    for (const id of ['N7778C', 'N7744A', 'N7762A', 'MP1900A', 'C-884', 'N7745A', 'C-887', 'SIM-BERT']) expect(text).toContain(id);
    // Every instrument healthy. A first state read that timed out on a loaded machine marks its role until
    // the panel's retry reads it (state-rereads.ts); on a timeout the rows that are not ok say which and why.
    const notOk = () => page.locator(`${tid('instruments')} tbody tr`).evaluateAll((trs) =>
      trs.filter((tr) => !tr.querySelector('.state.ok')).map((tr) => tr.textContent?.replace(/\s+/g, ' ').trim() ?? ''));
    await expect.poll(notOk, { timeout: 20_000 }).toEqual([]);
    await expect.poll(() => page.locator(tid('bench-name')).textContent()).toContain(`seed ${SEED}`);
    await shot('01-bench-open');
  }, 60_000);

  it('flags the laser conspicuously while it emits', async () => {
    await page.locator(tid('laser-toggle')).click();
    await expect.poll(() => page.locator(tid('laser-badge')).getAttribute('data-emission'), { timeout: 10_000 }).toBe('on');
    expect(await page.locator(tid('laser-badge')).textContent()).toContain('LASER ON');
    expect(await page.locator(tid('laser-state')).textContent()).toContain('EMITTING');
    // The red frame of the whole window, not only the badge.
    expect(await page.locator('.app').getAttribute('class')).toContain('laser-on');
    await shot('02-bench-laser-on');
  }, 30_000);

  it('disables a jog at a soft limit, moves to the chip, jogs the stage and sees the live reading change', async () => {
    // Z starts at its upper soft limit: a further + jog is refused in the UI before it reaches the service.
    // The pad's text on a timeout says why its axes never showed (still reading, or the read's error).
    await expect.poll(async () => (await page.locator(PAD).count()) > 0 && (await page.locator(`${PAD} table.axes`).count()) > 0
      ? 'axes shown' : `pad: ${(await page.locator(PAD).textContent().catch(() => null)) ?? 'absent'}`, { timeout: 30_000 }).toBe('axes shown');
    expect(await page.locator(`${PAD} ${tid('jog-Z-plus')}`).isDisabled()).toBe(true);
    expect(await page.locator(`${PAD} ${tid('jog-Z-minus')}`).isDisabled()).toBe(false);
    await page.locator('.voa-panel').getByRole('button', { name: 'Open shutter' }).click();
    await moveTo('X', NEAR_PEAK.X);
    await moveTo('Y', NEAR_PEAK.Y);
    await moveTo('Z', NEAR_PEAK.Z);
    // The live reading (the service's monitor) shows light near the peak.
    await expect.poll(readingDbm, { timeout: 15_000 }).toBeGreaterThan(-35);
    const before = await readingDbm();
    await page.locator(`${PAD} [data-step="5"]`).click();
    await page.locator(`${PAD} ${tid('jog-X-plus')}`).click();
    await expect.poll(async () => Number.parseFloat((await page.locator(`${PAD} ${tid('position-X')}`).textContent()) ?? ''), { timeout: 15_000 })
      .toBeCloseTo(NEAR_PEAK.X + 5, 1);
    // 5 µm off a ~5 µm mode costs several dB: the reading must move by more than noise.
    await expect.poll(async () => Math.abs((await readingDbm()) - before), { timeout: 15_000 }).toBeGreaterThan(1);
    expect(await page.locator(`${tid('meter-panel')}[data-role="meter"] ${tid('meter-mw')}`).textContent()).toMatch(/[µnp]?W$/);
    await shot('03-bench-jogged');
  }, 90_000);

  it('answers SCPI in the console, instrument errors included', async () => {
    const input = page.locator(tid('scpi-input'));
    await input.fill('*IDN?');
    await input.press('Enter');
    await expect.poll(() => page.locator(tid('scpi-transcript')).textContent(), { timeout: 10_000 }).toContain('N7778C');
    await input.fill(':NOT:A:COMMAND 1');
    await input.press('Enter');
    await expect.poll(() => page.locator(`${tid('scpi-transcript')} .warn-text`).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.locator(`${tid('scpi-transcript')} .warn-text`).last().textContent()).toMatch(/instrument error -\d+/);
    await page.locator(tid('scpi-console')).scrollIntoViewIfNeeded();
    await shot('04-bench-console');
  }, 30_000);

  it('shows a broken sequence\'s problems inline, at their line', async () => {
    await page.locator('[data-view="sequence"]').click();
    await page.locator(tid('sequence-upload')).setInputFiles(join(FIXTURES, 'broken.yaml'));
    await page.waitForSelector(tid('inline-issue'));
    expect(await page.locator(tid('inline-issue')).first().textContent()).toContain('steps[1].align.search_radius');
    expect(await page.locator('.code-line.bad .ln').first().textContent()).toBe('7');
    expect(await page.locator(tid('issue')).first().textContent()).toMatch(/broken\.yaml:7:\d+/);
    expect(await page.locator(tid('run-start')).isDisabled()).toBe(true);
    await shot('05-sequence-errors');
  }, 30_000);

  it('reopens the simulator on its real-time clock (so a run takes the time it would on a real bench)', async () => {
    await page.locator('[data-view="bench"]').click();
    await page.locator(tid('close-bench')).click();
    await page.waitForSelector(tid('open-sim'));
    expect(await page.locator(tid('laser-badge')).getAttribute('data-emission')).toBe('off');
    await page.locator(tid('sim-seed')).fill(String(SEED));
    await page.locator(tid('sim-realtime')).check();
    await page.locator(tid('open-sim')).click();
    await expect.poll(() => page.locator(tid('bench-name')).textContent(), { timeout: 30_000 }).toContain('real time');
  }, 60_000);

  it('runs a short align + spectrum + BER sequence: plan and ETA, plots filling live, pause and resume', async () => {
    await page.locator('[data-view="sequence"]').click();
    await page.locator(tid('sequence-upload')).setInputFiles(join(FIXTURES, 'short-align-ber.yaml'));
    await page.waitForSelector(tid('plan'));
    expect(await page.locator(`${tid('plan')} tbody tr`).count()).toBe(6);
    // A valid upload keeps its text folded away (no empty editor in its place).
    expect(await page.locator(tid('sequence-editor')).count()).toBe(0);
    expect(await page.locator(tid('eta')).textContent()).toMatch(/\d+(\.\d+)? s|min/);
    await shot('06-sequence-plan');

    await page.locator(tid('run-start')).click();
    await page.waitForSelector(tid('view-results'));
    await expect.poll(alignReadings, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
    // Every text the phase shows from here on (a MutationObserver misses no state, however short).
    await page.evaluate(`(() => {
      const el = document.querySelector(${JSON.stringify(results('run-phase'))});
      const seen = (window.__phases = [el.textContent]);
      new MutationObserver(() => seen.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
    })()`);
    await page.locator(results('run-pause')).click();
    // The engine stops at the step's next checkpoint: a fly line under way still delivers its logged
    // samples. The service says 'pausing' at the request and 'paused' once the run holds; the UI shows both.
    await expect.poll(() => page.locator(results('run-phase')).textContent(), { timeout: 15_000, interval: 50 }).toBe('paused');
    const phases = (await page.evaluate('window.__phases')) as string[];
    expect(phases.filter((p, i) => p !== phases[i - 1])).toEqual(['running', 'pausing…', 'paused']);
    expect(await page.locator(results('pause-note')).textContent()).toMatch(/nothing moves until Resume/);
    // Points are drawn once per frame, the phase at once: two frames for the last points before the hold.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    const paused = await alignReadings();
    await page.waitForTimeout(2500);
    expect(await alignReadings(), 'readings arrived after the UI said "paused"').toBe(paused);
    expect(await page.locator(tid('laser-badge')).getAttribute('data-emission')).toBe('unknown');
    // Paused in the alignment: the spectrum and BER steps (and their plots) have not begun.
    expect(await page.locator(`${tid('view-results')} ${tid('spectrum-plots')}`).count()).toBe(0);
    expect(await page.locator(`${tid('view-results')} ${tid('waterfall-plots')}`).count()).toBe(0);
    await shot('07-results-paused');

    await page.locator(results('run-resume')).click();
    await expect.poll(() => page.locator(results('run-phase')).textContent(), { timeout: 120_000, interval: 200 }).toMatch(/^(passed|failed)$/);
    const log = await page.locator(`${tid('view-sequence')} ${tid('run-log')}`).textContent();
    expect(await page.locator(results('run-phase')).textContent(), `the run did not pass; its log:\n${log}`).toBe('passed');
    expect(await alignReadings()).toBeGreaterThanOrEqual(paused);
    // The fits arrived and are drawn with the data: the Gaussian's peak and tolerance, the waterfall's sensitivity.
    await expect.poll(() => page.locator(tid('align-plots')).textContent()).toContain('fitted peak');
    expect(await page.locator(tid('align-plots')).textContent()).toMatch(/±\d+\.\d+ µm costs 1 dB/);
    // The IL spectrum beside its grating fit.
    const spectrum = page.locator(`${tid('view-results')} ${tid('spectrum-plots')}`);
    expect(Number.parseInt(/(\d+) points/.exec((await spectrum.locator('figcaption').first().textContent()) ?? '')?.[1] ?? '0', 10)).toBeGreaterThan(1000);
    expect(await spectrum.textContent()).toMatch(/fit:\s*centre 15\d\d\.\d+ nm, peak loss \d+\.\d+ dB, 1-dB bandwidth \d+\.\d+ nm/);
    const waterfall = page.locator(`${tid('view-results')} ${tid('waterfall-plots')}`);
    // The BER points arrived after the resume and are plotted.
    expect(Number.parseInt(/(\d+) points/.exec((await waterfall.locator('figcaption').first().textContent()) ?? '')?.[1] ?? '0', 10)).toBeGreaterThanOrEqual(5);
    await expect.poll(() => waterfall.textContent()).toMatch(/fit \(loglog\):\s*sensitivity -?\d+\.\d+ dBm/);
    expect(await waterfall.locator('canvas').count()).toBeGreaterThanOrEqual(2);
    await page.waitForTimeout(300);
    await shot('08-results-done');
  }, 180_000);

  it('reopens the run from the history with its plots, and exports a CSV and a PNG', async () => {
    await page.locator('[data-view="history"]').click();
    await expect.poll(() => page.locator(tid('open-run')).count(), { timeout: 15_000 }).toBe(1);
    await page.locator(tid('open-run')).click();
    await page.waitForSelector(tid('run-record'));
    await page.waitForSelector(`${tid('view-history')} ${tid('waterfall-plots')}`);
    await shot('09-history');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator(`${tid('export-csv')}[data-file="ber.csv"]`).click()]);
    expect(csv.suggestedFilename()).toMatch(/ber\.csv$/);
    const text = readFileSync(await csv.path(), 'utf8');
    const lines = text.trimEnd().split(/\r?\n/);
    expect(lines[0]).toMatch(/^# run: \S+/);
    const header = lines.findIndex((l) => !l.startsWith('#'));
    expect(lines[header]).toBe('attenuation_dB,power_dBm,bits,errors,ber,ber_upper,ber_lower,confidence,dwell_s,status');
    // 0 … 6 dB in 0.5 dB steps.
    expect(lines.length - header - 1).toBe(13);
    // Exactly the file of the run folder.
    const runs = join(ui.dir, 'runs');
    const folder = readdirSync(runs).find((f) => f.includes('e2e-align-ber'));
    expect(folder).toBeDefined();
    expect(text).toBe(readFileSync(join(runs, folder as string, 'ber.csv'), 'utf8'));

    const panel = page.locator(`${tid('view-history')} ${tid('waterfall-plots')} .plot-panel`).first();
    const [png] = await Promise.all([page.waitForEvent('download'), panel.locator(tid('export-png')).click()]);
    expect(png.suggestedFilename()).toMatch(/waterfall\.png$/);
    const bytes = readFileSync(await png.path());
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.length).toBeGreaterThan(10_000);
  }, 60_000);

  it('raised no errors in the page on the way', () => {
    expect(pageErrors).toEqual([]);
  });

  it('says so at once when the service goes away (the numbers on screen are then stale)', async () => {
    await page.locator('[data-view="bench"]').click();
    // SIGTERM, as Ctrl-C: the bench is made safe and the server exits 0.
    expect(await ui.serve.stop()).toBe(0);
    await page.waitForSelector(tid('link-lost'), { timeout: 15_000 });
    expect(await page.locator(tid('link-lost')).textContent()).toMatch(/Connection to the bench service lost/);
    // The laser was on; with no connection its state is unknown, and the header says so instead of "on" or "off".
    expect(await page.locator(tid('laser-badge')).getAttribute('data-emission')).toBe('unknown');
    expect(await page.locator(tid('laser-badge')).textContent()).toContain('LASER: UNKNOWN');
    expect(await page.locator('.app').getAttribute('class')).not.toContain('laser-on');
    expect(await page.locator('main.content').getAttribute('class')).toContain('stale');
    await shot('10-link-lost');
  }, 60_000);
});
