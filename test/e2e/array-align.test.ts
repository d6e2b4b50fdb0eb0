// The fiber-array view end to end, in Chromium, against `benchctl serve --sim`: upload
// sequences/library/array-align.yaml, run it, and see one power bar per channel fill live, then each
// channel's shortfall from its own optimum, the roll/tip/tilt/Z readouts and each channel's readings
// beside its fitted model, as a profile and as an X–Y map. A screenshot goes to test-output/e2e/array-align.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBenchPage, startServedUi, type ServedUi } from './fixtures/served-ui.ts';

const SHOTS = join(import.meta.dirname, '..', '..', 'test-output', 'e2e');
const LIBRARY = join(import.meta.dirname, '..', '..', 'sequences', 'library', 'array-align.yaml');
const tid = (id: string) => `[data-testid="${id}"]`;

let ui: ServedUi;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ui = await startServedUi({ prefix: 'a12-e2e-', args: ['--sim', '--seed', '2'] });
  ({ page } = await openBenchPage(ui, pageErrors, { viewport: { width: 1400, height: 1400 } }));
}, 300_000);

afterAll(async () => {
  expect(await ui?.close()).toBe(0);
}, 60_000);

describe('the fiber-array view in Chromium', () => {
  it('runs array-align on the simulator: a bar per channel live, then shortfalls, readouts and each channel beside its model', async () => {
    await page.locator('[data-view="sequence"]').click();
    await page.locator(tid('sequence-upload')).setInputFiles(LIBRARY);
    await page.waitForSelector(tid('plan'));
    await page.locator(tid('run-start')).click();
    await page.waitForSelector(tid('view-results'));
    const view = `${tid('view-results')} ${tid('array-channels')}`;
    // Live: the bars appear while the step still runs (before any shortfall is known).
    await expect.poll(() => page.locator(`${view} .channel-bar`).count(), { timeout: 60_000, interval: 20 }).toBe(8);
    await expect.poll(() => page.locator(`${tid('view-results')} ${tid('run-phase')}`).textContent(), { timeout: 240_000, interval: 200 }).toMatch(/^(passed|failed)$/);
    expect(await page.locator(`${tid('view-results')} ${tid('run-phase')}`).textContent()).toBe('passed');
    const shortfalls = await page.locator(`${view} ${tid('shortfall')}`).allTextContents();
    expect(shortfalls).toHaveLength(8);
    for (const s of shortfalls) expect(s).toMatch(/^−\d+\.\d{3} dB of -?\d+\.\d{2}$/);
    for (const r of ['roll', 'tip', 'tilt', 'height']) expect(await page.locator(`${view} ${tid(r)}`).textContent()).toMatch(/\d/);
    expect(await page.locator(`${view} ${tid('channel-profile')}`).count()).toBe(8);
    expect(await page.locator(`${view} ${tid('channel-model')}`).count()).toBe(8);
    // Each channel's scan map (its readings about its optimum) beside its model's map.
    expect(await page.locator(`${view} ${tid('channel-scan-map')}`).count()).toBe(8);
    expect(await page.locator(`${view} ${tid('channel-model-map')}`).count()).toBe(8);
    for (const m of await page.locator(`${view} ${tid('channel-scan-map')}`).all()) expect(await m.locator('circle').count()).toBeGreaterThan(5);
    for (const m of await page.locator(`${view} ${tid('channel-model-map')}`).all()) expect(await m.locator('rect').count()).toBe(256);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.locator(view).screenshot({ path: join(SHOTS, 'array-align.png') });
    expect(pageErrors).toEqual([]);
  }, 400_000);
});
